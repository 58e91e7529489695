package io.gossipkit.core.internal.sync;

import io.gossipkit.api.Entry;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import java.util.Arrays;

/**
 * Internal: may change at any time. What one replica remembers of the tombstones it collected,
 * so that a collected delete still wins against the value it deleted when a replica that never
 * saw the delete offers that value later: for each collected tombstone, two hashes of its key
 * (not the key), its version, its signature if it had one, and when it was collected: 44 bytes
 * a slot of a ring that grows by doubling (so 44 to 88 a record), where the tombstone itself
 * cost a key string, a version and an entry.
 *
 * <p>Records are kept for a retention time and at most a maximum number of them; when the
 * maximum is reached the oldest goes first ({@link #drainEvicted} counts them). Both bounds come
 * from {@code GossipConfig.deleteRecordRetention} and {@code maxDeleteRecords}. The slot of a
 * record replaced by a newer delete of its key stays in the ring until it is the oldest or until
 * such slots are a quarter of a full ring, so at the maximum up to a quarter fewer records may be
 * held than the maximum says.
 *
 * <p>Layout: the records sit in a ring in collection order, so expiry and eviction pop the
 * oldest; an open-addressing table (linear probing, deletion by backward shift) maps a key's
 * 64-bit range-sync hash to its record. A key deleted again replaces its older record. Two keys
 * are taken for the same only if both their 64-bit {@link KeyHash} and their {@code
 * String.hashCode} agree: 96 bits, so a live key is refused by mistake with odds of about one in
 * 2^96 per pair of keys.
 *
 * <p>Runs on the node's executor, like the replica it belongs to.
 */
public final class DeleteRecords {
  private static final int FIRST_CAPACITY = 16;

  private final long retentionMillis;
  private final int maxRecords;

  // The ring, in collection order: slot (head + i) % capacity is the i-th oldest.
  private long[] keyHashes = new long[0];
  private int[] keyChecks = new int[0];
  private long[] timestamps = new long[0];
  /** The tombstone's origin; null for a slot whose record was replaced or never filled. */
  private NodeId[] origins = new NodeId[0];
  /** The tombstone's signature, or null if it had none. */
  private byte[][] signatures = new byte[0][];
  private long[] collectedAt = new long[0];
  private int head;
  /** Slots in use from head, live or replaced. */
  private int used;
  /** Live records: slots of the ring the table points to. */
  private int live;
  /** Live records evicted to make room since {@link #drainEvicted}. */
  private int evicted;
  /** Newest version time (ms) of any delete whose record expired or was evicted; 0 if none. */
  private long forgottenUpTo;

  /** Ring slot + 1 by key hash; 0 is empty. Its length is a power of two over twice the ring's. */
  private int[] table = new int[0];

  /**
   * Remembers collected deletes for {@code retentionMillis}, at most {@code maxRecords} of them.
   *
   * @throws IllegalArgumentException if either is not positive
   */
  public DeleteRecords(long retentionMillis, int maxRecords) {
    if (retentionMillis <= 0 || maxRecords <= 0) {
      throw new IllegalArgumentException("retention " + retentionMillis + " ms and maximum "
          + maxRecords + " must both be positive");
    }
    this.retentionMillis = retentionMillis;
    this.maxRecords = maxRecords;
  }

  /** Records held, expired ones not yet popped included. */
  public int size() {
    return live;
  }

  /**
   * Remembers {@code tombstone}, collected at {@code now}, replacing any record of its key.
   *
   * @return how many older records were evicted to make room (0 unless at the maximum)
   */
  public int add(Entry tombstone, long now) {
    expire(now);
    String key = tombstone.key();
    long h = KeyHash.of(key);
    int check = key.hashCode();
    int old = find(h, check);
    if (old >= 0) {
      unlink(old);
    }
    int made = 0;
    if (used == keyHashes.length
        && (keyHashes.length < maxRecords || used - live >= Math.max(1, keyHashes.length / 4))) {
      // Grows, or at the maximum drops the slots of replaced records: only once they are a
      // quarter of the ring, so a run of re-deletes costs amortized O(1) each, not a pass.
      grow();
    }
    while (used == keyHashes.length) {
      made += popHead() ? 1 : 0;
    }
    evicted += made;
    int slot = (head + used) % keyHashes.length;
    keyHashes[slot] = h;
    keyChecks[slot] = check;
    Version v = tombstone.version();
    timestamps[slot] = v.timestamp();
    origins[slot] = v.origin();
    signatures[slot] = tombstone.isSigned() ? tombstone.signatureUnsafe() : null;
    collectedAt[slot] = now;
    used++;
    live++;
    insert(slot);
    return made;
  }

  /** Live records evicted to make room since the last call. */
  public int drainEvicted() {
    int n = evicted;
    evicted = 0;
    return n;
  }

  /**
   * The tombstone that deleted {@code key}, rebuilt from its record, if one is held and not older
   * than the retention at {@code now}; else null.
   */
  public Entry deleted(String key, long now) {
    if (live == 0) {
      return null;
    }
    int slot = find(KeyHash.of(key), key.hashCode());
    if (slot < 0 || collectedAt[slot] < now - retentionMillis) {
      return null;
    }
    Version v = Version.of(timestamps[slot], origins[slot]);
    return signatures[slot] == null
        ? Entry.tombstone(key, v)
        : Entry.wrap(key, null, v, true, signatures[slot]);
  }

  /** Forgets the records older than the retention at {@code now}. */
  public void expire(long now) {
    long cutoff = now - retentionMillis;
    while (used > 0 && (origins[head] == null || collectedAt[head] < cutoff)) {
      popHead();
    }
  }

  /**
   * Newest version time (ms) of any delete this replica collected and no longer remembers: its
   * record expired or was evicted (a record replaced by a newer delete of its key does not count).
   * 0 if none. Range sync's tombstone watermark: see {@code SyncState.collectedUpTo}.
   */
  public long forgottenUpTo() {
    return forgottenUpTo;
  }

  /** Drops the oldest slot; true if it held a live record. */
  private boolean popHead() {
    boolean wasLive = origins[head] != null;
    if (wasLive) {
      forgottenUpTo = Math.max(forgottenUpTo, timestamps[head] >>> Version.LOGICAL_BITS);
      unlink(head);
    }
    head = (head + 1) % keyHashes.length;
    used--;
    return wasLive;
  }

  /** Takes the record in {@code slot} out of the table; the slot stays used until popped. */
  private void unlink(int slot) {
    remove(tableSlotOf(slot));
    origins[slot] = null;
    signatures[slot] = null;
    live--;
  }

  /** Moves the live records to a ring twice as large (at most the maximum), oldest first. */
  private void grow() {
    int capacity = (int) Math.min(maxRecords, Math.max(FIRST_CAPACITY, 2L * keyHashes.length));
    long[] hs = new long[capacity];
    int[] cs = new int[capacity];
    long[] ts = new long[capacity];
    NodeId[] os = new NodeId[capacity];
    byte[][] ss = new byte[capacity][];
    long[] at = new long[capacity];
    int n = 0;
    for (int i = 0; i < used; i++) {
      int from = (head + i) % keyHashes.length;
      if (origins[from] == null) {
        continue;
      }
      hs[n] = keyHashes[from];
      cs[n] = keyChecks[from];
      ts[n] = timestamps[from];
      os[n] = origins[from];
      ss[n] = signatures[from];
      at[n] = collectedAt[from];
      n++;
    }
    keyHashes = hs;
    keyChecks = cs;
    timestamps = ts;
    origins = os;
    signatures = ss;
    collectedAt = at;
    head = 0;
    used = n;
    table = new int[Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1];
    for (int slot = 0; slot < n; slot++) {
      insert(slot);
    }
  }

  private int home(long keyHash) {
    // KeyHash is a full 64-bit mix; fold both halves so every bit counts.
    return (int) (keyHash ^ (keyHash >>> 32)) & (table.length - 1);
  }

  private void insert(int slot) {
    int mask = table.length - 1;
    int i = home(keyHashes[slot]);
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = slot + 1;
  }

  /** The ring slot of the live record for (h, check), or -1. */
  private int find(long h, int check) {
    if (table.length == 0) {
      return -1;
    }
    int mask = table.length - 1;
    for (int i = home(h); table[i] != 0; i = (i + 1) & mask) {
      int slot = table[i] - 1;
      if (keyHashes[slot] == h && keyChecks[slot] == check) {
        return slot;
      }
    }
    return -1;
  }

  /** The table position that points to ring {@code slot}, which must be live. */
  private int tableSlotOf(int slot) {
    int mask = table.length - 1;
    int i = home(keyHashes[slot]);
    while (table[i] != slot + 1) {
      i = (i + 1) & mask;
    }
    return i;
  }

  /**
   * Empties table position {@code i}, moving back each later entry of its probe run that may
   * sit there (one whose home is not after {@code i} in the run): no markers left behind, so
   * lookups stay as short as the table is full.
   */
  private void remove(int i) {
    int mask = table.length - 1;
    for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
      int home = home(keyHashes[table[j] - 1]);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        table[i] = table[j];
        i = j;
      }
    }
    table[i] = 0;
  }

  @Override
  public String toString() {
    return "DeleteRecords{live=" + live + ", used=" + used + ", capacity=" + keyHashes.length
        + ", retentionMillis=" + retentionMillis + ", max=" + maxRecords + "}";
  }

  /** For tests: the ring's capacity. */
  int capacity() {
    return keyHashes.length;
  }

  /** For tests: true if every live record is found through the table. */
  boolean consistent() {
    int found = 0;
    for (int i = 0; i < used; i++) {
      int slot = (head + i) % keyHashes.length;
      if (origins[slot] != null) {
        if (find(keyHashes[slot], keyChecks[slot]) != slot) {
          return false;
        }
        found++;
      }
    }
    int pointers = (int) Arrays.stream(table).filter(t -> t != 0).count();
    return found == live && pointers == live;
  }
}
