package io.gossipkit.transport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.Clock;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.NodeId;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.crypto.AeadPacketProtector;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import io.gossipkit.crypto.ProtectorMetrics.Rejection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real nodes over real UDP sockets on 127.0.0.1, encrypted with AES-256-GCM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpClusterTest {
  private static final byte[] NOTHING = new byte[0];

  /** A started cluster: nodes, their protectors and transports, index-aligned. */
  private record Cluster(
      List<GossipNode> nodes, List<AeadPacketProtector> protectors, List<UdpTransport> transports)
      implements AutoCloseable {
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

  private static GossipConfig testConfig() {
    return GossipConfig.lan();
  }

  /** Binds every transport first (port 0, read back), then gives every node every address. */
  private static Cluster newCluster(int size, Keyring keys, GossipConfig config) throws IOException {
    List<UdpTransport> transports = new ArrayList<>();
    List<GossipNode> nodes = new ArrayList<>();
    List<AeadPacketProtector> protectors = new ArrayList<>();
    Cluster cluster = new Cluster(nodes, protectors, transports);
    try {
      for (int i = 0; i < size; i++) {
        transports.add(
            UdpTransport.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .maxPacketBytes(config.maxPacketBytes())
                .build()
                .bind());
      }
      for (int i = 0; i < size; i++) {
        String id = name(i);
        AeadPacketProtector protector = PacketProtectors.aes256Gcm(keys, NodeId.of(id), Clock.system());
        GossipNodes.Builder b =
            GossipNodes.builder(config).id(id).transport(transports.get(i)).protector(protector);
        for (int j = 0; j < size; j++) {
          b.member(name(j), transports.get(j).localAddress());
        }
        protectors.add(protector);
        nodes.add(b.build());
      }
      nodes.forEach(GossipNode::start);
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static String name(int i) {
    return String.format("n%02d", i);
  }

  private static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
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

  private static byte[] valueAt(GossipNode n, String key) {
    Optional<byte[]> v = n.get(key);
    return v.orElse(NOTHING);
  }

  @Test
  void rumorWrittenOnOneOfFiftyEncryptedNodesReachesAll() throws Exception {
    byte[] value = "hello fifty".getBytes(StandardCharsets.UTF_8);
    try (Cluster c = newCluster(50, Keyring.generate(), testConfig())) {
      c.nodes().get(17).put("rumor", value);
      boolean all =
          await(() -> c.nodes().stream().allMatch(n -> Arrays.equals(value, valueAt(n, "rumor"))),
              15_000);
      if (!all) {
        List<String> missing = new ArrayList<>();
        for (GossipNode n : c.nodes()) {
          if (!Arrays.equals(value, valueAt(n, "rumor"))) {
            missing.add(n.id() + " " + n.metrics().counters());
          }
        }
        fail("rumor did not reach " + missing.size() + " of 50 nodes within 15 s: " + missing);
      }
      for (UdpTransport t : c.transports()) {
        assertTrue(t.metrics().get("dropped.receiver_error") == 0, t + " " + t.metrics());
      }
    }
  }

  @Test
  void floodOfBadDatagramsIsCountedAndTheNodeKeepsServing() throws Exception {
    Keyring keys = Keyring.generate();
    // Rumors sent while the socket buffer overflows are lost like any datagram; anti-entropy
    // repairs them. Run it every second instead of every 30 s so the repair fits in the test.
    GossipConfig config = testConfig().toBuilder().antiEntropyInterval(Duration.ofSeconds(1)).build();
    byte[] ad = ("gossipkit/1/" + config.clusterLabel()).getBytes(StandardCharsets.UTF_8);
    Random random = new Random(20261125L);
    try (Cluster c = newCluster(3, keys, config);
        DatagramSocket raw =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      GossipNode target = c.nodes().get(0);
      GossipNode writer = c.nodes().get(1);
      InetSocketAddress to = c.transports().get(0).localAddress();
      long heapBefore = usedHeapAfterGc();

      // Sealed with the cluster's key by a sender that is no member: authenticates, then fails to
      // parse (malformed); sent again it is a replay. Truncated, it fails authentication.
      AeadPacketProtector mallory = PacketProtectors.aes256Gcm(keys, NodeId.of("mallory"), Clock.system());
      AeadPacketProtector stranger =
          PacketProtectors.aes256Gcm(Keyring.generate(), NodeId.of("n01"), Clock.system());
      List<byte[]> sealedOnce = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        byte[] junk = new byte[16 + random.nextInt(400)];
        random.nextBytes(junk);
        sealedOnce.add(mallory.seal(junk, ad));
      }
      byte[][] wrongKey = new byte[64][];
      for (int i = 0; i < wrongKey.length; i++) {
        byte[] junk = new byte[16 + random.nextInt(400)];
        random.nextBytes(junk);
        wrongKey[i] = stranger.seal(junk, ad);
      }

      int total = 100_000;
      int fresh = 0;
      for (int i = 0; i < total; i++) {
        byte[] p;
        switch (i % 5) {
          case 0 -> {
            p = new byte[1 + random.nextInt(1400)];
            random.nextBytes(p);
          }
          case 1 -> {
            byte[] real = sealedOnce.get(random.nextInt(sealedOnce.size()));
            p = Arrays.copyOf(real, random.nextInt(real.length));
          }
          case 2 -> p = sealedOnce.get(random.nextInt(sealedOnce.size()));
          case 3 -> p = wrongKey[random.nextInt(wrongKey.length)];
          default -> {
            // A fresh sealed junk packet every so often keeps the malformed path busy.
            byte[] junk = new byte[16 + random.nextInt(200)];
            random.nextBytes(junk);
            p = mallory.seal(junk, ad);
            fresh++;
          }
        }
        raw.send(new DatagramPacket(p, p.length, to));
        if (i == total / 2) {
          writer.put("during", new byte[] {1});
        }
        if (i % 2_000 == 1_999) {
          Thread.sleep(1); // let the kernel buffer drain a little; most datagrams still pile up
        }
      }
      UdpTransport targetTransport = c.transports().get(0);
      long[] lastIn = {-1};
      assertTrue(await(() -> {
        long in = targetTransport.metrics().get("bytes.in");
        boolean drained = in == lastIn[0];
        lastIn[0] = in;
        return drained;
      }, 10_000), "the flooded socket was still being read 10 s after the flood: "
          + targetTransport.metrics());
      writer.put("after", new byte[] {2});
      assertTrue(await(() -> Arrays.equals(new byte[] {1}, valueAt(target, "during"))
              && Arrays.equals(new byte[] {2}, valueAt(target, "after")), 10_000),
          "the flooded node stopped serving: " + target.metrics().counters());

      Map<String, Long> m = target.metrics().counters();
      long auth = m.getOrDefault("dropped.auth", 0L);
      long malformed = m.getOrDefault("dropped.malformed", 0L);
      long replays = c.protectors().get(0).metrics().rejected(Rejection.REPLAY);
      assertTrue(auth > 1_000, "too few dropped.auth: " + m);
      assertTrue(malformed > 0, "no dropped.malformed: " + m);
      assertTrue(c.protectors().get(0).metrics().rejected(Rejection.AUTH) > 0,
          "wrong-key and truncated packets were not refused as auth failures");
      assertTrue(replays > 0, "no replay rejections: " + c.protectors().get(0).metrics().snapshot());
      assertTrue(auth + malformed <= total, "more drops than datagrams: " + m);
      Map<String, Long> udp = c.transports().get(0).metrics();
      assertTrue(udp.get("dropped.receiver_error") == 0, "the receiver threw: " + udp);

      // Robust against noise: both readings follow three explicit full collections, so they
      // count live objects only; what else lives in this JVM (three idle nodes, the test's 128
      // sealed packets) changes by a few MB at most, far under the 64 MB allowed.
      long heapAfter = usedHeapAfterGc();
      assertTrue(heapAfter - heapBefore < 64L << 20,
          "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB during the flood");
      System.out.printf("flood: %d datagrams (%d fresh sealed), node %s, udp %s, protector %s, heap %+d KB%n",
          total, fresh, m, udp, c.protectors().get(0).metrics().snapshot(),
          (heapAfter - heapBefore) >> 10);
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
