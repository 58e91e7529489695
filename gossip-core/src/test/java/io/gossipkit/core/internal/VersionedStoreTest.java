package io.gossipkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Digest;
import io.gossipkit.api.Entry;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The replica: merge results, tombstones, the incremental root hash and digest arithmetic. */
class VersionedStoreTest {
  private static final MergePolicy LWW = MergePolicy.lastWriterWins();

  private static Version v(long millis, String origin) {
    return Version.of(Version.pack(millis, 0), NodeId.of(origin));
  }

  private static Entry live(String key, long millis) {
    return Entry.of(key, new byte[] {(byte) millis}, v(millis, "o"));
  }

  private static Entry dead(String key, long millis) {
    return Entry.tombstone(key, v(millis, "o"));
  }

  private static VersionedStore storeOf(Entry... entries) {
    VersionedStore s = new VersionedStore();
    for (Entry e : entries) {
      s.apply(e, LWW);
    }
    return s;
  }

  private static Set<String> keys(List<Entry> entries) {
    Set<String> out = new TreeSet<>();
    entries.forEach(e -> out.add(e.key()));
    return out;
  }

  private static Set<Entry> contents(VersionedStore s) {
    Set<Entry> out = new HashSet<>();
    s.forEach(out::add);
    return out;
  }

  @Test
  void aLateDeleteRecordGoesWithItsTombstoneWhenTheKeyIsRewrittenOrForgotten() {
    VersionedStore s = storeOf(dead("rewritten", 10), dead("forgotten", 10), dead("kept", 10));
    for (String k : List.of("rewritten", "forgotten", "kept")) {
      s.syncState().acceptedLate(k, 1_000);
    }

    s.apply(live("rewritten", 20), LWW);
    s.forget("forgotten");
    s.apply(dead("kept", 30), LWW); // a newer delete keeps the record: it is still a tombstone

    assertFalse(s.syncState().heldLate("rewritten", 0), "a value replaced the late tombstone");
    assertFalse(s.syncState().heldLate("forgotten", 0), "the tombstone was removed");
    assertTrue(s.syncState().heldLate("kept", 0));
  }

  @Test
  void rootHashIsIndependentOfInsertionOrder() {
    Entry a = live("a", 1);
    Entry b = dead("b", 2);
    Entry c = live("c", 3);

    long abc = storeOf(a, b, c).rootHash();

    assertEquals(abc, storeOf(c, a, b).rootHash());
    assertEquals(abc, storeOf(b, c, a).rootHash());
    assertEquals(EntryHash.of(a) ^ EntryHash.of(b) ^ EntryHash.of(c), abc);
  }

  @Test
  void rootHashDependsOnContentNotOnHistory() {
    // One store saw an older version first, the other only the final one.
    VersionedStore withHistory = storeOf(live("k", 1), live("x", 5), live("k", 2));
    VersionedStore direct = storeOf(live("x", 5), live("k", 2));

    assertEquals(direct.rootHash(), withHistory.rootHash());
  }

  @Test
  void differentVersionsOrTombstoneFlagGiveDifferentRootHashes() {
    long base = storeOf(live("k", 1)).rootHash();

    assertNotEquals(base, storeOf(live("k", 2)).rootHash());
    assertNotEquals(
        base, storeOf(Entry.of("k", new byte[] {1}, v(1, "other"))).rootHash(), "origin counts");
    assertNotEquals(base, storeOf(dead("k", 1)).rootHash(), "tombstone flag counts");
    assertNotEquals(base, storeOf(live("k2", 1)).rootHash(), "key counts");
  }

  @Test
  void emptyStoreHasTheEmptyDigest() {
    VersionedStore s = new VersionedStore();

    assertEquals(0, s.size());
    assertEquals(0L, s.rootHash());
    assertEquals(Digest.EMPTY, s.digest(10));
    assertEquals(Digest.EMPTY, s.digest(0));
    assertNull(s.get("a"));
  }

  @Test
  void applyReportsWhatItReplaced() {
    VersionedStore s = new VersionedStore();
    Entry k1 = live("k", 1);
    Entry k2 = live("k", 2);

    assertNull(s.apply(k1, LWW), "a new key replaces nothing");
    assertSame(k1, s.apply(k2, LWW), "a newer version replaces the old entry");
    assertSame(k2, s.get("k"));
  }

  @Test
  void applyOfAnOlderOrEqualEntryIsUnchangedUnderLastWriterWins() {
    VersionedStore s = storeOf(live("k", 5));
    long root = s.rootHash();

    assertSame(VersionedStore.UNCHANGED, s.apply(live("k", 4), LWW));
    assertSame(VersionedStore.UNCHANGED, s.apply(live("k", 5), LWW), "an equal copy is no change");
    assertEquals(root, s.rootHash());
    assertEquals(live("k", 5), s.get("k"));
  }

  @Test
  void firstWriterWinsKeepsTheOlderEntry() {
    VersionedStore s = new VersionedStore();
    s.apply(live("k", 1), MergePolicy.firstWriterWins());

    assertSame(VersionedStore.UNCHANGED, s.apply(live("k", 2), MergePolicy.firstWriterWins()));
    assertEquals(1, s.get("k").version().millis());
  }

  @Test
  void tombstoneReplacesAValueAndIsCounted() {
    VersionedStore s = storeOf(live("k", 1), live("other", 1));
    assertEquals(0, s.tombstones());

    s.apply(dead("k", 2), LWW);

    assertTrue(s.get("k").isTombstone());
    assertEquals(0, s.get("k").valueLength());
    assertEquals(1, s.tombstones());
    assertEquals(2, s.size(), "a tombstone is an entry");

    s.apply(live("k", 3), LWW);
    assertFalse(s.get("k").isTombstone(), "a later write wins over the delete");
    assertEquals(0, s.tombstones());
  }

  @Test
  void olderTombstoneLosesToANewerValue() {
    VersionedStore s = storeOf(live("k", 5));

    assertSame(VersionedStore.UNCHANGED, s.apply(dead("k", 4), LWW));
    assertEquals(0, s.tombstones());
  }

  @Test
  void collectTombstonesRemovesOnlyTombstonesOlderThanTheCutoff() {
    VersionedStore s = storeOf(dead("old", 100), dead("edge", 200), dead("young", 300), live("v", 1));

    int removed = s.collectTombstones(200);

    assertEquals(1, removed, "strictly older than the cutoff");
    assertNull(s.get("old"));
    assertTrue(s.get("edge").isTombstone());
    assertEquals(live("v", 1), s.get("v"), "values are never collected, however old");
    assertEquals(2, s.tombstones());
    assertEquals(3, s.size());
    assertEquals(
        storeOf(dead("edge", 200), dead("young", 300), live("v", 1)).rootHash(),
        s.rootHash(),
        "the root hash follows the removal");

    assertEquals(2, s.collectTombstones(Long.MAX_VALUE));
    assertEquals(0, s.tombstones());
    assertEquals(storeOf(live("v", 1)).rootHash(), s.rootHash());
    assertEquals(0, s.collectTombstones(Long.MAX_VALUE), "nothing left to collect");
  }

  @Test
  void collectingTheOnlyEntryEmptiesTheStore() {
    VersionedStore s = storeOf(dead("k", 10));

    assertEquals(0, s.collectTombstones(10), "not older than the cutoff yet");
    assertEquals(1, s.collectTombstones(11));

    assertEquals(0, s.size());
    assertEquals(0, s.tombstones());
    assertEquals(0L, s.rootHash());
    assertEquals(Digest.EMPTY, s.digest(10));

    assertNull(s.apply(live("k", 1), LWW), "a collected key is new again");
  }

  @Test
  void digestListsEveryVersionUpToMaxListed() {
    VersionedStore s = storeOf(live("a", 1), dead("b", 2), live("c", 3));

    Digest d = s.digest(3);

    assertTrue(d.isComplete());
    assertEquals(3, d.size());
    assertEquals(s.rootHash(), d.rootHash());
    assertEquals(
        Set.of(
            new KeyVersion("a", v(1, "o")),
            new KeyVersion("b", v(2, "o")),
            new KeyVersion("c", v(3, "o"))),
        new HashSet<>(d.versions()));
  }

  @Test
  void digestBeyondMaxListedCarriesOnlyHashAndSize() {
    VersionedStore s = storeOf(live("a", 1), dead("b", 2), live("c", 3));

    Digest d = s.digest(2);

    assertFalse(d.isComplete());
    assertEquals(3, d.size());
    assertEquals(s.rootHash(), d.rootHash());
    assertEquals(List.of(), d.versions());

    Digest single = storeOf(live("a", 1)).digest(0);
    assertFalse(single.isComplete(), "the single-entry path obeys the limit too");
    assertEquals(1, single.size());
  }

  @Test
  void newerThanAndOlderThanComputeTheDifferenceBothWays() {
    VersionedStore mine =
        storeOf(live("both-same", 1), live("mine-newer", 2), live("theirs-newer", 1), live("only-mine", 1));
    VersionedStore theirs =
        storeOf(live("both-same", 1), live("mine-newer", 1), live("theirs-newer", 2), live("only-theirs", 1));

    Digest theirDigest = theirs.digest(100);
    Digest myDigest = mine.digest(100);

    assertEquals(Set.of("mine-newer", "only-mine"), keys(mine.newerThan(theirDigest)));
    assertEquals(Set.of("theirs-newer", "only-theirs"), new TreeSet<>(mine.olderThan(theirDigest)));
    assertEquals(Set.of("theirs-newer", "only-theirs"), keys(theirs.newerThan(myDigest)));
    assertEquals(Set.of("mine-newer", "only-mine"), new TreeSet<>(theirs.olderThan(myDigest)));

    for (Entry e : mine.newerThan(theirDigest)) {
      assertSame(mine.get(e.key()), e, "newerThan hands out the held entries themselves");
    }
  }

  @Test
  void sameTimestampIsOrderedByOrigin() {
    VersionedStore low = storeOf(Entry.of("k", new byte[] {1}, v(7, "a")));
    VersionedStore high = storeOf(Entry.of("k", new byte[] {2}, v(7, "b")));

    assertEquals(Set.of("k"), keys(high.newerThan(low.digest(10))));
    assertEquals(List.of(), low.newerThan(high.digest(10)));
    assertEquals(List.of("k"), low.olderThan(high.digest(10)));
    assertEquals(List.of(), high.olderThan(low.digest(10)));
  }

  @Test
  void equalReplicasHaveNoDifference() {
    VersionedStore a = storeOf(live("x", 1), dead("y", 2));
    VersionedStore b = storeOf(dead("y", 2), live("x", 1));

    assertEquals(a.rootHash(), b.rootHash());
    assertEquals(List.of(), a.newerThan(b.digest(10)));
    assertEquals(List.of(), a.olderThan(b.digest(10)));
  }

  @Test
  void againstAnEmptyDigestEverythingIsNewerAndNothingOlder() {
    VersionedStore s = storeOf(live("a", 1), live("b", 1));

    assertEquals(Set.of("a", "b"), keys(s.newerThan(Digest.EMPTY)));
    assertEquals(List.of(), s.olderThan(Digest.EMPTY));
    assertEquals(List.of(), new VersionedStore().newerThan(s.digest(10)));
    assertEquals(Set.of("a", "b"), new TreeSet<>(new VersionedStore().olderThan(s.digest(10))));
  }

  @Test
  void singleEntryPathAndMapPathAgree() {
    Entry a = live("a", 1);
    Entry bDead = dead("b", 2);
    VersionedStore oneOnly = storeOf(a);

    // One entry (field), then two (map), then back to one once b's tombstone is collected.
    VersionedStore s = storeOf(a);
    assertSameReplica(oneOnly, s);

    s.apply(bDead, LWW);
    assertEquals(2, s.size());
    assertSame(bDead, s.get("b"));
    assertSame(a, s.get("a"));
    assertEquals(Set.of(a, bDead), contents(s));
    assertEquals(storeOf(bDead, a).rootHash(), s.rootHash());

    assertEquals(1, s.collectTombstones(3));
    assertSameReplica(oneOnly, s);

    // The single-entry path replaces its own key in place.
    VersionedStore single = storeOf(live("a", 1));
    Entry a2 = live("a", 2);
    assertSame(single.get("a"), single.apply(a2, LWW));
    assertSameReplica(storeOf(a2), single);
  }

  /**
   * Once range sync builds the index, the index holds the entries: a store indexed from the
   * start, one indexed midway and one never indexed go through the same seeded mix of writes,
   * deletes, forgets, collections and reservations, across several growths of the index, and
   * agree after every step.
   */
  @Test
  void anIndexedStoreBehavesExactlyLikeAMapStore() {
    long seed = 20261201L;
    java.util.Random random = new java.util.Random(seed);
    VersionedStore plain = new VersionedStore();
    VersionedStore indexed = new VersionedStore();
    indexed.rangeIndex();
    VersionedStore late = new VersionedStore();
    int keys = 6_000;
    for (int step = 0; step < 40_000; step++) {
      String key = "k" + random.nextInt(keys);
      int op = random.nextInt(100);
      if (step == 15_000) {
        late.rangeIndex();
      }
      if (op < 70) {
        Entry e = live(key, random.nextInt(1_000));
        assertEquals(plain.apply(e, LWW), indexed.apply(e, LWW), "seed " + seed + " step " + step);
        late.apply(e, LWW);
      } else if (op < 90) {
        Entry e = dead(key, random.nextInt(1_000));
        assertEquals(plain.apply(e, LWW), indexed.apply(e, LWW), "seed " + seed + " step " + step);
        late.apply(e, LWW);
      } else if (op < 97) {
        assertEquals(plain.forget(key), indexed.forget(key), "seed " + seed + " step " + step);
        late.forget(key);
      } else if (op < 99) {
        long cutoff = random.nextInt(300);
        int removed = plain.collectTombstones(cutoff);
        assertEquals(removed, indexed.collectTombstones(cutoff), "seed " + seed + " step " + step);
        assertEquals(removed, late.collectTombstones(cutoff), "seed " + seed + " step " + step);
      } else {
        int expected = plain.size() + random.nextInt(20_000);
        indexed.reserve(expected);
        late.reserve(expected);
      }
      if (step % 2_000 == 1_999) {
        assertSameContents(plain, indexed, "seed " + seed + " step " + step);
        assertSameContents(plain, late, "seed " + seed + " step " + step);
      }
    }
    assertSameContents(plain, indexed, "seed " + seed + " at the end");
    assertEquals(indexed.size(), indexed.rangeIndex().size());
    List<Entry> walked = new ArrayList<>();
    io.gossipkit.core.internal.sync.RangeIndex.Cursor c = indexed.rangeIndex().cursor(0, -1L);
    // At most one step past the entries the store holds: a cursor that never ends walks one
    // too many and fails the count below instead of hanging.
    for (int guard = 0; guard <= plain.size() && c.next(); guard++) {
      walked.add(c.entry());
    }
    assertEquals(plain.size(), walked.size(), "the cursor walks each entry once and stops");
    assertEquals(contents(plain), new HashSet<>(walked));
  }

  private static void assertSameContents(VersionedStore expected, VersionedStore actual,
      String where) {
    assertEquals(expected.size(), actual.size(), where);
    assertEquals(expected.rootHash(), actual.rootHash(), where);
    assertEquals(expected.tombstones(), actual.tombstones(), where);
    assertEquals(contents(expected), contents(actual), where);
    expected.forEach(e -> assertEquals(e, actual.get(e.key()), where));
    assertNull(actual.get("absent"), where);
    Digest d = actual.digest(Integer.MAX_VALUE);
    assertEquals(expected.size(), d.versions().size(), where);
    assertEquals(List.of(), actual.newerThan(expected.digest(Integer.MAX_VALUE)), where);
    assertEquals(List.of(), actual.olderThan(expected.digest(Integer.MAX_VALUE)), where);
  }

  private static void assertSameReplica(VersionedStore expected, VersionedStore actual) {
    assertEquals(expected.size(), actual.size());
    assertEquals(expected.rootHash(), actual.rootHash());
    assertEquals(expected.tombstones(), actual.tombstones());
    assertEquals(contents(expected), contents(actual));
    assertEquals(expected.digest(10), actual.digest(10));
    assertEquals(List.of(), actual.newerThan(expected.digest(10)));
    assertEquals(List.of(), actual.olderThan(expected.digest(10)));
    List<String> keys = new ArrayList<>();
    expected.forEach(e -> keys.add(e.key()));
    for (String k : keys) {
      assertEquals(expected.get(k), actual.get(k));
    }
    assertNull(actual.get("absent"));
  }
}
