package io.gossipkit.testkit.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.SeedProvider;
import io.gossipkit.api.Transport;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.PhiAccrualFailureDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real nodes with a static member list over the in-memory network: with a failure detector they
 * stop sending to a member that fell silent and report it SUSPECT; without one they keep sending
 * to it and report it ALIVE.
 */
class StaticMembersWithAFailureDetectorTest {
  /**
   * Packets each live node sends the other in one window: one to two seconds' worth at the pace
   * of these idle nodes (an anti-entropy exchange every 50 ms with one peer), counted rather than
   * timed, so a window lasts as long as the nodes take to send it however the machine stalls.
   */
  private static final int WINDOW = 20;

  private final InMemoryNetwork net = new InMemoryNetwork();
  private final List<GossipNode> nodes = new ArrayList<>();
  /** Packets accepted by the transports, by "from>to". */
  private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();

  private static GossipConfig testConfig() {
    return GossipConfig.local().toBuilder()
        .gossipInterval(Duration.ofMillis(20))
        .antiEntropyInterval(Duration.ofMillis(50))
        .build();
  }

  private void cluster(int n, boolean detect) {
    nodes.addAll(InMemoryNodes.start(net, testConfig(), n, this::counted, b -> {
      if (detect) {
        b.failureDetector(PhiAccrualFailureDetector.builder()
            .firstHeartbeatEstimate(Duration.ofMillis(100))
            .minStdDeviation(Duration.ofMillis(20))
            .build());
      }
    }));
  }

  /** The network's transport named {@code name}, counting each packet it sends in {@link #sent}. */
  private Transport counted(String name) {
    return new SendObservingTransport(net.transport(name), (to, packet, accepted) -> {
      if (accepted) {
        sent.computeIfAbsent(name + ">" + to.getHostString(), k -> new AtomicLong())
            .incrementAndGet();
      }
    });
  }


  private long sent(String from, String to) {
    AtomicLong n = sent.get(from + ">" + to);
    return n == null ? 0 : n.get();
  }

  /** Polls {@code condition} every 10 ms for at most {@code seconds}; whether it came true. */
  private static boolean await(BooleanSupplier condition, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    for (int i = 0; i < seconds * 100 && System.nanoTime() < deadline; i++) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  @AfterEach
  void closeAll() {
    nodes.forEach(GossipNode::close);
  }

  /**
   * True once the live nodes each send the other {@link #WINDOW} packets while neither sends one
   * to the closed node; checks for at most 15 s. The window is the nodes' own traffic: a stall
   * of their threads stops it too, so it cannot pass for silence toward the closed node.
   */
  private boolean sendingToTheClosedNodeStops() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    long[] from = liveTrafficThenToTheClosedNode();
    for (int i = 0; i < 1_500 && System.nanoTime() < deadline; i++) {
      Thread.sleep(10);
      long[] now = liveTrafficThenToTheClosedNode();
      if (now[2] != from[2]) {
        from = now; // a packet went to the closed node: the window starts again
      } else if (now[0] - from[0] >= WINDOW && now[1] - from[1] >= WINDOW) {
        return true;
      }
    }
    return false;
  }

  /**
   * True once, in each of {@code windows} windows in a row, each live node sends the other
   * {@link #WINDOW} packets and the closed node at least one; false as soon as a window ends
   * with no packet from one of them to the closed node, or if they do not finish in 15 s.
   */
  private boolean sendingToTheClosedNodeGoesOn(int windows) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    long[] from = perLiveNode();
    int done = 0;
    for (int i = 0; i < 1_500 && System.nanoTime() < deadline; i++) {
      Thread.sleep(10);
      long[] now = perLiveNode();
      if (now[0] - from[0] >= WINDOW && now[1] - from[1] >= WINDOW) {
        if (now[2] == from[2] || now[3] == from[3]) {
          return false;
        }
        if (++done == windows) {
          return true;
        }
        from = now;
      }
    }
    return false;
  }

  /**
   * node-0 to node-1, node-1 to node-0, then both to node-2: read last, so a packet to the closed
   * node sent while the first two were read is never missed.
   */
  private long[] liveTrafficThenToTheClosedNode() {
    long a = sent("node-0", "node-1");
    long b = sent("node-1", "node-0");
    return new long[] {a, b, sent("node-0", "node-2") + sent("node-1", "node-2")};
  }

  /** node-0 to node-1, node-1 to node-0, node-0 to node-2, node-1 to node-2. */
  private long[] perLiveNode() {
    return new long[] {sent("node-0", "node-1"), sent("node-1", "node-0"),
        sent("node-0", "node-2"), sent("node-1", "node-2")};
  }

  /** Each member as "id STATE", as {@code node} reports them. */
  private static List<String> states(GossipNode node) {
    return node.members().stream().map(m -> m.id() + " " + m.state()).toList();
  }

  /** Three nodes that have all talked to each other, then the third closed. */
  private void thirdNodeGoesSilent(boolean detect) throws InterruptedException {
    cluster(3, detect);
    nodes.get(0).put("k", new byte[] {1});
    assertTrue(await(() -> nodes.stream().allMatch(n -> n.get("k").isPresent()), 10),
        "the write did not reach every node within 10 s");
    // Every node has heard from every other several times, so a detector has intervals to
    // judge the silence by.
    String[] names = {"node-0", "node-1", "node-2"};
    assertTrue(await(() -> {
      for (String a : names) {
        for (String b : names) {
          if (!a.equals(b) && sent(a, b) < 5) {
            return false;
          }
        }
      }
      return true;
    }, 10), "not every node sent every other 5 packets within 10 s: " + sent);
    nodes.get(2).close();
  }

  @Test
  void nodesStopSendingToAMemberThatFellSilent() throws Exception {
    thirdNodeGoesSilent(true);

    assertTrue(sendingToTheClosedNodeStops(),
        "still sending to the closed node after 15 s; sent so far: " + sent);
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

    assertTrue(sendingToTheClosedNodeGoesOn(3),
        "a live node stopped sending to the closed node, or the windows took over 15 s: " + sent);
    assertTrue(net.lost() > 0, "the closed node's packets were not lost: " + sent);
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
