package io.gossipkit.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.RangeEntries;
import io.gossipkit.api.message.RangeExpansion;
import io.gossipkit.api.message.RangeSummaries;
import io.gossipkit.api.message.RangeVersions;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.TestCluster;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.core.internal.AntiEntropy;
import io.gossipkit.core.internal.VersionedStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Range sync between engines driven by hand: what it costs when replicas agree, when they differ
 * in a few keys of many, and when one is empty; that every message fits the budget; and that the
 * receiver paces a stream.
 */
class RangeSyncTest {
  private static final byte[] VALUE = new byte[100];

  private static GossipConfig.Builder config() {
    // Range sync for any replica over 64 entries; fanout 1 to the ring successor.
    return GossipConfig.builder().gossipInterval(Duration.ofMillis(100)).fanout(1)
        .maxDigestEntries(64);
  }

  private static TestCluster pair(Exchange exchange, GossipConfig config) {
    TestCluster c = new TestCluster(config, 2, 11);
    c.add(0, new AntiEntropy(exchange, PeerSelectors.ring(), 0));
    c.add(1, new AntiEntropy(exchange, PeerSelectors.ring(), 0));
    return c;
  }

  /**
   * Node 0 empty, node 1 holding 30,000 keys, pulling at a datagram's budget (1,400 bytes), so
   * the state takes hundreds of chunks.
   */
  private static TestCluster emptyReplicaPullingFromAFullOne() {
    TestCluster c = pair(Exchange.PULL, DATAGRAM_BUDGET);
    fill(c.engine(1), 30_000);
    return c;
  }

  private static final GossipConfig DATAGRAM_BUDGET =
      config().maxMessageBytes(1400).maxValueBytes(1000).build();

  private static Entry entry(String key, long millis) {
    return Entry.of(key, VALUE, Version.of(Version.pack(millis, 0), NodeId.of("w")));
  }

  private static void fill(GossipEngine e, int n) {
    for (int i = 0; i < n; i++) {
      e.apply(entry("key-" + i, TestCluster.START_MILLIS - 1000));
    }
  }

  /** Encoded bytes of every message sent so far, both directions. */
  private static long bytes(TestCluster c, KryoCodec codec) {
    long sum = 0;
    for (TestCluster.Sent s : c.sent()) {
      sum += codec.encodedSize(s.message());
    }
    return sum;
  }

  /** Makes the two replicas differ in {@code d} keys: half newer on each side. */
  private static void diverge(TestCluster c, int n, int d) {
    for (int i = 0; i < d; i++) {
      c.engine(i % 2).apply(entry("key-" + (i * (n / d)), TestCluster.START_MILLIS));
    }
  }

  private static long diffBytes(int n, int d) {
    GossipConfig config = config().build();
    TestCluster c = pair(Exchange.PUSH_PULL, config);
    fill(c.engine(0), n);
    fill(c.engine(1), n);
    diverge(c, n, d);

    c.round(0);
    c.deliverAll();

    assertEquals(c.engine(0).store().rootHash(), c.engine(1).store().rootHash(),
        "one exchange repairs both sides");
    return bytes(c, KryoCodec.of(config));
  }

  @Test
  void replicasThatAgreeExchangeOneMessageOfAFewHundredBytes() {
    GossipConfig config = config().build();
    TestCluster c = pair(Exchange.PUSH_PULL, config);
    fill(c.engine(0), 20_000);
    fill(c.engine(1), 20_000);

    c.round(0);
    c.deliverAll();

    assertEquals(1, c.sent().size(), "the root alone settles it");
    assertTrue(c.sent().get(0).message() instanceof RangeSummaries);
    long bytes = bytes(c, KryoCodec.of(config));
    assertTrue(bytes < 300, bytes + " bytes");
  }

  @Test
  void tenDifferingKeysCostBytesThatGrowWithLogNNotWithN() {
    long small = diffBytes(10_000, 10);
    long large = diffBytes(160_000, 10);

    // Sixteen times the keys is one more tree level: a little more, never sixteen times more.
    assertTrue(large < 64 * 1024, large + " bytes for 10 of 160,000 keys");
    assertTrue(large < 2 * small, large + " bytes vs " + small + " for 10 of 10,000");
  }

  /**
   * The chunk that says where to continue leads its batch, so the receiver asks for the next
   * batch as the batch starts to arrive and the sender builds it at once, not a round trip
   * after the batch's last chunk.
   */
  @Test
  void eachBatchSaysWhereToContinueInItsFirstChunkSoTheNextIsAskedForBeforeThisOneEnds() {
    TestCluster c = emptyReplicaPullingFromAFullOne();

    c.round(0);
    c.deliverAll();

    assertEquals(30_000, c.engine(0).store().size());
    NodeId full = c.sent().stream().filter(s -> s.message() instanceof RangeEntries)
        .findFirst().orElseThrow().from();
    // A batch is a run of chunks the full replica sent in one go.
    List<List<RangeEntries>> batches = new ArrayList<>();
    List<RangeEntries> run = null;
    for (TestCluster.Sent s : c.sent()) {
      if (s.from().equals(full) && s.message() instanceof RangeEntries) {
        if (run == null) {
          run = new ArrayList<>();
          batches.add(run);
        }
        run.add((RangeEntries) s.message());
      } else {
        run = null;
      }
    }
    assertTrue(batches.size() > 10, batches.size() + " batches");
    int continuing = 0;
    for (List<RangeEntries> batch : batches) {
      for (int i = 1; i < batch.size(); i++) {
        assertTrue(batch.get(i).done(), "chunk " + i + " of a batch of " + batch.size()
            + " asks to continue; only the first may");
      }
      continuing += batch.get(0).done() ? 0 : 1;
    }
    // Every batch but the stream's last asks for the next one.
    assertTrue(continuing >= batches.size() - 1, continuing + " of " + batches.size());
  }

  @Test
  void aFreshReplicaReceivesEverythingInBatchesItAsksForEachChunkWithinTheBudget() {
    TestCluster c = emptyReplicaPullingFromAFullOne();
    KryoCodec codec = KryoCodec.of(DATAGRAM_BUDGET);

    c.round(0);
    c.deliverAll();

    assertEquals(30_000, c.engine(0).store().size());
    assertEquals(c.engine(1).store().rootHash(), c.engine(0).store().rootHash());
    int chunks = 0;
    int continuing = 0;
    int asked = 0;
    for (TestCluster.Sent s : c.sent()) {
      assertTrue(codec.encodedSize(s.message()) <= 1400, "over the budget: " + s.message());
      if (s.message() instanceof RangeEntries) {
        chunks++;
        if (!((RangeEntries) s.message()).done()) {
          continuing++;
        }
        // The first batch answers the empty root; every further one answers a request, and only
        // its first chunk asks for more (see the next test).
        assertTrue(chunks <= (asked + 1) * RangeSync.BATCH_CHUNKS,
            chunks + " chunks after " + asked + " requests: more than a batch per request");
        assertTrue(continuing <= asked + 1,
            continuing + " chunks asking to continue after " + asked + " requests");
      } else if (s.message() instanceof RangeVersions) {
        asked++;
      }
    }
    assertTrue(chunks > 30_000 * 120 / 1400, chunks + " chunks");
    assertTrue(asked < chunks / 2, asked + " requests for " + chunks + " chunks: not batched");
  }

  @Test
  void pushOnlyRepairsThePeerAndNeverTheInitiator() {
    GossipConfig config = config().build();
    TestCluster c = pair(Exchange.PUSH, config);
    fill(c.engine(0), 1000);
    fill(c.engine(1), 1000);
    c.engine(0).apply(entry("only-at-0", TestCluster.START_MILLIS));
    c.engine(1).apply(entry("only-at-1", TestCluster.START_MILLIS));

    c.round(0);
    c.deliverAll();

    assertTrue(c.engine(1).store().get("only-at-0") != null, "pushed to the peer");
    assertNull(c.engine(0).store().get("only-at-1"), "a push never pulls");
  }

  @Test
  void everyMessageOfALargeRepairEncodesWithinTheBudget() {
    GossipConfig config = config().maxMessageBytes(1400).maxValueBytes(1000).build();
    TestCluster c = pair(Exchange.PUSH_PULL, config);
    fill(c.engine(0), 5000);
    for (int i = 0; i < 5000; i += 3) {
      c.engine(1).apply(entry("key-" + i, TestCluster.START_MILLIS));
    }
    c.engine(1).delete("key-7");
    KryoCodec codec = KryoCodec.of(config);

    c.round(0);
    c.deliverAll();

    assertEquals(c.engine(0).store().rootHash(), c.engine(1).store().rootHash());
    for (TestCluster.Sent s : c.sent()) {
      // encode refuses anything over maxMessageBytes: the size bounds of WireSize hold.
      byte[] bytes = assertEncodes(codec, s);
      assertTrue(bytes.length <= 1400);
    }
  }

  private static byte[] assertEncodes(KryoCodec codec, TestCluster.Sent s) {
    try {
      return codec.encode(s.message());
    } catch (io.gossipkit.api.CodecException e) {
      throw new AssertionError(s.message().getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Test
  void replicasThatDifferEverywhereStillConvergeInOneExchange() {
    GossipConfig config = config().build();
    TestCluster c = pair(Exchange.PUSH_PULL, config);
    for (int i = 0; i < 4000; i++) {
      c.engine(i % 2).apply(entry("k" + i, TestCluster.START_MILLIS - i));
    }

    c.round(0);
    c.deliverAll();

    assertEquals(4000, c.engine(0).store().size());
    assertEquals(c.engine(0).store().rootHash(), c.engine(1).store().rootHash());
    List<TestCluster.Sent> sent = c.sent();
    assertTrue(sent.size() > 2, "several messages: " + sent.size());
  }

  @Test
  void oneHostileMessageCausesAtMostABoundedNumberOfReplies() {
    GossipConfig config = config().build();
    TestCluster c = pair(Exchange.PUSH_PULL, config);
    fill(c.engine(1), 1000);
    // The 16 nodes of level 1, each repeated 64 times, claiming 100 entries under every child:
    // this replica holds about 4 there, so each child would get its own listing.
    java.util.Random random = new java.util.Random(9);
    List<RangeExpansion> nodes = new java.util.ArrayList<>();
    long[] hashes = new long[16];
    int[] counts = new int[16];
    java.util.Arrays.fill(counts, 100);
    for (int i = 0; i < 1024; i++) {
      for (int k = 0; k < 16; k++) {
        hashes[k] = random.nextLong();
      }
      nodes.add(new RangeExpansion(1, i % 16, hashes, counts));
    }

    c.engine(1).receive(c.id(0), new RangeSummaries(Exchange.PUSH_PULL, true, 0, nodes));

    assertEquals(RangeSync.MAX_REPLIES, c.sent().size());
    assertEquals(1024 * 16 - RangeSync.MAX_REPLIES, c.counters().get("sync.truncated"));
  }

  @Test
  void withEveryFifthMessageLostLaterRoundsFinishTheRepair() {
    GossipConfig config = config().maxMessageBytes(1400).maxValueBytes(1000).build();
    TestCluster c = pair(Exchange.PUSH_PULL, config);
    fill(c.engine(0), 3000);
    for (int i = 0; i < 3000; i += 7) {
      c.engine(1).apply(entry("key-" + i, TestCluster.START_MILLIS));
    }
    int[] seen = {0};

    int rounds = 0;
    while (rounds < 50
        && c.engine(0).store().rootHash() != c.engine(1).store().rootHash()) {
      // Rounds are a gossip interval apart, as on a node.
      c.advance(config.gossipInterval().toMillis());
      c.round(rounds % 2);
      c.deliverAll(s -> ++seen[0] % 5 == 0);
      rounds++;
    }

    assertEquals(c.engine(0).store().rootHash(), c.engine(1).store().rootHash(),
        "not converged after " + rounds + " rounds");
    assertTrue(rounds > 1, "the losses should have cut the first exchange short");
  }

  @Test
  void aNodeOpensNoSecondExchangeWithAPeerWhoseStreamIsStillRunning() {
    TestCluster c = emptyReplicaPullingFromAFullOne();

    c.round(0);
    c.deliver(40); // the stream is under way: chunks and requests in flight
    int opened = c.sentBy(0, RangeSummaries.class).size();
    c.advance(DATAGRAM_BUDGET.gossipInterval().toMillis() / 2);
    c.round(0);

    assertEquals(opened, c.sentBy(0, RangeSummaries.class).size(),
        "a second exchange with the peer that is streaming to this node");
    c.deliverAll();
    assertEquals(30_000, c.engine(0).store().size());

    // A gossip interval after the stream's last chunk the peer is chosen again.
    c.advance(DATAGRAM_BUDGET.gossipInterval().toMillis());
    c.engine(1).apply(entry("late", TestCluster.START_MILLIS));
    c.round(0);
    assertTrue(c.sentBy(0, RangeSummaries.class).size() > opened,
        "the peer was not chosen again once its stream was over");
    c.deliverAll();
    assertTrue(c.engine(0).store().get("late") != null);
  }

  @Test
  void aFullSyncSizesTheReplicaForTheStreamInAFewStepsBoundedByWhatArrived() {
    // Chunks of about 480 entries: enough to estimate the stream's size from each.
    GossipConfig config = config().maxMessageBytes(64 << 10).maxValueBytes(1000).build();
    TestCluster c = pair(Exchange.PULL, config);
    fill(c.engine(1), 30_000);

    c.round(0);
    c.deliver(12); // the descent and the first few chunks
    VersionedStore receiving = (VersionedStore) c.engine(0).store();
    int early = receiving.syncState().reserved();
    int held = receiving.size();
    assertTrue(early <= RangeSync.RESERVE_FACTOR * (held + 1000),
        "reserved " + early + " while holding " + held + ": more than the bound");
    c.deliverAll();

    assertEquals(30_000, receiving.size());
    int reserved = receiving.syncState().reserved();
    // Reservations at least double each time, so the last is within a factor of two of the total.
    assertTrue(reserved >= 15_000 && reserved <= RangeSync.RESERVE_FACTOR * 30_000,
        "reserved " + reserved + " for a stream of 30,000 entries");
  }

  @Test
  void aDiffExchangeBetweenLargeReplicasReservesNothing() {
    GossipConfig config = config().maxMessageBytes(64 << 10).build();
    TestCluster c = pair(Exchange.PUSH_PULL, config);
    fill(c.engine(0), 20_000);
    fill(c.engine(1), 20_000);
    diverge(c, 20_000, 10);

    c.round(0);
    c.deliverAll();

    assertEquals(c.engine(0).store().rootHash(), c.engine(1).store().rootHash());
    assertEquals(0, ((VersionedStore) c.engine(0).store()).syncState().reserved());
    assertEquals(0, ((VersionedStore) c.engine(1).store()).syncState().reserved());
  }

  /** Entries carried by every range-sync chunk sent so far, both directions. */
  private static int entriesStreamed(TestCluster c) {
    int n = 0;
    for (TestCluster.Sent s : c.sent()) {
      if (s.message() instanceof RangeEntries) {
        n += ((RangeEntries) s.message()).entries().size();
      }
    }
    return n;
  }

  /**
   * Two replicas of 2,000 shared keys, each with 200 keys the other lacks, over datagram-sized
   * messages: the difference streams in many chunks.
   */
  private static TestCluster eachMissing200(Exchange exchange) {
    TestCluster c = pair(exchange, config().maxMessageBytes(1400).maxValueBytes(1000).build());
    fill(c.engine(0), 2000);
    fill(c.engine(1), 2000);
    for (int i = 0; i < 200; i++) {
      c.engine(0).apply(entry("only-on-0-" + i, TestCluster.START_MILLIS));
      c.engine(1).apply(entry("only-on-1-" + i, TestCluster.START_MILLIS));
    }
    return c;
  }

  /** Both nodes open at once, before either has heard from the other; all is delivered. */
  private static TestCluster openedAtOnce(Exchange exchange) {
    TestCluster c = eachMissing200(exchange);
    c.round(0);
    c.round(1);
    c.deliverAll();
    assertEquals(c.engine(0).store().rootHash(), c.engine(1).store().rootHash(), "not converged");
    assertEquals(2400, c.engine(0).store().size());
    return c;
  }

  @Test
  void twoNodesThatOpenAtTheSameMomentRepairTheirDifferenceOnceNotTwice() {
    GossipConfig config = config().maxMessageBytes(1400).maxValueBytes(1000).build();
    KryoCodec codec = new KryoCodec(config);
    TestCluster alone = eachMissing200(Exchange.PUSH_PULL);
    alone.round(0);
    alone.deliverAll();
    TestCluster c = openedAtOnce(Exchange.PUSH_PULL);

    assertEquals(entriesStreamed(alone), entriesStreamed(c), "entries sent, both directions");
    long once = bytes(alone, codec);
    long crossed = bytes(c, codec);
    assertTrue(crossed < once * 11 / 10,
        crossed + " bytes for two crossed exchanges, " + once + " for one alone");
    assertEquals(1, c.counters().get("sync.crossed_abandoned"));
  }

  @Test
  void crossedExchangesThatRepairOneDirectionEachBothRun() {
    TestCluster c = openedAtOnce(Exchange.PULL);

    assertEquals(0, c.counters().get("sync.crossed_abandoned"));
  }

  @Test
  void aCrossedPairWhoseSurvivingExchangeIsLostConvergesOnALaterRound() {
    TestCluster c = eachMissing200(Exchange.PUSH_PULL);
    c.round(0);
    c.round(1);
    c.deliver(4); // both openings and their first answers: the crossing is settled
    assertEquals(1, c.counters().get("sync.crossed_abandoned"));
    c.deliverAll(s -> true); // then the link loses everything in flight

    int rounds = 0;
    while (c.engine(0).store().rootHash() != c.engine(1).store().rootHash() && rounds < 20) {
      c.advance(100);
      c.round(0);
      c.round(1);
      c.deliverAll();
      rounds++;
    }

    assertEquals(c.engine(0).store().rootHash(), c.engine(1).store().rootHash(),
        "not converged after " + rounds + " rounds");
    assertEquals(2400, c.engine(0).store().size());
  }
}
