package io.gossipkit.transport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Clock;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.NodeMetrics;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.MailAck;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.RumorOptions;
import io.gossipkit.core.Strategies;
import java.util.function.Supplier;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.core.internal.DefaultGossipNode;
import io.gossipkit.core.internal.WireEnvelope;
import io.gossipkit.crypto.AeadPacketProtector;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Compound packets between real nodes on real UDP sockets, encrypted with AES-256-GCM: packing,
 * traffic budgets, refusal of what cannot fit, the large-message transport, and malformed inner
 * messages.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompoundPacketsTest {
  private final Keyring keys = Keyring.generate();
  private final List<AutoCloseable> open = new ArrayList<>();
  /** The datagram transports of the nodes of {@link #pair}, index-aligned with them. */
  private final List<UdpTransport> datagrams = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static GossipConfig testConfig() {
    return GossipConfig.lan();
  }

  private UdpTransport udp(int maxPacketBytes) throws IOException {
    UdpTransport t = UdpTransport.builder()
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .maxPacketBytes(maxPacketBytes)
        .build()
        .bind();
    open.add(t);
    return t;
  }

  /** Two started nodes, "a" and "b", on 1400-byte datagrams; {@code large} adds a 64 KB transport. */
  private List<GossipNode> pair(boolean large) throws IOException {
    return pair(large, testConfig());
  }

  private List<GossipNode> pair(boolean large, GossipConfig config) throws IOException {
    return pair(large, config, GossipNodes.defaultStrategy(config));
  }

  private List<GossipNode> pair(boolean large, GossipConfig config,
      Supplier<DisseminationStrategy> strategy) throws IOException {
    UdpTransport[] small = {udp(1400), udp(1400)};
    datagrams.addAll(List.of(small));
    UdpTransport[] big = large ? new UdpTransport[] {udp(65_507), udp(65_507)} : null;
    String[] ids = {"a", "b"};
    List<GossipNode> nodes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      GossipNodes.Builder b = GossipNodes.builder(config)
          .id(ids[i])
          .strategy(strategy)
          .transport(small[i])
          .protector(PacketProtectors.aes256Gcm(keys, NodeId.of(ids[i]), Clock.system()));
      if (large) {
        b.largeMessageTransport(big[i]);
      }
      for (int j = 0; j < 2; j++) {
        if (large) {
          b.member(ids[j], small[j].localAddress(), big[j].localAddress());
        } else {
          b.member(ids[j], small[j].localAddress());
        }
      }
      GossipNode node = b.build();
      open.add(0, node);
      nodes.add(node);
    }
    nodes.forEach(GossipNode::start);
    return nodes;
  }

  private static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    // Bounded in count too: one poll per 10 ms of the deadline, plus the last one.
    for (long polls = 0; polls <= millis / 10; polls++) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  /** True if {@code n} holds keys {@code prefix + 0 .. prefix + (count - 1)}. */
  private static boolean hasAll(GossipNode n, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      if (valueAt(n, prefix + i) == null) {
        return false;
      }
    }
    return true;
  }

  private static byte[] valueAt(GossipNode n, String key) {
    Optional<byte[]> v = n.get(key);
    return v.orElse(null);
  }

  @Test
  void writesMadeInOneEventForOnePeerShareFewDatagramsAndAllArrive() throws Exception {
    List<GossipNode> nodes = pair(false);
    GossipNode a = nodes.get(0);
    GossipNode b = nodes.get(1);
    // A listener runs on a's executor: the 100 writes it makes are one event, and their eager
    // pushes to b leave when it ends.
    a.subscribe((previous, current) -> {
      if (current.key().equals("go")) {
        for (int i = 0; i < 100; i++) {
          a.put("k" + i, ("value " + i).getBytes(StandardCharsets.UTF_8));
        }
      }
    });
    NodeMetrics before = a.metrics();

    a.put("go", new byte[] {1});

    assertTrue(await(() -> hasAll(b, "k", 100), 10_000),
        "not every write reached b: " + b.metrics().counters());
    for (int i = 0; i < 100; i++) {
      assertArrayEquals(("value " + i).getBytes(StandardCharsets.UTF_8), valueAt(b, "k" + i));
    }
    NodeMetrics after = a.metrics();
    long messages = after.get("messages.sent") - before.get("messages.sent");
    long packets = after.get("packets.sent") - before.get("packets.sent");
    assertTrue(messages >= 101, "messages sent: " + messages);
    // 101 rumors of ~40 bytes: a handful of 1400-byte datagrams, not one each.
    assertTrue(packets * 10 <= messages, packets + " datagrams for " + messages + " messages");
    // b answered the whole burst's feedback packed too.
    NodeMetrics atB = b.metrics();
    assertTrue(atB.get("packets.sent") * 10 <= atB.get("messages.sent"), atB.counters().toString());
    assertEquals(0, atB.get("dropped.malformed"));
    assertEquals(atB.get("transport.packets.in"), atB.get("packets.received"),
        "the transport's counters are reported with the node's: " + atB.counters());
  }

  @Test
  void piggybackedMembershipTrafficNeverCrowdsOutBroadcasts() throws Exception {
    List<GossipNode> nodes = pair(false);
    GossipNode a = nodes.get(0);
    GossipNode b = nodes.get(1);
    // A membership source with far more to say than any packet holds: it fills every byte it is
    // offered. Its messages are real ones the receiver decodes (acks of mail nobody sent).
    KryoCodec codec = new KryoCodec(testConfig());
    byte[] ack = codec.encode(new MailAck(424_242));
    AtomicLong drained = new AtomicLong();
    ((DefaultGossipNode) a).piggyback((to, maxBytes) -> {
      List<byte[]> out = new ArrayList<>();
      for (int used = 0; used + ack.length + WireEnvelope.FRAME_BYTES <= maxBytes;
          used += ack.length + WireEnvelope.FRAME_BYTES) {
        out.add(ack);
      }
      drained.addAndGet(out.size());
      return out;
    });

    for (int i = 0; i < 50; i++) {
      a.put("w" + i, new byte[200]);
    }

    assertTrue(await(() -> hasAll(b, "w", 50), 10_000),
        "broadcasts starved: " + b.metrics().counters());
    assertTrue(drained.get() > 1000, "the membership source filled spare room: " + drained);
    NodeMetrics atB = b.metrics();
    assertTrue(atB.get("messages.received") > drained.get() / 2, atB.counters().toString());
    assertEquals(0, atB.get("dropped.malformed"));
  }

  @Test
  void aRumorBatchLargerThanTheCodecsLimitIsSplitNotDropped() throws Exception {
    // Ten hot rumors of 1000 bytes make a round's RumorPush of ~10 KB: more than this codec's
    // 4 KB limit, which the encoder would refuse. Sized first, it is split into datagrams.
    GossipConfig config = testConfig().toBuilder()
        .maxMessageBytes(4096).maxValueBytes(1000).build();
    // Classic rumor mongering, which pushes values every round (lazy pushes would offer them).
    List<GossipNode> nodes =
        pair(false, config, Strategies.rumorMongering(RumorOptions.builder().build()));
    GossipNode a = nodes.get(0);
    GossipNode b = nodes.get(1);
    for (int i = 0; i < 10; i++) {
      a.put("r" + i, new byte[1000]);
    }

    assertTrue(await(() -> a.metrics().get("messages.split") > 0, 10_000),
        "no round split its batch: " + a.metrics().counters());
    assertTrue(await(() -> hasAll(b, "r", 10), 10_000), b.metrics().counters().toString());
    assertEquals(0, a.metrics().get("dropped.encode"), a.metrics().counters().toString());
    assertEquals(0, a.metrics().get("dropped.oversized_out"), a.metrics().counters().toString());
  }

  @Test
  void putOfAValueTooLargeForADatagramIsRefusedNamingSizesAndFixes() throws Exception {
    List<GossipNode> nodes = pair(false);
    GossipNode a = nodes.get(0);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> a.put("big", new byte[2_000]));

    String m = e.getMessage();
    assertTrue(m.contains("2000 bytes"), m);
    assertTrue(m.contains("1400 bytes"), m);
    assertTrue(m.contains("largeMessageTransport"), m);
    assertTrue(m.contains("maxPacketBytes"), m);
    assertFalse(a.get("big").isPresent(), "a refused write must not be stored");

    // The largest value that fits: its message, measured as the node measures a write (the
    // largest single-entry message, a rumor reply with the highest version), fills what one
    // 1400-byte datagram holds after sealing, the envelope header and the message's frame.
    KryoCodec codec = new KryoCodec(testConfig());
    byte[] ad = ("gossipkit/1/" + testConfig().clusterLabel()).getBytes(StandardCharsets.UTF_8);
    int sealing = PacketProtectors.aes256Gcm(keys, NodeId.of("a"), Clock.system())
        .seal(new byte[0], ad).length;
    int budget = 1400 - sealing - WireEnvelope.headerBytes(NodeId.of("a"))
        - WireEnvelope.FRAME_BYTES;
    int largest = -1;
    for (int length = budget; length >= 0 && largest < 0; length--) {
      Entry probe = Entry.of("fits", new byte[length], Version.of(Long.MAX_VALUE, NodeId.of("a")));
      if (codec.encodedSize(new RumorReply(List.of(probe), List.of(), 0, true)) <= budget) {
        largest = length;
      }
    }
    assertTrue(largest > 1_000, "no value of over 1,000 bytes fits " + budget + " bytes");
    int limit = largest;
    assertThrows(IllegalArgumentException.class, () -> a.put("fits", new byte[limit + 1]),
        "one byte over the largest value that fits");
    assertFalse(a.get("fits").isPresent(), "a refused write must not be stored");
    byte[] fits = new byte[limit];
    Arrays.fill(fits, (byte) 3);
    a.put("fits", fits);
    assertArrayEquals(fits, valueAt(a, "fits"), "the largest value that fits is stored");
    assertTrue(await(() -> Arrays.equals(fits, valueAt(nodes.get(1), "fits")), 10_000),
        "the largest value that fits did not reach the other node in one datagram: "
            + a.metrics().counters());
  }

  @Test
  void withALargeMessageTransportALargeValueIsDelivered() throws Exception {
    List<GossipNode> nodes = pair(true);
    byte[] value = new byte[20_000];
    Arrays.fill(value, (byte) 42);

    nodes.get(0).put("big", value);

    assertTrue(await(() -> valueAt(nodes.get(1), "big") != null, 10_000),
        "large value not delivered: " + nodes.get(1).metrics().counters());
    assertArrayEquals(value, valueAt(nodes.get(1), "big"));
    NodeMetrics atA = nodes.get(0).metrics();
    assertTrue(atA.get("large_transport.packets.out") >= 1, atA.counters().toString());
    assertEquals(0, atA.get("dropped.oversized_out"), atA.counters().toString());
  }

  @Test
  void aMalformedInnerMessageDropsItsPacketCountedAndTheNodeRecovers() throws Exception {
    List<GossipNode> nodes = pair(false);
    GossipNode b = nodes.get(1);
    InetSocketAddress to = datagrams.get(1).localAddress();
    KryoCodec codec = new KryoCodec(testConfig());
    // Sealed with the cluster key, as a member would: it authenticates, so only parsing is left.
    AeadPacketProtector member = PacketProtectors.aes256Gcm(keys, NodeId.of("a"), Clock.system());
    byte[] ad = ("gossipkit/1/" + testConfig().clusterLabel()).getBytes(StandardCharsets.UTF_8);
    byte[] good1 = codec.encode(rumor("injected-1"));
    byte[] good2 = codec.encode(rumor("injected-2"));
    byte[] unknownType = {1, (byte) 99, 0, 0};
    long malformedBefore = b.metrics().get("dropped.malformed");

    try (DatagramSocket raw =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      send(raw, to, member.seal(compound("a", good1, unknownType), ad));
      assertTrue(await(() -> b.metrics().get("dropped.malformed") == malformedBefore + 1, 5_000),
          "malformed inner message not counted: " + b.metrics().counters());
      assertFalse(b.get("injected-1").isPresent(),
          "a packet with a malformed message must be dropped whole");

      send(raw, to, member.seal(compound("a", good1, good2), ad));
      assertTrue(await(() -> b.get("injected-1").isPresent() && b.get("injected-2").isPresent(),
          5_000), "both messages of a well-formed compound packet apply");
    }
    assertEquals(malformedBefore + 1, b.metrics().get("dropped.malformed"));
  }

  private static RumorPush rumor(String key) {
    Entry e = Entry.of(key, new byte[] {7},
        Version.of(Version.pack(System.currentTimeMillis(), 0), NodeId.of("a")));
    return new RumorPush(List.of(e), false, false);
  }

  /** A compound packet (at least two messages) or a version-1 one. */
  private static byte[] compound(String sender, byte[]... messages) {
    return WireEnvelope.wrapAll(sender.getBytes(StandardCharsets.UTF_8), List.of(messages));
  }

  private static void send(DatagramSocket socket, InetSocketAddress to, byte[] p)
      throws IOException {
    socket.send(new DatagramPacket(p, p.length, to));
  }


}
