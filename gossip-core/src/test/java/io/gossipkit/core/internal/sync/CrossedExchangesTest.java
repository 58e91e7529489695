package io.gossipkit.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.RangeExpansion;
import io.gossipkit.api.message.RangeSummaries;
import io.gossipkit.api.message.RangeVersions;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.TestCluster;
import io.gossipkit.core.internal.AntiEntropy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Settling two range exchanges that crossed: the lower id gives its own up, and what it gave up
 * ends when it starts another exchange with that peer or, among many peers, when it is old.
 */
class CrossedExchangesTest {
  private static final long INTERVAL = 100;
  private final TestCluster cluster = new TestCluster(
      GossipConfig.builder().gossipInterval(Duration.ofMillis(INTERVAL)).build(), 1, 1);
  private final GossipEngine low =
      cluster.add(0, new AntiEntropy(Exchange.PUSH_PULL, PeerSelectors.ring(), 0));
  private final CrossedExchanges crossings = new CrossedExchanges();

  /** A peer's opening of a push-pull range exchange: the root, from the initiator. */
  private static RangeSummaries opening() {
    RangeExpansion root = new RangeExpansion(0, 0, new long[RangeExpansion.FAN_OUT],
        new int[RangeExpansion.FAN_OUT]);
    return new RangeSummaries(Exchange.PUSH_PULL, true, 0, List.of(root));
  }

  /** An answer in the exchange this node opened: not from the initiator. */
  private static RangeVersions answer() {
    return new RangeVersions(Exchange.PUSH_PULL, false, 0, 0, 0, 0, List.of());
  }

  /** This node opens an exchange with {@code peer} and receives the peer's crossing opening. */
  private void cross(NodeId peer) {
    crossings.opened(low, peer, Exchange.PUSH_PULL);
    assertFalse(crossings.drops(low, peer, opening()), "the peer's opening is answered");
  }

  @Test
  void theLowerIdIgnoresTheAnswersToTheExchangeItGaveUp() {
    NodeId peer = NodeId.of("z");
    assertTrue(low.self().compareTo(peer) < 0);

    cross(peer);

    assertEquals(1, cluster.counters().get("sync.crossed_abandoned"));
    assertTrue(crossings.drops(low, peer, answer()));
  }

  @Test
  void aListingToThePeerEndsTheExchangeGivenUpSoItsAnswersAreNotDropped() {
    NodeId peer = NodeId.of("z");
    cross(peer);

    crossings.forget(peer); // as AntiEntropy does before sending the peer a SyncDigest

    assertFalse(crossings.drops(low, peer, answer()),
        "the peer answers the listing with range messages, which must be handled");
  }

  @Test
  void peersThatCrossedLongAgoMakeRoomSoCrossingsStaySettledAfterManyPeers() {
    for (int i = 0; i < CrossedExchanges.MAX_PEERS; i++) {
      cross(NodeId.of("z" + i));
    }
    assertEquals(CrossedExchanges.MAX_PEERS, cluster.counters().get("sync.crossed_abandoned"));

    cluster.advance(CrossedExchanges.STALE_INTERVALS * INTERVAL + 1);
    NodeId late = NodeId.of("zz-late");
    cross(late);

    assertEquals(CrossedExchanges.MAX_PEERS + 1,
        cluster.counters().get("sync.crossed_abandoned"), "still settled");
    assertTrue(crossings.drops(low, late, answer()));
    assertFalse(crossings.drops(low, NodeId.of("z0"), answer()), "the old one made room");
  }
}
