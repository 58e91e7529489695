package io.gossipkit.transport.udp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Clock;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.SeedProvider;
import io.gossipkit.core.DnsSeedProvider;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.membership.MembershipConfig;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SWIM membership between real nodes over real UDP sockets on 127.0.0.1, encrypted with
 * AES-256-GCM: they join through one seed, gossip only with members they see alive, and tell a
 * crash from a departure.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SwimUdpClusterTest {
  static final int N = 8;

  /** Faster probes than LAN, so the test takes seconds: suspicion lasts 0.9 to 5.4 s here. */
  static GossipConfig testConfig() {
    return GossipConfig.lan().toBuilder()
        .gossipInterval(Duration.ofMillis(100))
        .probeInterval(Duration.ofMillis(300))
        .probeTimeout(Duration.ofMillis(150))
        .suspicionMultiplier(3)
        .build();
  }

  static final class Cluster implements AutoCloseable {
    final List<GossipNode> nodes = new ArrayList<>();
    final List<UdpTransport> transports = new ArrayList<>();
    Keyring keys;

    @Override
    public void close() {
      for (GossipNode n : nodes) {
        try {
          n.close();
        } catch (RuntimeException ignored) {
          // keep closing the others
        }
      }
      transports.forEach(UdpTransport::close);
    }
  }

  static Cluster joinThroughSeed(int size) throws IOException {
    return joinThrough(size, first -> SeedProvider.of(List.of(first)));
  }

  static Cluster joinThrough(int size, Function<InetSocketAddress, SeedProvider> seedOf)
      throws IOException {
    GossipConfig config = testConfig();
    Keyring keys = Keyring.generate();
    Cluster c = new Cluster();
    c.keys = keys;
    try {
      for (int i = 0; i < size; i++) {
        c.transports.add(
            UdpTransport.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .maxPacketBytes(config.maxPacketBytes())
                .build()
                .bind());
      }
      SeedProvider seed = seedOf.apply(c.transports.get(0).localAddress());
      for (int i = 0; i < size; i++) {
        String id = String.format("n%02d", i);
        c.nodes.add(
            GossipNodes.builder(config)
                .id(id)
                .transport(c.transports.get(i))
                .protector(PacketProtectors.aes256Gcm(keys, NodeId.of(id), Clock.system()))
                .seeds(seed) // node 0 skips its own address: it starts the cluster
                .membership(MembershipConfig.lan())
                .build());
      }
      c.nodes.forEach(GossipNode::start);
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    // Bounded in count too: one poll per 20 ms of the deadline, plus the last one.
    for (long polls = 0; polls <= millis / 20; polls++) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }

  static long alive(GossipNode n) {
    return n.members().stream().filter(m -> m.state() == MemberState.ALIVE).count();
  }


  @Test
  void nodesJoinThroughOneSeedAndAWriteReachesEveryOne() throws Exception {
    try (Cluster c = joinThroughSeed(N)) {
      assertTrue(await(() -> c.nodes.stream().allMatch(n -> alive(n) == N), 20_000),
          "not every node saw " + N + " alive members");
      byte[] value = "joined".getBytes(StandardCharsets.UTF_8);
      c.nodes.get(5).put("k", value);
      assertTrue(await(() -> c.nodes.stream()
              .allMatch(n -> Arrays.equals(value, n.get("k").orElse(new byte[0]))), 20_000),
          "the write did not reach every node");
      assertTrue(await(() -> c.nodes.stream()
              .allMatch(n -> n.metrics().get("membership.probes") > 0), 5_000),
          "some node never probed a member");
    }
  }

  @Test
  void nodesJoinThroughASeedNamedByAHostNameResolvedByTheSystemResolver() throws Exception {
    // "localhost" through the JVM's own resolver (the hosts file): the DNS path of a real
    // deployment, kept on the loopback. Each node gets its own provider, as separate processes do.
    try (Cluster c = joinThrough(4, first -> DnsSeedProvider.builder()
        .name("localhost", first.getPort()).build())) {
      assertTrue(await(() -> c.nodes.stream().allMatch(n -> alive(n) == 4), 20_000),
          () -> "not every node joined through localhost:port: " + c.nodes.stream()
              .map(n -> n.id() + " " + n.members()).collect(Collectors.joining("; ")));
    }
  }

  @Test
  void aNodeThatJoinsLaterHoldsTheClustersStateWithinSecondsNotAtTheNextPeriodicSync()
      throws Exception {
    try (Cluster c = joinThroughSeed(4)) {
      assertTrue(await(() -> c.nodes.stream().allMatch(n -> alive(n) == 4), 20_000));
      byte[] value = "before-the-join".getBytes(StandardCharsets.UTF_8);
      c.nodes.get(1).put("k", value);
      assertTrue(await(() -> c.nodes.stream()
          .allMatch(n -> Arrays.equals(value, n.get("k").orElse(new byte[0]))), 20_000));
      // The rumor goes cold everywhere: only anti-entropy can bring the key now. Each node made
      // it hot once, the writer on the write and the others on learning it from a rumor
      // (anti-entropy, every 30 s under LAN, ran at the join), and counts it cooled once.
      assertTrue(await(() -> c.nodes.stream()
              .allMatch(n -> n.metrics().get("rumors.cooled") >= 1), 20_000),
          () -> "the rumor did not go cold on every node: " + c.nodes.stream()
              .map(n -> n.id() + " " + n.metrics().get("rumors.cooled"))
              .collect(Collectors.joining(", ")));

      GossipConfig config = testConfig();
      UdpTransport t = UdpTransport.builder().bind(new InetSocketAddress("127.0.0.1", 0))
          .maxPacketBytes(config.maxPacketBytes()).build().bind();
      c.transports.add(t);
      GossipNode late = GossipNodes.builder(config).id("late")
          .transport(t)
          .protector(PacketProtectors.aes256Gcm(c.keys, NodeId.of("late"), Clock.system()))
          .seeds(SeedProvider.of(List.of(c.transports.get(0).localAddress())))
          .membership(MembershipConfig.lan())
          .build();
      c.nodes.add(late);
      late.start();
      // Periodic anti-entropy comes every antiEntropyInterval (LAN: far more than the 10 s
      // allowed here); the first round that finds a live peer syncs at once.
      assertTrue(await(() -> Arrays.equals(value, late.get("k").orElse(new byte[0])), 10_000),
          "the late node did not get the key within 10 s: " + late.metrics().counters());
    }
  }

  @Test
  void aCrashedNodeIsDeclaredDeadAndALeaverIsLeftEverywhere() throws Exception {
    try (Cluster c = joinThroughSeed(N)) {
      assertTrue(await(() -> c.nodes.stream().allMatch(n -> alive(n) == N), 20_000));
      GossipNode crashed = c.nodes.get(3);
      crashed.close(); // no leave: the others must find out by probing
      List<GossipNode> rest = new ArrayList<>(c.nodes);
      rest.remove(crashed);
      assertTrue(await(() -> rest.stream().allMatch(n -> stateOf(n, crashed.id()) == MemberState
              .DEAD), 30_000), "not every node declared the crashed node DEAD");

      GossipNode leaver = c.nodes.get(4);
      leaver.leave();
      leaver.close();
      rest.remove(leaver);
      assertTrue(await(() -> rest.stream().allMatch(n -> stateOf(n, leaver.id()) == MemberState
              .LEFT), 10_000), () -> "not every node saw the leaver LEFT: " + rest.stream()
              .map(n -> n.id() + "=" + stateOf(n, leaver.id()) + " " + n.metrics().counters())
              .collect(java.util.stream.Collectors.joining("; ")));
      // A member may be suspected for a moment on a busy machine: wait out the refutation.
      assertTrue(await(() -> rest.stream().allMatch(n -> alive(n) == N - 2), 10_000),
          () -> "not every node sees the " + (N - 2) + " others alive: " + rest.stream()
              .map(n -> n.id() + " " + n.members()).collect(Collectors.joining("; ")));
    }
  }

  static MemberState stateOf(GossipNode n, NodeId id) {
    for (Member m : n.members()) {
      if (m.id().equals(id)) {
        return m.state();
      }
    }
    return null;
  }
}
