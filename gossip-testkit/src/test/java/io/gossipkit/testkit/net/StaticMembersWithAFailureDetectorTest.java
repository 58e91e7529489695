package io.gossipkit.testkit.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.SeedProvider;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.PhiAccrualFailureDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real nodes with a static member list over the in-memory network: with a failure detector they
 * stop sending to a member that fell silent and report it SUSPECT; without one they keep sending
 * to it and report it ALIVE.
 */
class StaticMembersWithAFailureDetectorTest {
  private final InMemoryNetwork net = new InMemoryNetwork();
  private final List<GossipNode> nodes = new ArrayList<>();

  private static GossipConfig testConfig() {
    return GossipConfig.local().toBuilder()
        .gossipInterval(Duration.ofMillis(20))
        .antiEntropyInterval(Duration.ofMillis(50))
        .build();
  }

  private void cluster(int n, boolean detect) {
    nodes.addAll(InMemoryNodes.start(net, testConfig(), n, b -> {
      if (detect) {
        b.failureDetector(PhiAccrualFailureDetector.builder()
            .firstHeartbeatEstimate(Duration.ofMillis(100))
            .minStdDeviation(Duration.ofMillis(20))
            .build());
      }
    }));
  }

  @AfterEach
  void closeAll() {
    nodes.forEach(GossipNode::close);
  }

  /**
   * True once a whole second passes in which no packet went to a closed node; checks for at most
   * 15 s.
   */
  private boolean sendingToTheClosedNodeStops() throws InterruptedException {
    for (int second = 0; second < 15; second++) {
      long lost = net.lost();
      Thread.sleep(1000);
      if (net.lost() == lost) {
        return true;
      }
    }
    return false;
  }

  /** Each member as "id STATE", as {@code node} reports them. */
  private static List<String> states(GossipNode node) {
    return node.members().stream().map(m -> m.id() + " " + m.state()).toList();
  }

  /** Three nodes that have all talked to each other, then the third closed. */
  private void thirdNodeGoesSilent(boolean detect) throws InterruptedException {
    cluster(3, detect);
    nodes.get(0).put("k", new byte[] {1});
    for (int i = 0; i < 500 && !nodes.stream().allMatch(n -> n.get("k").isPresent()); i++) {
      Thread.sleep(10);
    }
    Thread.sleep(500); // every node has heard from every other several times
    nodes.get(2).close();
  }

  @Test
  void nodesStopSendingToAMemberThatFellSilent() throws Exception {
    thirdNodeGoesSilent(true);

    assertTrue(sendingToTheClosedNodeStops(),
        "still sending to the closed node after 15 s; lost so far: " + net.lost());
    // The live member may be suspected for a moment when this shared machine stalls a node's
    // threads (phi accrual judges real gaps between heartbeats); it must be alive again soon.
    List<String> expected = List.of("node-0 ALIVE", "node-1 ALIVE", "node-2 SUSPECT");
    for (int i = 0; i < 50 && !states(nodes.get(0)).equals(expected); i++) {
      Thread.sleep(100);
    }
    assertEquals(expected, states(nodes.get(0)));
    nodes.get(1).put("after", new byte[] {2});
    for (int i = 0; i < 500 && nodes.get(0).get("after").isEmpty(); i++) {
      Thread.sleep(10);
    }
    assertTrue(nodes.get(0).get("after").isPresent(), "the live nodes stopped gossiping");
  }

  @Test
  void withoutADetectorNodesKeepSendingToASilentMember() throws Exception {
    thirdNodeGoesSilent(false);

    long lost = net.lost();
    Thread.sleep(1000);

    assertTrue(net.lost() > lost, "no packet went to the closed node in a second");
    assertEquals(List.of("node-0 ALIVE", "node-1 ALIVE", "node-2 ALIVE"), states(nodes.get(0)));
  }

  @Test
  void aDetectorBesideSwimMembershipIsRefused() {
    GossipNodes.Builder b = GossipNodes.builder(testConfig())
        .id("x")
        .transport(net.transport("x"))
        .protector(PacketProtector.plaintext())
        .seeds(SeedProvider.of(List.of(net.address("y"))))
        .failureDetector(PhiAccrualFailureDetector.builder().build());

    IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
    assertTrue(e.getMessage().contains("static member list"), e.getMessage());
  }
}
