package io.gossipkit.testkit.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Range sync between real nodes over a network that carries datagrams of 1,400 bytes at most: the
 * node learns the budget from its transport, so a replica of thousands of keys reaches an empty
 * node in chunks that all fit, and nothing is dropped for its size.
 */
class RangeSyncOverInMemoryNetworkTest {
  private static final int KEYS = 3000;
  private final InMemoryNetwork net = new InMemoryNetwork(1400);
  private final List<GossipNode> nodes = new ArrayList<>();

  @AfterEach
  void closeAll() {
    nodes.forEach(GossipNode::close);
  }

  private GossipNode node(String id, String peer) {
    GossipConfig config = GossipConfig.local().toBuilder()
        .gossipInterval(Duration.ofMillis(20)).antiEntropyInterval(Duration.ofMillis(20)).build();
    GossipNode n = GossipNodes.builder(config).id(id).transport(net.transport(id))
        .protector(PacketProtector.plaintext())
        .strategy(Strategies.antiEntropy(Exchange.PUSH_PULL, PeerSelectors::random, 1))
        .member(peer, net.address(peer)).build();
    nodes.add(n);
    return n;
  }

  @Test
  void anEmptyNodeReceivesThousandsOfKeysInDatagramSizedChunksAndNothingIsDropped()
      throws Exception {
    GossipNode full = node("full", "fresh");
    GossipNode fresh = node("fresh", "full");
    for (int i = 0; i < KEYS; i++) {
      full.put("key-" + i, new byte[100]);
    }
    AtomicLong received = new AtomicLong();
    fresh.subscribe((before, now) -> received.incrementAndGet());
    full.start();
    fresh.start();

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (int i = 0; i < 6000 && fresh.snapshot().size() < KEYS; i++) {
      assertTrue(System.nanoTime() < deadline, "timed out at " + fresh.snapshot().size() + " keys");
      Thread.sleep(10);
    }

    assertEquals(full.snapshot().keySet(), fresh.snapshot().keySet());
    for (GossipNode n : nodes) {
      assertEquals(0, n.metrics().get("dropped.oversized_out"), n + " sent an oversized packet");
      assertEquals(0, n.metrics().get("dropped.encode"), n + " could not encode a message");
      assertEquals(0, n.metrics().get("dropped.send_refused"), n + "'s transport refused one");
    }
    assertTrue(full.metrics().get("messages.sent") > KEYS * 120 / 1400,
        "in many datagram-sized messages: " + full.metrics());
  }
}
