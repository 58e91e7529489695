package io.gossipkit.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.CodecException;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.Ack;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.MemberGossip;
import io.gossipkit.api.message.MemberSync;
import io.gossipkit.api.message.MemberUpdate;
import io.gossipkit.api.message.Nack;
import io.gossipkit.api.message.Ping;
import io.gossipkit.api.message.PingReq;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The membership messages on the wire: ids 30 to 35, every list and length bounded. */
class MembershipCodecTest {
  static final GossipConfig CONFIG = GossipConfig.lan();
  static final KryoCodec CODEC = new KryoCodec(CONFIG);
  static final NodeId A = NodeId.of("node-a");
  static final NodeId B = NodeId.of("nœud-b");

  static InetSocketAddress ipv4(int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
  }

  static InetSocketAddress ipv6(int port) throws Exception {
    byte[] ip = new byte[16];
    ip[15] = 1;
    ip[0] = (byte) 0xfe;
    ip[1] = (byte) 0x80;
    return new InetSocketAddress(InetAddress.getByAddress(ip), port);
  }

  static List<MemberUpdate> updates() throws Exception {
    return List.of(
        new MemberUpdate(A, ipv4(7946), MemberState.ALIVE, 0, A),
        new MemberUpdate(B, ipv6(65535), MemberState.SUSPECT, 3, A),
        new MemberUpdate(NodeId.of("c"), null, MemberState.DEAD, Long.MAX_VALUE >>> 2, B),
        new MemberUpdate(NodeId.of("d"), InetSocketAddress.createUnresolved("host-d", 1),
            MemberState.LEFT, 128, NodeId.of("d")));
  }

  static List<GossipMessage> messages() throws Exception {
    List<MemberUpdate> u = updates();
    return List.of(
        new Ping(0, A, List.of()),
        new Ping(1L << 40, B, u),
        new PingReq(7, B, ipv6(1), u),
        new PingReq(8, A, InetSocketAddress.createUnresolved("a.example", 80), List.of()),
        new Ack(Long.MAX_VALUE, u),
        new Ack(3, List.of()),
        new MemberSync(true, u),
        new MemberSync(false, List.of()),
        new MemberGossip(u),
        new Nack(0),
        new Nack(Long.MAX_VALUE));
  }

  @Test
  void everyMembershipMessageRoundTripsAndIsSizedExactly() throws Exception {
    for (GossipMessage m : messages()) {
      byte[] bytes = CODEC.encode(m);
      assertEquals(bytes.length, CODEC.encodedSize(m), m.toString());
      GossipMessage back = CODEC.decode(bytes, 0, bytes.length);
      assertEquals(m, back);
      assertArrayEquals(bytes, CODEC.encode(back));
    }
  }

  @Test
  void typeBytesAreTheFixedIds() throws Exception {
    assertEquals(30, CODEC.encode(new Ping(0, A, List.of()))[1]);
    assertEquals(31, CODEC.encode(new PingReq(0, A, ipv4(1), List.of()))[1]);
    assertEquals(32, CODEC.encode(new Ack(0, List.of()))[1]);
    assertEquals(33, CODEC.encode(new MemberSync(false, List.of()))[1]);
    assertEquals(34, CODEC.encode(new MemberGossip(List.of()))[1]);
    assertEquals(35, CODEC.encode(new Nack(0))[1]);
  }

  @Test
  void aHugeUpdateCountIsRefusedBeforeAllocating() {
    byte[] bytes = WireBytes.header(34).varint(0xFFFF_FFFFL).build();
    CodecException e = assertThrows(CodecException.class, () -> CODEC.decode(bytes, 0,
        bytes.length));
    assertTrue(e.getMessage().contains("member update count"), e.getMessage());
  }

  @Test
  void aCountOverTheConfiguredLimitIsRefusedOnBothSides() throws Exception {
    KryoCodec small = new KryoCodec(CONFIG.toBuilder().maxEntriesPerMessage(3).build());
    List<MemberUpdate> four = new ArrayList<>(updates());
    assertEquals(4, four.size());
    GossipMessage m = new MemberGossip(four);
    CodecException out = assertThrows(CodecException.class, () -> small.encode(m));
    assertTrue(out.getMessage().contains("maxEntriesPerMessage 3"), out.getMessage());
    byte[] bytes = CODEC.encode(m);
    CodecException in = assertThrows(CodecException.class, () -> small.decode(bytes, 0,
        bytes.length));
    assertEquals("MemberGossip: member update count 4 exceeds maxEntriesPerMessage 3",
        in.getMessage());
  }

  @Test
  void hostileFieldsAreRefusedNamingTheField() {
    assertRefused("MemberGossip: member update flags 0x10 has bits set outside 0xf",
        WireBytes.header(34).varint(1).u8(0x10).string("a").varint(0).build());
    assertRefused("MemberGossip: ALIVE member update for a has no address",
        WireBytes.header(34).varint(1).u8(0x08).string("a").varint(0).build());
    assertRefused("MemberGossip: member address kind 9 is not one of 1 (host), 4 (IPv4), 6 (IPv6)",
        WireBytes.header(34).varint(1).u8(0x0C).string("a").varint(0).u8(9).build());
    assertRefused("MemberGossip: truncated input: member address needs 16 bytes, 3 remain",
        WireBytes.header(34).varint(1).u8(0x0C).string("a").varint(0).u8(6).raw(1, 2, 3)
            .build());
    assertRefused("MemberGossip: member address host length 300 exceeds MAX_HOST_BYTES 255",
        WireBytes.header(34).varint(1).u8(0x0C).string("a").varint(0).u8(1).varint(300)
            .zeros(400).build());
    assertRefused("Ping: node id length 0 is below the minimum 1",
        WireBytes.header(30).varint(1).varint(0).varint(0).build());
    assertRefused("Ack: member incarnation 18446744073709551615 is negative as a long",
        WireBytes.header(32).varint(1).varint(1).u8(0x0A).string("a")
            .raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF).build());
    assertRefused("MemberSync: member sync flags 0x2 has bits set outside 0x1",
        WireBytes.header(33).u8(2).varint(0).build());
    assertRefused("Ack: 1 trailing bytes after the message",
        WireBytes.header(32).varint(1).varint(0).u8(0).build());
  }

  @Test
  void randomBytesAfterAMembershipHeaderNeverEscapeAsAnythingButCodecException() {
    Random random = new Random(30);
    int accepted = 0;
    for (int i = 0; i < 50_000; i++) {
      byte[] bytes = new byte[2 + random.nextInt(80)];
      random.nextBytes(bytes);
      bytes[0] = WireFormat.FORMAT_VERSION;
      bytes[1] = (byte) (30 + random.nextInt(6));
      if (bytes.length > 3 && random.nextBoolean()) {
        bytes[2] = (byte) random.nextInt(3);
      }
      try {
        GossipMessage m = CODEC.decode(bytes, 0, bytes.length);
        assertArrayEquals(bytes, CODEC.encode(m), "accepted input must re-encode to itself");
        accepted++;
      } catch (CodecException expected) {
        // refused: fine
      }
    }
    assertTrue(accepted > 0, "no random input was accepted: the generator is too hostile");
  }

  private static void assertRefused(String message, byte[] bytes) {
    CodecException e =
        assertThrows(CodecException.class, () -> CODEC.decode(bytes, 0, bytes.length));
    assertEquals(message, e.getMessage());
  }
}
