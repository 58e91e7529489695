package io.gossipkit.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Entry;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.core.internal.EntryHash;
import io.gossipkit.core.internal.VersionedStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The key-hash index agrees with a brute-force recount after any mix of changes. */
class RangeIndexTest {
  private static final MergePolicy LWW = MergePolicy.lastWriterWins();

  private static Entry entry(String key, long millis, boolean tombstone) {
    Version v = Version.of(Version.pack(millis, 0), NodeId.of("w"));
    return tombstone ? Entry.tombstone(key, v) : Entry.of(key, new byte[] {1}, v);
  }

  private static VersionedStore storeOf(List<Entry> entries) {
    VersionedStore s = new VersionedStore();
    entries.forEach(e -> s.apply(e, LWW));
    return s;
  }

  /** Brute force: XOR and count of the store's entries whose key hash is under the node. */
  private static long[] recount(VersionedStore store, int level, long prefix) {
    long start = KeyHash.start(level, prefix);
    long last = KeyHash.last(level, prefix);
    long[] out = new long[2];
    store.forEach(
        e -> {
          long h = KeyHash.of(e.key());
          if (Long.compareUnsigned(h, start) >= 0 && Long.compareUnsigned(h, last) <= 0) {
            out[0] ^= EntryHash.of(e);
            out[1]++;
          }
        });
    return out;
  }

  private static void assertConsistent(VersionedStore store, Random random) {
    RangeIndex index = store.rangeIndex();
    assertEquals(store.size(), index.size());
    long[] h = new long[16];
    int[] c = new int[16];
    // The root, and random nodes at every level, above and below the index depth.
    for (int level = 0; level <= 8; level++) {
      long prefix = level == 0 ? 0 : random.nextLong() >>> (64 - 4 * level);
      index.expand(level, prefix, h, c);
      for (int i = 0; i < 16; i++) {
        long[] expected = recount(store, level + 1, (prefix << 4) | i);
        assertEquals(expected[0], h[i], "hash of child " + i + " at level " + level);
        assertEquals(expected[1], c[i], "count of child " + i + " at level " + level);
      }
    }
    index.expand(0, 0, h, c);
    long root = 0;
    for (long x : h) {
      root ^= x;
    }
    assertEquals(store.rootHash(), root, "the root of the tree is the store's root hash");
  }

  @Test
  void summariesMatchARecountThroughInsertsReplacementsCollectionsForgetsAndRegrowth() {
    Random random = new Random(3);
    VersionedStore store = new VersionedStore();
    store.apply(entry("seed", 1, false), LWW);
    store.rangeIndex();
    List<String> keys = new ArrayList<>();
    // Past 16 * 16^1 and 16 * 16^2 keys: the index regrows twice on the way.
    for (int i = 0; i < 6000; i++) {
      String key = "key-" + i;
      keys.add(key);
      store.apply(entry(key, 10 + random.nextInt(100), random.nextInt(5) == 0), LWW);
    }
    assertTrue(store.rangeIndex().depth() >= 3, "depth " + store.rangeIndex().depth());
    assertConsistent(store, random);
    for (int i = 0; i < 2000; i++) {
      store.apply(entry(keys.get(random.nextInt(keys.size())), 200 + i, random.nextBoolean()), LWW);
    }
    assertConsistent(store, random);
    store.collectTombstones(1000);
    for (int i = 0; i < 500; i++) {
      store.forget(keys.get(random.nextInt(keys.size())));
    }
    assertConsistent(store, random);
  }

  @Test
  void aCursorYieldsTheReplicasCurrentEntryAfterReplacements() {
    VersionedStore store = new VersionedStore();
    for (int i = 0; i < 2000; i++) {
      store.apply(entry("k" + i, 5, false), LWW);
    }
    store.rangeIndex();
    for (int i = 0; i < 2000; i += 3) {
      store.apply(entry("k" + i, 50 + i, i % 2 == 0), LWW);
    }
    int walked = 0;
    RangeIndex.Cursor c = store.rangeIndex().cursor(0, -1L);
    for (int guard = 0; guard < 10_000 && c.next(); guard++) {
      assertEquals(store.get(c.key()), c.entry(), "the index holds a stale entry for " + c.key());
      walked++;
    }
    assertEquals(2000, walked);
  }

  @Test
  void aCursorWalksExactlyTheKeysOfItsIntervalInHashOrder() {
    VersionedStore store = new VersionedStore();
    for (int i = 0; i < 3000; i++) {
      store.apply(entry("k" + i, 5, false), LWW);
    }
    long from = 0x3000_0000_0000_0000L;
    long to = 0xA7FF_FFFF_FFFF_FFFFL;
    List<Long> expected = new ArrayList<>();
    store.forEach(
        e -> {
          long h = KeyHash.of(e.key());
          if (Long.compareUnsigned(h, from) >= 0 && Long.compareUnsigned(h, to) <= 0) {
            expected.add(h);
          }
        });
    expected.sort(Long::compareUnsigned);

    List<Long> walked = new ArrayList<>();
    RangeIndex.Cursor c = store.rangeIndex().cursor(from, to);
    for (int guard = 0; guard < 10_000 && c.next(); guard++) {
      walked.add(c.hash());
    }

    assertEquals(expected, walked);
  }

  @Test
  void aReservationKeepsEveryEntryAndDeepensTheIndexAtOnce() {
    Random random = new Random(5);
    VersionedStore store = new VersionedStore();
    for (int i = 0; i < 3000; i++) {
      store.apply(entry("k" + i, 5 + i, i % 7 == 0), LWW);
    }
    int depth = store.rangeIndex().depth();
    long root = store.rootHash();

    store.reserve(1_000_000);

    assertEquals(3000, store.size());
    assertEquals(root, store.rootHash());
    assertTrue(store.rangeIndex().depth() > depth, "depth " + store.rangeIndex().depth());
    assertConsistent(store, random);
    for (int i = 3000; i < 6000; i++) {
      store.apply(entry("k" + i, 5, false), LWW);
    }
    assertConsistent(store, random);
    int deep = store.rangeIndex().depth();
    store.reserve(2000); // smaller than what it holds: nothing to do
    assertEquals(deep, store.rangeIndex().depth());
    assertEquals(6000, store.size());
  }

  /**
   * A full sync fills an empty replica in (key hash, key) order, each entry landing after its
   * bucket's last: the index takes the shortcut for that and must agree with a recount, find
   * every key, and still place an out-of-order key (and a second entry of an equal hash) right.
   */
  @Test
  void entriesArrivingInHashOrderAsAFullSyncSendsThemAreAllFoundAndSummarized() {
    Random random = new Random(9);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      keys.add("key-" + i);
    }
    keys.sort((x, y) -> {
      int c = Long.compareUnsigned(KeyHash.of(x), KeyHash.of(y));
      return c != 0 ? c : x.compareTo(y);
    });
    VersionedStore store = new VersionedStore();
    store.rangeIndex();
    store.reserve(keys.size());
    // Every other key in hash order first, then the rest: both appends and mid-bucket inserts.
    for (int pass = 0; pass < 2; pass++) {
      for (int i = pass; i < keys.size(); i += 2) {
        store.apply(entry(keys.get(i), 7, false), LWW);
      }
      assertConsistent(store, random);
    }
    assertEquals(keys.size(), store.size());
    for (String k : keys) {
      assertTrue(store.get(k) != null, k);
    }
    // Appending a key again replaces, never duplicates.
    store.apply(entry(keys.get(keys.size() - 1), 8, false), LWW);
    assertEquals(keys.size(), store.size());
    assertConsistent(store, random);
  }

  /**
   * Building (and rebuilding) the index lays its entries out anew: each is an equal copy with its
   * own key, value and version objects, a signature and a tombstone kept as they were, so the
   * replica's content, root hash and lookups are unchanged.
   */
  @Test
  void buildingTheIndexReplacesEntriesByEqualCopiesKeepingSignaturesAndTombstones() {
    VersionedStore store = new VersionedStore();
    byte[] signature = new byte[Entry.SIGNATURE_BYTES];
    signature[0] = 7;
    List<Entry> written = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      if (i == 100) {
        // Built from the first 100; the next 500 outgrow its one level, and the rebuild copies
        // every entry again.
        store.rangeIndex();
      }
      Entry e = entry("k" + i, 10 + i, i % 5 == 0);
      if (i % 7 == 0) {
        e = e.withSignature(signature);
      }
      store.apply(e, LWW);
      written.add(e);
    }
    long root = storeOf(written).rootHash();
    // The rebuild came with the key that took the index past 16 keys per bucket at one level.
    int copied = (RangeIndex.KEYS_PER_LEAF << 4) + 1;
    for (int i = 0; i < written.size(); i++) {
      Entry e = written.get(i);
      Entry held = store.get(e.key());
      assertEquals(e, held);
      if (i < copied) {
        assertTrue(held != e, "a copy, not the entry written: " + e.key());
        assertTrue(held.key() != e.key(), "the key is copied too: " + e.key());
      } else {
        assertTrue(held == e, "written after the last rebuild, not copied yet: " + e.key());
      }
      assertEquals(e.isTombstone(), held.isTombstone());
      assertEquals(e.isSigned(), held.isSigned());
      assertTrue(java.util.Arrays.equals(e.signature(), held.signature()));
      assertTrue(java.util.Arrays.equals(e.value(), held.value()));
    }
    assertEquals(root, store.rootHash());
    assertConsistent(store, new Random(3));
  }
}
