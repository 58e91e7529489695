package io.gossipkit.transport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Clock;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node stays up when what it receives goes wrong after authentication: a handler that throws
 * costs one message, and a node that falls behind drops packets, counted, instead of queueing
 * them without bound. Two real nodes over UDP on 127.0.0.1, encrypted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeFaultIsolationTest {
  /**
   * Two nodes, started, closed by the caller: n0 merges last-writer-wins, n1 by {@code
   * policyOfN1}.
   */
  private static List<GossipNode> twoNodes(GossipConfig config, MergePolicy policyOfN1)
      throws IOException {
    Keyring keys = Keyring.generate();
    List<UdpTransport> transports = new ArrayList<>();
    List<GossipNode> nodes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      transports.add(UdpTransport.builder()
          .bind(new InetSocketAddress("127.0.0.1", 0))
          .maxPacketBytes(config.maxPacketBytes())
          .build()
          .bind());
    }
    for (int i = 0; i < 2; i++) {
      String id = "n" + i;
      GossipNodes.Builder b = GossipNodes.builder(config)
          .id(id)
          .transport(transports.get(i))
          .protector(PacketProtectors.aes256Gcm(keys, NodeId.of(id), Clock.system()))
          .mergePolicy(i == 1 ? policyOfN1 : MergePolicy.lastWriterWins());
      for (int j = 0; j < 2; j++) {
        b.member("n" + j, transports.get(j).localAddress());
      }
      nodes.add(b.build());
    }
    nodes.forEach(GossipNode::start);
    return nodes;
  }

  private static void closeAll(List<GossipNode> nodes) {
    for (GossipNode n : nodes) {
      n.close();
    }
  }

  private static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean holds(GossipNode n, String key, byte[] value) {
    Optional<byte[]> v = n.get(key);
    return v.isPresent() && Arrays.equals(v.get(), value);
  }

  @Test
  void aMergePolicyThatThrowsCostsOnlyItsMessageCountedAndTheNodeKeepsServing() throws Exception {
    MergePolicy lww = MergePolicy.lastWriterWins();
    MergePolicy failsOnPoison = (local, incoming) -> {
      if (incoming.key().equals("poison")) {
        throw new IllegalStateException("merge policy bug");
      }
      return lww.merge(local, incoming);
    };
    List<GossipNode> nodes = twoNodes(GossipConfig.lan(), failsOnPoison);
    try {
      GossipNode a = nodes.get(0);
      GossipNode b = nodes.get(1);
      b.put("poison", bytes("b's")); // b holds it, so a's write of it is merged there
      a.put("poison", bytes("a's"));

      assertTrue(await(() -> b.metrics().get("dropped.handler_error") > 0, 10_000),
          "the failure is counted: " + b.metrics().counters());

      a.put("fine", bytes("after"));
      assertTrue(await(() -> holds(b, "fine", bytes("after")), 10_000),
          "the node keeps applying other writes: " + b.metrics().counters());
      assertArrayEquals(bytes("b's"), b.get("poison").orElseThrow(),
          "the failed merge changed nothing");
    } finally {
      closeAll(nodes);
    }
  }

  @Test
  void aNodeThatFallsBehindDropsPacketsPastItsBacklogLimitCountedAndCatchesUp() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MergePolicy lww = MergePolicy.lastWriterWins();
    // Holds the receiving node's thread (bounded: 20 s) while its peer keeps sending, as a slow
    // or stalled handler would.
    MergePolicy stallsOnBlock = (local, incoming) -> {
      if (incoming.key().equals("block")) {
        stalled.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return lww.merge(local, incoming);
    };
    GossipConfig config = GossipConfig.lan().toBuilder()
        .maxInboundBacklogBytes(64 * 1024)
        .build();
    List<GossipNode> nodes = twoNodes(config, stallsOnBlock);
    try {
      GossipNode a = nodes.get(0);
      GossipNode b = nodes.get(1);
      b.put("block", bytes("b's"));
      a.put("block", bytes("a's"));
      assertTrue(stalled.await(10, TimeUnit.SECONDS), "b's thread is held");

      // About 300 KB of writes, each pushed at once: several times the 64 KiB b may queue. (b's
      // metrics are read on its thread, so they wait for the release.)
      byte[] value = new byte[1000];
      for (int i = 0; i < 300; i++) {
        a.put("k" + i, value);
        if (i % 50 == 49) {
          Thread.sleep(50); // lets the socket drain into b's queue rather than overflow
        }
      }
      assertTrue(await(() -> a.metrics().get("packets.sent") >= 300, 10_000),
          "a sent them: " + a.metrics().counters());
      Thread.sleep(500); // and they have reached b's queue (loopback: microseconds)
      release.countDown();
      assertTrue(b.metrics().get("dropped.backlog") > 0,
          "packets past the limit were dropped and counted: " + b.metrics().counters());
      a.put("after", bytes("caught up"));
      assertTrue(await(() -> holds(b, "after", bytes("caught up")), 20_000),
          "the node serves again once its thread is free: " + b.metrics().counters());
    } finally {
      release.countDown();
      closeAll(nodes);
    }
  }
}
