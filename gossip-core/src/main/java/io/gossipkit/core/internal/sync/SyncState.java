package io.gossipkit.core.internal.sync;

/**
 * Internal: may change at any time. What one replica remembers for range sync and the tombstone
 * rule, made on first need: its key-hash index, until when it counts as returning, and its
 * tombstone watermark. (When it last heard from a peer is a field of the store itself: every
 * replica that takes part in anti-entropy needs it, and there it costs no extra object.)
 *
 * <p>A replica that heard from no peer for longer than the tombstone TTL is <em>returning</em>:
 * its peers may have collected tombstones it never saw. From the moment it hears from a peer
 * again it stays returning for one more TTL, or until an exchange finds it in agreement with a
 * peer; while returning it never hands a peer an entry older than the TTL that the peer lacks
 * and whose watermark covers it (see docs/anti-entropy.md, "Tombstones").
 */
public final class SyncState {
  RangeIndex index;
  private long returningUntil = Long.MIN_VALUE;
  private long collectedUpTo;
  /** Entries the replica's map was last sized for by {@code VersionedStore.reserve}; 0 if never. */
  private int reserved;

  /** True if a return that began earlier still lasts at {@code now}. */
  public boolean returningAt(long now) {
    return now < returningUntil;
  }

  /** The replica heard from a peer after a silence longer than the TTL: returning until then. */
  public void returningUntil(long millis) {
    returningUntil = millis;
  }

  /** An exchange found this replica equal to a peer's: it is no longer returning. */
  public void agreed() {
    returningUntil = Long.MIN_VALUE;
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

  /** Entries the replica's map was last sized for; 0 if never. */
  public int reserved() {
    return reserved;
  }

  /** Records that the replica's map was sized for {@code entries}. */
  public void reserved(int entries) {
    reserved = entries;
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
