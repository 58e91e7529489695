package io.gossipkit.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Clock;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.NodeId;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.testkit.net.InMemoryNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real nodes sealing with gossip-crypto over the in-memory network, rotating keys as they run. */
class EncryptedClusterTest {
  private static final int NODES = 5;
  private final InMemoryNetwork net = new InMemoryNetwork();
  private final List<GossipNode> nodes = new ArrayList<>();
  private final List<AeadPacketProtector> protectors = new ArrayList<>();

  private void cluster(List<Keyring> keyrings, String label) {
    GossipConfig config = GossipConfig.local().toBuilder()
        .gossipInterval(Duration.ofMillis(20))
        .antiEntropyInterval(Duration.ofMillis(100))
        .clusterLabel(label)
        .build();
    for (int i = 0; i < keyrings.size(); i++) {
      String id = label + "-" + i;
      AeadPacketProtector p = PacketProtectors.aes256Gcm(keyrings.get(i), NodeId.of(id),
          Clock.system());
      protectors.add(p);
      GossipNodes.Builder b = GossipNodes.builder(config).id(id).transport(net.transport(id))
          .protector(p);
      for (int j = 0; j < keyrings.size(); j++) {
        if (j != i) {
          b.member(label + "-" + j, net.address(label + "-" + j));
        }
      }
      nodes.add(b.build());
    }
  }

  @AfterEach
  void closeAll() {
    nodes.forEach(GossipNode::close);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (int i = 0; i < 1000 && System.nanoTime() < deadline; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("timed out waiting until " + what);
  }

  private boolean everyNodeHas(String key, String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    return nodes.stream().allMatch(n -> n.get(key).map(x -> java.util.Arrays.equals(x, v))
        .orElse(false));
  }

  @Test
  void writesSpreadAcrossARotationWithEveryNodeOnItsOwnKeyring() throws Exception {
    byte[] k1 = Keyring.randomKey();
    byte[] k2 = Keyring.randomKey();
    List<Keyring> keyrings = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      keyrings.add(Keyring.of(1, k1));
    }
    cluster(keyrings, "enc");
    nodes.forEach(GossipNode::start);

    nodes.get(0).put("color", "blue".getBytes(StandardCharsets.UTF_8));
    await("every node has color=blue", () -> everyNodeHas("color", "blue"));

    keyrings.forEach(k -> k.install(2, k2)); // round 1: install everywhere
    keyrings.forEach(k -> k.use(2)); //         round 2: use everywhere
    nodes.get(2).put("color", "green".getBytes(StandardCharsets.UTF_8));
    await("every node has color=green", () -> everyNodeHas("color", "green"));
    keyrings.forEach(k -> k.remove(1)); //      round 3: remove everywhere
    nodes.get(4).put("shape", "round".getBytes(StandardCharsets.UTF_8));
    await("every node has shape=round", () -> everyNodeHas("shape", "round"));

    for (AeadPacketProtector p : protectors) {
      assertTrue(p.metrics().opened() > 0);
      assertEquals(0, p.metrics().rejected(ProtectorMetrics.Rejection.AUTH), p.toString());
    }
    assertArrayEquals("green".getBytes(StandardCharsets.UTF_8),
        nodes.get(0).get("color").orElseThrow());
  }
}
