package io.gossipkit.core.internal.sync;

import io.gossipkit.api.Entry;
import io.gossipkit.api.ReplicaStore;
import io.gossipkit.api.Version;
import io.gossipkit.core.internal.EntryHash;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Internal: may change at any time. The key-hash tree of one replica, kept up to date as the
 * replica changes: the XOR of entry hashes and the entry count of every tree node down to a depth
 * that grows with the replica, and below that depth, buckets of entries sorted by (key hash, key).
 *
 * <p>Each change costs O(depth) XORs and count updates, plus a sorted insert or removal in one
 * bucket of about {@value #KEYS_PER_LEAF} keys; when the replica outgrows the depth, the index is
 * rebuilt one level deeper (O(n), amortized O(1) per insert). Summaries of nodes above the depth
 * are array reads; deeper ones scan one bucket. Nodes are addressed as in {@code
 * RangeExpansion}: level {@code l}, prefix of {@code 4 * l} hash bits.
 *
 * <p>Buckets hold the entries themselves, not their keys: a walk (what every range message and
 * every streamed chunk does) then reads entries straight from the bucket arrays, where a lookup
 * of each key in the replica's hash map cost about 250 ns of cache misses per entry, half the
 * sender's time in a full sync. The store reports replacements, so the buckets stay current.
 *
 * <p>Once built, the index is the replica's map: the store looks keys up here and keeps no hash
 * map beside it. Entries of a full sync arrive in hash order, so their buckets are neighbours
 * and already in cache, where a hash map's slots (ordered by {@code String.hashCode}) were a
 * cache miss per new key: about 250 ns, most of the receiver's time in a million-key sync
 * (measured, docs/anti-entropy.md). A random lookup costs a few more misses than a hash map's;
 * replicas big enough to use range sync are dominated by streams, not by random lookups.
 *
 * <p>Whenever the index is built or rebuilt it also lays its entries out in memory in the order
 * it walks them: each entry is replaced by an equal copy (key, value and version copied too),
 * allocated bucket by bucket, so a walk reads memory front to back instead of jumping to wherever
 * each entry was first allocated. A replica filled in any other order (by key, by arrival, by
 * rumor) otherwise costs a full sync's sender a few cache misses per entry: measured with {@code
 * gossip bench sync}, the sending engine thread used 0.14-0.18 instead of 0.25-0.32 CPU-s per
 * million-key sync. Entries written after a build land wherever the allocator puts them until the
 * next rebuild (at the next growth of the index, so the copying stays amortized O(1) per insert).
 * The garbage collectors compact without reordering, so the layout lasts. Each entry replaced is
 * garbage at once (the store drops its map first, a rebuild releases each old bucket as soon as it
 * is moved), so the live replica is never held twice; the heap may hold both copies until the
 * collector needs the room.
 *
 * <p>Built on first use by range sync, so replicas that never need it (every simulated node) pay
 * nothing. Runs on the node's executor, like the replica it indexes.
 */
public final class RangeIndex {
  /** Average keys per bucket at which the index grows a level. */
  static final int KEYS_PER_LEAF = 16;

  /** Entries a cursor reads ahead of its position; see {@code Cursor.refill}. */
  static final int READ_AHEAD = 64;

  /** Deepest bucket level: 16^5 buckets, enough for 16 M keys at the target bucket size. */
  static final int MAX_DEPTH = 5;

  private int depth;
  private int size;
  private long[][] hashes;
  private int[][] counts;
  private long[][] bucketHashes;
  private Entry[][] bucketEntries;
  private int[] bucketSizes;
  /**
   * Slots a bucket starts with: 4, or room for about as many keys as an average bucket will hold
   * once a reserved size is reached, so a replica filled to a size it reserved (a full sync)
   * grows its buckets at most once instead of doubling each from 4.
   */
  private int firstCapacity = 4;
  /** The last key hashed, and its hash: a store's lookup and its update hash the same key. */
  private String lastKey;
  private long lastKeyHash;

  /**
   * Indexes every entry {@code store} holds now; from then on the store keeps its entries here
   * and reports each change.
   */
  public RangeIndex(ReplicaStore store) {
    allocate(depthFor(store.size()));
    store.forEach(e -> insert(e, KeyHash.of(e.key()), EntryHash.of(e)));
  }

  /**
   * Lays the entries out in walk order (see the class comment). The store calls it once it has
   * dropped its own references to the entries, so each one replaced here is garbage at once and
   * the replica is never held twice by live references.
   */
  public void layOut() {
    for (int b = 0; b < bucketSizes.length; b++) {
      Entry[] es = bucketEntries[b];
      for (int i = 0, n = bucketSizes[b]; i < n; i++) {
        es[i] = relocated(es[i]);
      }
    }
  }

  /**
   * An equal copy of {@code e} whose objects (entry, key, value, version) are allocated now, next
   * to the previous copy's: see the class comment. The origin id is shared, one per writer.
   */
  private static Entry relocated(Entry e) {
    String key = new String(e.key().toCharArray());
    Version v = Version.of(e.version().timestamp(), e.version().origin());
    if (e.isTombstone()) {
      return Entry.wrap(key, null, v, true, e.signatureUnsafe());
    }
    return Entry.wrap(key, e.valueUnsafe().clone(), v, false, e.signatureUnsafe());
  }

  private static int depthFor(int n) {
    int d = 1;
    while (d < MAX_DEPTH && (long) KEYS_PER_LEAF << (4 * d) < n) {
      d++;
    }
    return d;
  }

  /** Moves every entry into an index of {@code newDepth} levels. */
  private void rebuild(int newDepth) {
    Entry[][] oldEntries = bucketEntries;
    long[][] oldHashes = bucketHashes;
    int[] oldSizes = bucketSizes;
    allocate(newDepth);
    // Old buckets in order hold the entries in hash order, so the new buckets fill in order, and
    // their copies are allocated in that order.
    for (int b = 0; b < oldSizes.length; b++) {
      for (int i = 0; i < oldSizes[b]; i++) {
        Entry e = relocated(oldEntries[b][i]);
        insert(e, oldHashes[b][i], EntryHash.of(e));
      }
      // Moved: the old bucket and its entries are garbage from here, not after the whole rebuild.
      oldEntries[b] = null;
      oldHashes[b] = null;
    }
  }

  private void allocate(int newDepth) {
    depth = newDepth;
    size = 0;
    hashes = new long[depth + 1][];
    counts = new int[depth + 1][];
    for (int l = 0; l <= depth; l++) {
      hashes[l] = new long[1 << (4 * l)];
      counts[l] = new int[1 << (4 * l)];
    }
    int buckets = 1 << (4 * depth);
    bucketHashes = new long[buckets][];
    bucketEntries = new Entry[buckets][];
    bucketSizes = new int[buckets];
  }

  /** The entry held for {@code key}, or null. */
  public Entry get(String key) {
    long h = keyHash(key);
    int b = KeyHash.index(depth, h);
    int pos = find(b, h, key);
    return pos >= 0 ? bucketEntries[b][pos] : null;
  }

  /** Calls {@code action} with every entry, in (hash, key) order; it must not change the index. */
  public void forEach(Consumer<? super Entry> action) {
    for (int b = 0; b < bucketSizes.length; b++) {
      Entry[] es = bucketEntries[b];
      for (int i = 0, n = bucketSizes[b]; i < n; i++) {
        action.accept(es[i]);
      }
    }
  }

  private long keyHash(String key) {
    if (key != lastKey) {
      lastKeyHash = KeyHash.of(key);
      lastKey = key;
    }
    return lastKeyHash;
  }

  /** Entries indexed. */
  public int size() {
    return size;
  }

  /** Levels held as arrays; nodes below are summarized by scanning a bucket. */
  int depth() {
    return depth;
  }

  /** Deepens the index at once to the depth {@code expected} entries need, if it is shallower. */
  public void reserve(int expected) {
    int d = depthFor(expected);
    if (d > depth) {
      rebuild(d);
    }
    int perBucket = expected >> (4 * depth);
    if (perBucket > 0) {
      firstCapacity = Math.max(firstCapacity,
          Math.min(4 * KEYS_PER_LEAF, Integer.highestOneBit(perBucket) << 1));
    }
  }

  /** Adds {@code e}, whose key the index does not hold; {@code entryHash} is its EntryHash. */
  public void added(Entry e, long entryHash) {
    insert(e, keyHash(e.key()), entryHash);
    if (depth < MAX_DEPTH && size > (long) KEYS_PER_LEAF << (4 * depth)) {
      // e is in a bucket already, so the rebuild moves it with the rest.
      rebuild(depth + 1);
    }
  }

  /**
   * Replaces the entry held under {@code current}'s key by {@code current}; {@code delta} is the
   * XOR of the old and new entries' EntryHashes.
   */
  public void replaced(Entry current, long delta) {
    long h = keyHash(current.key());
    int b = KeyHash.index(depth, h);
    int pos = find(b, h, current.key());
    if (pos >= 0) {
      bucketEntries[b][pos] = current;
    }
    for (int l = 0; l <= depth; l++) {
      hashes[l][KeyHash.index(l, h)] ^= delta;
    }
  }

  /** Removes {@code e}, whose EntryHash is {@code eh}; nothing if the index lacks its key. */
  public void removed(Entry e, long eh) {
    long h = keyHash(e.key());
    int b = KeyHash.index(depth, h);
    int pos = find(b, h, e.key());
    if (pos < 0) {
      return;
    }
    int n = bucketSizes[b];
    System.arraycopy(bucketHashes[b], pos + 1, bucketHashes[b], pos, n - pos - 1);
    System.arraycopy(bucketEntries[b], pos + 1, bucketEntries[b], pos, n - pos - 1);
    bucketEntries[b][n - 1] = null;
    bucketSizes[b] = n - 1;
    size--;
    for (int l = 0; l <= depth; l++) {
      int i = KeyHash.index(l, h);
      hashes[l][i] ^= eh;
      counts[l][i]--;
    }
  }

  private void insert(Entry e, long h, long entryHash) {
    int b = KeyHash.index(depth, h);
    int n = bucketSizes[b];
    int pos = find(b, h, e.key());
    if (pos >= 0) {
      return;
    }
    pos = -pos - 1;
    if (bucketHashes[b] == null) {
      bucketHashes[b] = new long[firstCapacity];
      bucketEntries[b] = new Entry[firstCapacity];
    } else if (n == bucketHashes[b].length) {
      bucketHashes[b] = Arrays.copyOf(bucketHashes[b], n * 2);
      bucketEntries[b] = Arrays.copyOf(bucketEntries[b], n * 2);
    }
    System.arraycopy(bucketHashes[b], pos, bucketHashes[b], pos + 1, n - pos);
    System.arraycopy(bucketEntries[b], pos, bucketEntries[b], pos + 1, n - pos);
    bucketHashes[b][pos] = h;
    bucketEntries[b][pos] = e;
    bucketSizes[b] = n + 1;
    size++;
    for (int l = 0; l <= depth; l++) {
      int i = KeyHash.index(l, h);
      hashes[l][i] ^= entryHash;
      counts[l][i]++;
    }
  }

  /** Position of (h, key) in bucket b, or -(insertion point) - 1. */
  private int find(int b, long h, String key) {
    int lo = 0;
    int hi = bucketSizes[b] - 1;
    long[] hs = bucketHashes[b];
    if (hi < 0 || Long.compareUnsigned(hs[hi], h) < 0) {
      // After the bucket's last key: how a full sync fills a replica, whose entries arrive in
      // hash order, so each of its lookups and inserts (two per entry) skips the binary search.
      return -hi - 2;
    }
    Entry[] es = bucketEntries[b];
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      // Keys are compared only on equal hashes, so entries are rarely dereferenced here.
      int c = Long.compareUnsigned(hs[mid], h);
      if (c == 0) {
        c = es[mid].key().compareTo(key);
      }
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  /**
   * Fills {@code hashOut} and {@code countOut} (16 each) with the summaries of the children of
   * the node at {@code level} (0 to 15) with {@code prefix}.
   */
  public void expand(int level, long prefix, long[] hashOut, int[] countOut) {
    int child = level + 1;
    if (child <= depth) {
      int base = (int) (prefix << 4);
      System.arraycopy(hashes[child], base, hashOut, 0, 16);
      System.arraycopy(counts[child], base, countOut, 0, 16);
      return;
    }
    Arrays.fill(hashOut, 0L);
    Arrays.fill(countOut, 0);
    int shift = 64 - 4 * child;
    Cursor c = cursor(KeyHash.start(level, prefix), KeyHash.last(level, prefix));
    while (c.next()) {
      Entry e = c.entry();
      int i = (int) (c.hash() >>> shift) & 15;
      hashOut[i] ^= EntryHash.of(e);
      countOut[i]++;
    }
  }

  /** Walks the keys with hash in {@code [from, to]} (unsigned, inclusive) in (hash, key) order. */
  public Cursor cursor(long from, long to) {
    return new Cursor(from, to);
  }

  /**
   * A walk over part of the index in (hash, key) order. The index must not change during the
   * walk: callers collect what they would remove and remove it afterwards.
   */
  public final class Cursor {
    private final long from;
    private final long to;
    private int bucket;
    private final int lastBucket;
    private int pos = -1;
    private long hash;
    private Entry entry;
    /** Entries read ahead of the cursor, and their hashes: see {@link #refill}. */
    private final long[] aheadHashes = new long[READ_AHEAD];
    private final Entry[] ahead = new Entry[READ_AHEAD];
    private int aheadCount;
    private int aheadAt;
    /** Where the read-ahead's loads go, so the compiler keeps them. */
    private long touched;

    Cursor(long from, long to) {
      this.from = from;
      this.to = to;
      this.bucket = KeyHash.index(depth, from);
      this.lastBucket = KeyHash.index(depth, to);
    }

    /** Moves to the next key; false when the walk is over. */
    public boolean next() {
      if (aheadAt == aheadCount && !refill()) {
        return false;
      }
      hash = aheadHashes[aheadAt];
      entry = ahead[aheadAt++];
      return true;
    }

    /**
     * Reads up to {@value #READ_AHEAD} entries ahead and touches the fields every caller reads
     * (key, version, value length) in a loop of independent loads. A walk visits entries in hash
     * order, which is no order they were allocated in, so each entry is a few cache misses; one
     * at a time those misses are paid back to back, while here the processor overlaps them:
     * sizing a million walked entries took 95 instead of 380 ns each (measured, 2 cores).
     */
    private boolean refill() {
      aheadAt = 0;
      aheadCount = 0;
      while (aheadCount < READ_AHEAD && step()) {
        aheadHashes[aheadCount] = hash;
        ahead[aheadCount++] = entry;
      }
      long sum = 0;
      for (int i = 0; i < aheadCount; i++) {
        Entry e = ahead[i];
        sum += e.key().length() + e.version().timestamp() + e.valueLength();
      }
      touched += sum;
      return aheadCount > 0;
    }

    /** Moves the underlying walk to the next key; false when it is over. */
    private boolean step() {
      while (Integer.compareUnsigned(bucket, lastBucket) <= 0) {
        int n = bucketSizes[bucket];
        if (pos < 0) {
          // First visit of this bucket: skip keys before from.
          pos = 0;
          long[] hs = bucketHashes[bucket];
          while (pos < n && Long.compareUnsigned(hs[pos], from) < 0) {
            pos++;
          }
        } else {
          pos++;
        }
        if (pos < n) {
          long h = bucketHashes[bucket][pos];
          if (Long.compareUnsigned(h, to) > 0) {
            bucket = lastBucket + 1;
            return false;
          }
          hash = h;
          entry = bucketEntries[bucket][pos];
          return true;
        }
        if (bucket == lastBucket) {
          break;
        }
        bucket++;
        pos = -1;
      }
      bucket = lastBucket + 1;
      return false;
    }

    /** Key hash at the cursor. */
    public long hash() {
      return hash;
    }

    /** Entry at the cursor: the replica's current one for its key. */
    public Entry entry() {
      return entry;
    }

    /** Key at the cursor. */
    public String key() {
      return entry.key();
    }
  }
}
