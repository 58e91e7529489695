package io.gossipkit.core.internal.sync;

/**
 * Internal: may change at any time. What one replica remembers for range sync and the tombstone
 * rule: its key-hash index, when it last heard from a peer, until when it counts as returning, and
 * its tombstone watermark.
 *
 * <p>A replica that heard from no peer for longer than the tombstone TTL is <em>returning</em>:
 * its peers may have collected tombstones it never saw. From the moment it hears from a peer
 * again it stays returning for one more TTL, or until an exchange finds it in agreement with a
 * peer; while returning it never hands a peer an entry older than the TTL that the peer lacks
 * and whose watermark covers it (see docs/anti-entropy.md, "Tombstones").
 */
public final class SyncState {
  private static final long NEVER = Long.MIN_VALUE;

  RangeIndex index;
  private long lastContact = NEVER;
  private long returningUntil = NEVER;
  private long collectedUpTo;

  /** True if this replica is returning at {@code now} (see the class comment). */
  public boolean isReturning(long now, long ttlMillis) {
    return (lastContact != NEVER && now - lastContact > ttlMillis) || now < returningUntil;
  }

  /** Records an anti-entropy message from a peer at {@code now}. */
  public void contact(long now, long ttlMillis) {
    if (lastContact != NEVER && now - lastContact > ttlMillis) {
      returningUntil = now + ttlMillis;
    }
    lastContact = now;
  }

  /** An exchange found this replica equal to a peer's: it is no longer returning. */
  public void agreed() {
    returningUntil = NEVER;
  }

  /** Highest version time (ms) of any tombstone this replica collected; 0 if none. */
  public long collectedUpTo() {
    return collectedUpTo;
  }

  /** Raises the watermark to {@code millis} if higher. */
  public void collected(long millis) {
    if (millis > collectedUpTo) {
      collectedUpTo = millis;
    }
  }

  /** The index, or null until range sync first needs it. */
  public RangeIndex index() {
    return index;
  }

  /** Sets the index; called once by the store. */
  public void index(RangeIndex v) {
    index = v;
  }
}
