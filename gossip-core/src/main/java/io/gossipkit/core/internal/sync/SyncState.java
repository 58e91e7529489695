package io.gossipkit.core.internal.sync;

import io.gossipkit.api.NodeId;
import java.util.HashMap;
import java.util.Map;

/**
 * Internal: may change at any time. What one replica remembers for range sync and the tombstone
 * rule, made on first need: its key-hash index, until when it counts as returning, its
 * tombstone watermark, and the records of the tombstones it collected ({@link DeleteRecords}).
 * (When it last heard from a peer is a field of the store itself: every
 * replica that takes part in anti-entropy needs it, and there it costs no extra object.)
 *
 * <p>A replica that heard from no peer for longer than the tombstone TTL is <em>returning</em>:
 * its peers may have collected tombstones it never saw. From the moment it hears from a peer
 * again it stays returning for one more TTL, or until an exchange finds it in agreement with a
 * peer; while returning it never hands a peer an entry older than the TTL that the peer lacks
 * and whose watermark covers it (see docs/anti-entropy.md, "Tombstones"), and it collects no
 * tombstone, so that the deletes it made while away still reach the others. A tombstone that
 * arrives after its TTL but deletes a value this replica still holds is kept one TTL from its
 * arrival ({@link #acceptedLate}).
 */
public final class SyncState {
  RangeIndex index;
  private long returningUntil = Long.MIN_VALUE;
  private long collectedUpTo;
  /** Entries the replica's map was last sized for by {@code VersionedStore.reserve}; 0 if never. */
  private int reserved;
  /**
   * Keys of tombstones accepted after their TTL had passed (they deleted a value this replica
   * still held), to the time each was accepted; null while there are none.
   */
  private HashMap<String, Long> lateTombstones;
  /**
   * Peers with a range stream to this replica running, by the time of the last message that
   * continued it; null until the first. Kept here, with the replica, because one anti-entropy
   * strategy may serve many nodes (a simulation shares one).
   */
  private HashMap<NodeId, Long> streaming;
  /** Push-pull range exchanges this node and a peer opened at once; null until the first. */
  private CrossedExchanges crossings;
  /** Records of the tombstones this replica collected; null until it first keeps one. */
  private DeleteRecords deletes;

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

  /**
   * The tombstone watermark range sync sends: the highest version time (ms) of any tombstone this
   * replica collected and keeps no record of. With delete records, a collected delete counts only
   * once its record expires or is evicted ({@link DeleteRecords#forgottenUpTo}): while remembered,
   * the record itself refuses the value the delete replaced, so a returning peer may hand over its
   * old entries instead of dropping them. Without records, every collected tombstone counts. 0 if
   * none.
   */
  public long collectedUpTo() {
    return deletes == null ? collectedUpTo : Math.max(collectedUpTo, deletes.forgottenUpTo());
  }

  /** Raises the watermark to {@code millis} if higher: a tombstone collected without a record. */
  public void collected(long millis) {
    if (millis > collectedUpTo) {
      collectedUpTo = millis;
    }
  }

  /**
   * Records that the tombstone under {@code key}, already past its TTL, was accepted at {@code
   * now} because it deleted a value this replica still held: it is kept for one TTL from now, so
   * that it reaches the other replicas that still hold that value.
   */
  public void acceptedLate(String key, long now) {
    if (lateTombstones == null) {
      lateTombstones = new HashMap<>();
    }
    lateTombstones.put(key, now);
  }

  /**
   * Forgets the late record of the tombstone under {@code key}, which is gone (rewritten or
   * removed): otherwise the record stayed until a later collection, and collections run only
   * while the replica holds tombstones.
   */
  public void tombstoneGone(String key) {
    if (lateTombstones != null && lateTombstones.remove(key) != null && lateTombstones.isEmpty()) {
      lateTombstones = null;
    }
  }

  /**
   * Forgets late tombstones accepted before {@code cutoffMillis} and returns true if any still
   * held is younger: only then does a collection need to ask {@link #heldLate}.
   */
  public boolean expireLate(long cutoffMillis) {
    if (lateTombstones == null) {
      return false;
    }
    lateTombstones.values().removeIf(acceptedAt -> acceptedAt < cutoffMillis);
    if (lateTombstones.isEmpty()) {
      lateTombstones = null;
      return false;
    }
    return true;
  }

  /** True if the tombstone under {@code key} was accepted late, at or after {@code cutoffMillis}. */
  public boolean heldLate(String key, long cutoffMillis) {
    Long acceptedAt = lateTombstones == null ? null : lateTombstones.get(key);
    return acceptedAt != null && acceptedAt >= cutoffMillis;
  }

  /** Peers whose range stream with this node is running (see AntiEntropy), made on first call. */
  public Map<NodeId, Long> streaming() {
    if (streaming == null) {
      streaming = new HashMap<>();
    }
    return streaming;
  }

  /** True if some peer's range stream was recorded and not yet forgotten. */
  public boolean hasStreaming() {
    return streaming != null && !streaming.isEmpty();
  }

  /** This node's record of crossed exchanges, made on first call. */
  public CrossedExchanges crossings() {
    if (crossings == null) {
      crossings = new CrossedExchanges();
    }
    return crossings;
  }

  /** Records of collected tombstones, or null if none were kept. */
  public DeleteRecords deletes() {
    return deletes;
  }

  /**
   * Records of collected tombstones, made on first call with these bounds (later calls return
   * the same records: the bounds come from the node's configuration, which does not change).
   */
  public DeleteRecords deletes(long retentionMillis, int maxRecords) {
    if (deletes == null) {
      deletes = new DeleteRecords(retentionMillis, maxRecords);
    }
    return deletes;
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
