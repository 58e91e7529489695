package io.gossipkit.testkit.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.NodeMetrics;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.Transport;
import io.gossipkit.api.Version;
import io.gossipkit.core.GossipNodes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real nodes (engine, codec, envelope, protector) over the in-memory network. */
class GossipNodeOverInMemoryNetworkTest {
  private final InMemoryNetwork net = new InMemoryNetwork();
  private final List<GossipNode> nodes = new ArrayList<>();

  private static GossipConfig testConfig() {
    return GossipConfig.local().toBuilder()
        .gossipInterval(Duration.ofMillis(20))
        .antiEntropyInterval(Duration.ofMillis(100))
        .build();
  }

  private void cluster(int n) {
    nodes.addAll(InMemoryNodes.start(net, testConfig(), n, b -> { }));
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

  @Test
  void aWriteOnOneNodeReachesEveryNode() throws Exception {
    cluster(8);
    byte[] blue = "blue".getBytes(StandardCharsets.UTF_8);
    nodes.get(3).put("color", blue);
    await("every node has color=blue",
        () -> nodes.stream().allMatch(n -> n.get("color").map(v -> v.length == 4).orElse(false)));
    for (GossipNode n : nodes) {
      assertArrayEquals(blue, n.get("color").orElseThrow());
    }
  }

  @Test
  void aDeleteSpreadsAndHidesTheKeyEverywhere() throws Exception {
    cluster(5);
    nodes.get(0).put("k", new byte[] {1});
    await("every node has k", () -> nodes.stream().allMatch(n -> n.get("k").isPresent()));
    nodes.get(4).delete("k");
    await("no node has k", () -> nodes.stream().noneMatch(n -> n.get("k").isPresent()));
    assertTrue(nodes.get(2).snapshot().isEmpty());
    NodeMetrics metrics = nodes.get(2).metrics();
    assertEquals(1, metrics.get("replica.entries"), "the tombstone is an entry");
    assertEquals(1, metrics.get("replica.tombstones"));
    assertEquals(0, metrics.get("replica.delete_records"), "nothing collected yet");
  }

  @Test
  void aCollectedDeleteLeavesARecordThatTheMetricsCount() throws Exception {
    nodes.addAll(InMemoryNodes.start(net,
        testConfig().toBuilder().tombstoneTtl(Duration.ofMillis(200)).build(), 2, b -> { }));
    nodes.get(0).put("k", new byte[] {1});
    await("both nodes have k", () -> nodes.stream().allMatch(n -> n.get("k").isPresent()));
    nodes.get(1).delete("k");

    await("both nodes collected k's tombstone", () -> nodes.stream().allMatch(
        n -> n.metrics().get("replica.tombstones") == 0
            && n.metrics().get("replica.delete_records") == 1));
    for (GossipNode n : nodes) {
      assertEquals(0, n.metrics().get("replica.entries"));
      assertTrue(n.metrics().get("tombstones.collected") >= 1);
    }
  }

  @Test
  void subscribersHearOfRemoteWrites() throws Exception {
    cluster(3);
    List<String> heard = new CopyOnWriteArrayList<>();
    nodes.get(1).subscribe((before, now) -> heard.add(now.key()));
    nodes.get(0).put("x", new byte[] {7});
    await("node-1 heard of x", () -> heard.contains("x"));
  }

  @Test
  void garbagePacketsAreDroppedAndCountedAndTheNodeKeepsServing() throws Exception {
    cluster(3);
    Transport attacker = net.transport("attacker");
    attacker.start((from, packet) -> { });
    for (int i = 0; i < 100; i++) {
      attacker.send(net.address("node-0"), new byte[] {1, (byte) i, 0x41, 0x42, (byte) 0xff});
    }
    attacker.close();
    assertEquals(100, nodes.get(0).metrics().get("dropped.malformed"));
    nodes.get(1).put("still", new byte[] {1});
    await("node-0 still learns writes", () -> nodes.get(0).get("still").isPresent());
  }

  @Test
  void refusesToBuildWithoutAChosenPacketProtector() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> GossipNodes.builder(testConfig()).id("x").transport(net.transport("x")).build());
    assertTrue(e.getMessage().contains("PacketProtector.plaintext()"), e.getMessage());
  }

  @Test
  void refusesOversizedValuesAtTheCallSite() {
    cluster(2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> nodes.get(0).put("big", new byte[testConfig().maxValueBytes() + 1]));
    assertTrue(e.getMessage().contains("maxValueBytes"), e.getMessage());
  }

  @Test
  void putAllWritesEveryKeyWithItsOwnVersionAndTheyReachEveryNode() throws Exception {
    cluster(3);
    Map<String, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < 10_000; i++) {
      batch.put("bulk-" + i, new byte[] {(byte) i});
    }

    Map<String, Version> versions = nodes.get(0).putAll(batch);

    assertEquals(new ArrayList<>(batch.keySet()), new ArrayList<>(versions.keySet()));
    assertEquals(10_000, versions.values().stream().distinct().count(), "a version per key");
    assertEquals(10_000, nodes.get(0).snapshot().size());
    await("every node holds the bulk keys",
        () -> nodes.stream().allMatch(n -> n.snapshot().size() == 10_000));
    assertArrayEquals(new byte[] {(byte) 9_999}, nodes.get(2).get("bulk-9999").orElseThrow());
  }

  @Test
  void putAllWithOneRefusedKeyWritesNothing() {
    cluster(1);
    Map<String, byte[]> batch = new LinkedHashMap<>();
    batch.put("fine", new byte[] {1});
    batch.put("", new byte[] {2});

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> nodes.get(0).putAll(batch));

    assertTrue(e.getMessage().contains("key must not be empty"), e.getMessage());
    assertTrue(nodes.get(0).get("fine").isEmpty(), "a key before the refused one was written");
  }
}
