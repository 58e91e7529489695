package io.gossipkit.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.TestCluster;
import io.gossipkit.core.internal.AntiEntropy;
import io.gossipkit.core.internal.VersionedStore;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The tombstone rule, on a virtual clock: a replica cut off for longer than the tombstone TTL
 * comes back and must not resurrect what the others deleted and collected meanwhile, nor have
 * what it deleted itself while away handed back to it, yet must not lose what nobody deleted.
 * Three nodes, each exchanging with both others every round.
 */
class TombstoneRuleTest {
  private static final long TTL = 10_000;
  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;
  private static final int D = 3;

  private static TestCluster cluster(int nodes) {
    return cluster(nodes, GossipConfig.builder());
  }

  private static TestCluster cluster(int nodes, GossipConfig.Builder settings) {
    GossipConfig config = settings.gossipInterval(Duration.ofMillis(100))
        .tombstoneTtl(Duration.ofMillis(TTL)).build();
    TestCluster c = new TestCluster(config, nodes, 5);
    for (int i = 0; i < nodes; i++) {
      c.add(i, new AntiEntropy(Exchange.PUSH_PULL, PeerSelectors.ring(), nodes - 1));
    }
    return c;
  }

  private static Entry entry(String key, long millis) {
    return Entry.of(key, new byte[] {7}, Version.of(Version.pack(millis, 0), NodeId.of("w")));
  }

  /** One round of every node in {@code nodes} (rounds collect tombstones), then delivery. */
  private static void rounds(TestCluster c, Predicate<TestCluster.Sent> lost, int... nodes) {
    for (int n : nodes) {
      c.engine(n).run();
    }
    c.deliverAll(lost);
  }

  /** Three nodes that all hold k and kept, written just now. */
  private static TestCluster agreeingOnKAndKept() {
    return agreeingOnKAndKept(GossipConfig.builder());
  }

  private static TestCluster agreeingOnKAndKept(GossipConfig.Builder settings) {
    TestCluster c = cluster(3, settings);
    for (int i = 0; i < 3; i++) {
      c.engine(i).apply(entry("k", c.now() - 1));
      c.engine(i).apply(entry("kept", c.now() - 1));
    }
    rounds(c, s -> false, A, B, C);
    return c;
  }

  /** Five rounds with nothing lost, each node of {@code order} acting in that order. */
  private static void healed(TestCluster c, int... order) {
    for (int round = 0; round < 5; round++) {
      rounds(c, s -> false, order);
    }
  }

  /** Loses every message to or from node {@code n}. */
  private static Predicate<TestCluster.Sent> cutOff(TestCluster c, int n) {
    NodeId away = c.id(n);
    return s -> s.from().equals(away) || s.to().equals(away);
  }

  /**
   * Runs the partition without delete records (rule 3 alone, as once records are gone): C cut off
   * while A deletes k and the TTL passes; A and B collect it.
   */
  private static TestCluster deleteWhileCIsAway() {
    return deleteWhileCIsAway(GossipConfig.builder().deleteRecordRetention(Duration.ZERO));
  }

  /**
   * Runs the partition: C cut off and, at once, writes "offline"; A deletes k and the TTL passes;
   * A and B collect it.
   */
  private static TestCluster deleteWhileCIsAway(GossipConfig.Builder settings) {
    TestCluster c = agreeingOnKAndKept(settings);
    Predicate<TestCluster.Sent> cutOff = cutOff(c, C);

    c.engine(C).apply(entry("offline", c.now() - 1));
    c.advance(1000);
    c.engine(A).delete("k");
    rounds(c, cutOff, A, B, C);
    assertTrue(c.engine(B).store().get("k").isTombstone(), "B learned of the delete");
    for (int step = 0; step < 12; step++) {
      c.advance(TTL / 10);
      rounds(c, cutOff, A, B, C);
    }
    assertNull(c.engine(A).store().get("k"), "A collected the tombstone");
    assertNull(c.engine(B).store().get("k"), "B collected the tombstone");
    assertNotNull(c.engine(C).store().get("k"), "C still holds the value it never saw deleted");
    return c;
  }

  @Test
  void aReplicaAwayLongerThanTheTtlDropsWhatTheOthersDeletedInsteadOfResurrectingIt() {
    TestCluster c = deleteWhileCIsAway();

    // Healed. C's own round comes first: the worst case, it starts the exchange.
    healed(c, C, A, B);

    for (int i = 0; i < 3; i++) {
      assertNull(c.engine(i).store().get("k"), "node " + i + " holds k again");
      assertNotNull(c.engine(i).store().get("kept"), "node " + i + " lost a live key");
    }
    // k, and C's own old write "offline": rule 3 alone cannot tell the two apart.
    assertEquals(2, c.counters().get("sync.stale_dropped"));
  }

  @Test
  void whenTheOthersStartTheExchangeTheReturningReplicaStillDropsIt() {
    TestCluster c = deleteWhileCIsAway();

    healed(c, A, B, C);

    for (int i = 0; i < 3; i++) {
      assertNull(c.engine(i).store().get("k"), "node " + i + " holds k again");
    }
  }

  @Test
  void withRecordsTheOthersRefuseTheReturningReplicasValueAndRestoreTheDelete() {
    TestCluster c = deleteWhileCIsAway(GossipConfig.builder());

    healed(c, C, A, B);

    assertNoNodeHoldsTheValueOfK(c);
    assertTrue(c.counters().get("tombstones.deletes_restored") >= 1, "a delete was restored");
    assertEquals(0, c.counters().get("sync.stale_dropped"), "nothing needed dropping");
    for (int step = 0; step < 25; step++) {
      c.advance(TTL / 10);
      rounds(c, s -> false, A, B, C);
    }
    for (int i = 0; i < 3; i++) {
      assertNull(c.engine(i).store().get("k"), "node " + i + " still holds k");
    }
  }

  @Test
  void anOldWriteOnlyTheReturningReplicaHeldSurvivesWhileThePeersRememberTheirDeletes() {
    TestCluster c = deleteWhileCIsAway(GossipConfig.builder());

    healed(c, C, A, B);

    for (int i = 0; i < 3; i++) {
      assertNotNull(c.engine(i).store().get("offline"), "node " + i + " lacks C's old write");
    }
  }

  @Test
  void onceThePeersRecordsHaveExpiredTheReturningReplicaDropsWhatTheyDeletedAsBefore() {
    TestCluster c = deleteWhileCIsAway(
        GossipConfig.builder().deleteRecordRetention(Duration.ofMillis(2 * TTL)));
    Predicate<TestCluster.Sent> cutOff = cutOff(c, C);
    for (int step = 0; step < 25; step++) {
      c.advance(TTL / 10);
      rounds(c, cutOff, A, B, C);
    }

    healed(c, C, A, B);

    for (int i = 0; i < 3; i++) {
      assertNull(c.engine(i).store().get("k"), "node " + i + " holds k again");
    }
    assertEquals(0, c.counters().get("tombstones.deletes_restored"), "the records were gone");
    assertEquals(2, c.counters().get("sync.stale_dropped"), "k and C's old write, by rule 3");
  }

  @Test
  void withoutRecordsAnOldWriteOnlyTheReturningReplicaHeldIsDroppedAsTheDocsWarn() {
    TestCluster c = deleteWhileCIsAway();

    healed(c, C, A, B);

    for (int i = 0; i < 3; i++) {
      assertNull(c.engine(i).store().get("offline"), "node " + i + " holds C's old write");
    }
  }

  @Test
  void aReturningReplicaStillSpreadsWritesYoungerThanTheTtl() {
    TestCluster c = deleteWhileCIsAway();
    c.engine(C).apply(entry("written-while-away", c.now() - 100));

    healed(c, C, A, B);

    for (int i = 0; i < 3; i++) {
      assertNotNull(c.engine(i).store().get("written-while-away"), "node " + i);
    }
  }

  @Test
  void aReturningReplicaHandsItsOldEntriesToAPeerThatNeverCollectedATombstone() {
    // A and B sync; then B is gone and A is alone for longer than the TTL; then C, new and
    // empty, joins. C lacks everything, but has collected no tombstone: nothing was deleted.
    TestCluster c = cluster(3);
    c.engine(A).apply(entry("old", c.now() - 1));
    rounds(c, s -> false, A, B);
    NodeId gone = c.id(B);
    NodeId fresh = c.id(C);
    Predicate<TestCluster.Sent> aloneOrNew =
        s -> s.from().equals(gone) || s.to().equals(gone);
    c.advance(2 * TTL);
    rounds(c, s -> aloneOrNew.test(s) || s.to().equals(fresh) || s.from().equals(fresh), A);

    for (int round = 0; round < 3; round++) {
      rounds(c, aloneOrNew, A, C);
    }

    assertNotNull(c.engine(C).store().get("old"));
    assertNotNull(c.engine(A).store().get("old"));
    assertEquals(0, c.counters().get("sync.stale_dropped"));
  }

  /**
   * Runs the other partition: C is cut off and deletes k itself, then stays away for two and a
   * half TTLs, while A and B still hold k's value.
   */
  private static TestCluster deleteByCWhileAway() {
    TestCluster c = agreeingOnKAndKept();
    Predicate<TestCluster.Sent> cutOff = cutOff(c, C);

    c.advance(1000);
    c.engine(C).delete("k");
    for (int step = 0; step < 25; step++) {
      c.advance(TTL / 10);
      rounds(c, cutOff, A, B, C);
    }
    assertTrue(c.engine(C).store().get("k").isTombstone(), "C kept its tombstone while away");
    assertFalse(c.engine(A).store().get("k").isTombstone(), "A still holds the value");
    assertFalse(c.engine(B).store().get("k").isTombstone(), "B still holds the value");
    return c;
  }

  private static void assertNoNodeHoldsTheValueOfK(TestCluster c) {
    for (int i = 0; i < 3; i++) {
      Entry k = c.engine(i).store().get("k");
      assertTrue(k == null || k.isTombstone(), "node " + i + " holds k's value again: " + k);
      assertNotNull(c.engine(i).store().get("kept"), "node " + i + " lost a live key");
    }
  }

  @Test
  void aDeleteMadeByTheReplicaThatWasAwayReachesTheOthersInsteadOfBeingUndone() {
    TestCluster c = deleteByCWhileAway();

    healed(c, C, A, B);

    assertNoNodeHoldsTheValueOfK(c);
    assertEquals(2, c.counters().get("tombstones.late_accepted"), "A and B each took it once");
  }

  @Test
  void whenTheOthersStartTheExchangeTheAwayReplicasDeleteStillWins() {
    TestCluster c = deleteByCWhileAway();

    healed(c, A, B, C);

    assertNoNodeHoldsTheValueOfK(c);
  }

  @Test
  void lateTombstonesAreCollectedOneTtlAfterTheyArrivedAndTheValueStaysDeleted() {
    TestCluster c = deleteByCWhileAway();
    healed(c, C, A, B);

    for (int step = 0; step < 25; step++) {
      c.advance(TTL / 10);
      rounds(c, s -> false, A, B, C);
    }

    for (int i = 0; i < 3; i++) {
      assertNull(c.engine(i).store().get("k"), "node " + i + " still holds k");
      assertEquals(1, c.engine(i).store().size(), "node " + i + " holds more than kept");
      assertNotNull(c.engine(i).store().get("kept"), "node " + i + " lost a live key");
    }
  }

  @Test
  void aTombstonePastItsTtlThatDeletesNothingHeldIsStillIgnored() {
    TestCluster c = cluster(1);
    c.advance(3 * TTL);
    Entry old = Entry.tombstone("gone", Version.of(Version.pack(c.now() - 2 * TTL, 0),
        NodeId.of("w")));

    c.engine(A).apply(old);

    assertNull(c.engine(A).store().get("gone"));
    assertEquals(1, c.counters().get("tombstones.expired_ignored"));
    assertEquals(0, c.counters().get("tombstones.late_accepted"));
  }

  // ------------------------------------------------------------ a partition of two sides of two

  /**
   * Four nodes that all hold k and kept are split into {A, B} and {C, D}. Right after the split
   * C writes "written-on-c"; A deletes k, B learns it, the TTL passes and both collect the
   * tombstone, while C and D still hold k's value. Nobody is returning: every node kept hearing
   * from the other node of its side.
   */
  private static TestCluster deleteOnOneSideOfAPartition(GossipConfig.Builder settings) {
    TestCluster c = cluster(4, settings);
    for (int i = 0; i < 4; i++) {
      c.engine(i).apply(entry("k", c.now() - 1));
      c.engine(i).apply(entry("kept", c.now() - 1));
    }
    rounds(c, s -> false, A, B, C, D);
    Predicate<TestCluster.Sent> split = split(c);

    c.advance(1000);
    c.engine(C).put("written-on-c", new byte[] {1});
    c.engine(A).delete("k");
    rounds(c, split, A, B, C, D);
    assertTrue(c.engine(B).store().get("k").isTombstone(), "B learned of the delete");
    for (int step = 0; step < 12; step++) {
      c.advance(TTL / 10);
      rounds(c, split, A, B, C, D);
    }
    assertNull(c.engine(A).store().get("k"), "A collected the tombstone");
    assertNull(c.engine(B).store().get("k"), "B collected the tombstone");
    for (int i : new int[] {C, D}) {
      assertFalse(c.engine(i).store().get("k").isTombstone(), "node " + i + " holds k's value");
      assertNotNull(c.engine(i).store().get("written-on-c"), "node " + i + " has C's write");
      assertFalse(((VersionedStore) c.engine(i).store()).isReturning(c.now(), TTL),
          "node " + i + " is returning");
    }
    assertNull(c.engine(A).store().get("written-on-c"), "the write did not cross the split");
    return c;
  }

  /** Loses every message between {A, B} and {C, D}. */
  private static Predicate<TestCluster.Sent> split(TestCluster c) {
    NodeId a = c.id(A);
    NodeId b = c.id(B);
    return s -> (s.from().equals(a) || s.from().equals(b)) != (s.to().equals(a)
        || s.to().equals(b));
  }

  private static void assertNoNodeOfFourHoldsTheValueOfK(TestCluster c) {
    for (int i = 0; i < 4; i++) {
      Entry k = c.engine(i).store().get("k");
      assertTrue(k == null || k.isTombstone(), "node " + i + " holds k's value again: " + k);
      assertNotNull(c.engine(i).store().get("kept"), "node " + i + " lost a live key");
      assertNotNull(c.engine(i).store().get("written-on-c"),
          "node " + i + " lost the write made on the other side during the partition");
    }
  }

  @Test
  void aDeleteCollectedOnOneSideOfAPartitionIsNotHandedBackByTheOtherSide() {
    TestCluster c = deleteOnOneSideOfAPartition(GossipConfig.builder());

    // Healed; the side that still holds the value starts the exchanges.
    healed(c, C, D, A, B);

    assertNoNodeOfFourHoldsTheValueOfK(c);
    assertTrue(c.counters().get("tombstones.deletes_restored") >= 1,
        "a collected delete was restored");
    assertEquals(2, c.counters().get("tombstones.late_accepted"), "C and D each took it once");
  }

  @Test
  void whenTheDeletingSideStartsTheExchangesTheDeleteStillWins() {
    TestCluster c = deleteOnOneSideOfAPartition(GossipConfig.builder());

    healed(c, A, B, C, D);

    assertNoNodeOfFourHoldsTheValueOfK(c);
  }

  @Test
  void theRestoredDeleteIsCollectedAgainAndTheValueStaysGone() {
    TestCluster c = deleteOnOneSideOfAPartition(GossipConfig.builder());
    healed(c, C, D, A, B);

    for (int step = 0; step < 25; step++) {
      c.advance(TTL / 10);
      rounds(c, s -> false, A, B, C, D);
    }

    for (int i = 0; i < 4; i++) {
      assertNull(c.engine(i).store().get("k"), "node " + i + " still holds k");
      assertEquals(2, c.engine(i).store().size(), "node " + i + " holds more than kept and the"
          + " write made on C");
    }
  }

  @Test
  void withoutDeleteRecordsTheOtherSideHandsTheValueBackAsTheDocsWarn() {
    TestCluster c = deleteOnOneSideOfAPartition(
        GossipConfig.builder().deleteRecordRetention(Duration.ZERO));

    healed(c, C, D, A, B);

    Entry back = c.engine(A).store().get("k");
    assertNotNull(back, "k came back on A");
    assertFalse(back.isTombstone(), "k's value came back on A");
    assertEquals(0, c.counters().get("tombstones.deletes_restored"));
  }

  @Test
  void aKeyWrittenAgainAfterItsDeleteWasCollectedSpreadsDespiteTheRecord() {
    TestCluster c = cluster(4);
    for (int i = 0; i < 4; i++) {
      c.engine(i).apply(entry("k", c.now() - 1));
    }
    c.advance(1000);
    c.engine(A).delete("k");
    for (int step = 0; step < 12; step++) {
      c.advance(TTL / 10);
      rounds(c, s -> false, A, B, C, D);
    }
    for (int i = 0; i < 4; i++) {
      assertNull(c.engine(i).store().get("k"), "node " + i + " collected the tombstone");
    }

    c.engine(D).put("k", new byte[] {2});
    for (int round = 0; round < 3; round++) {
      rounds(c, s -> false, A, B, C, D);
    }

    for (int i = 0; i < 4; i++) {
      Entry k = c.engine(i).store().get("k");
      assertNotNull(k, "node " + i + " lacks the new write");
      assertArrayEquals(new byte[] {2}, k.value(), "node " + i);
    }
    assertEquals(0, c.counters().get("tombstones.deletes_restored"));
  }

  @Test
  void anOldValueOfACollectedDeleteIsRefusedAndTheDeleteRestored() {
    TestCluster c = cluster(1);
    c.engine(A).apply(entry("k", c.now() - 1));
    c.advance(1000);
    c.engine(A).delete("k");
    c.advance(2 * TTL);
    c.engine(A).run();
    assertNull(c.engine(A).store().get("k"), "collected");

    assertTrue(c.engine(A).apply(entry("k", c.now() - 3 * TTL)), "the replica changed");

    Entry k = c.engine(A).store().get("k");
    assertNotNull(k, "the delete was restored");
    assertTrue(k.isTombstone(), "the old value was refused: " + k);
    assertEquals(1, c.counters().get("tombstones.deletes_restored"));
  }
}
