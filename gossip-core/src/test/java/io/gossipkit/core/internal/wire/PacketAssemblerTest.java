package io.gossipkit.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.CodecException;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.MailAck;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.core.internal.WireEnvelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Packing: messages queued for one peer in one task leave in as few packets as fit, every one of
 * them readable by a receiver; each traffic class keeps its share of every packet.
 */
class PacketAssemblerTest {
  private static final NodeId A = NodeId.of("node-a");
  private static final NodeId B = NodeId.of("node-b");
  private static final NodeId C = NodeId.of("node-c");
  /** Plaintext bytes of a packet: a 1400-byte datagram less an AEAD's 55 + 6 bytes. */
  private static final int BUDGET = 1400 - 61;

  private final KryoCodec codec = new KryoCodec(GossipConfig.lan());
  private final Map<String, Long> drops = new TreeMap<>();

  /** One packet as a receiver sees it. */
  private record Packet(NodeId to, byte[] plaintext, List<GossipMessage> messages) {}

  /** Each class queue holds 64 packets' worth per peer, as on a node. */
  private PacketAssembler assembler(int maxPacketsPerFlush) {
    return assembler(maxPacketsPerFlush, 64L * BUDGET);
  }

  private PacketAssembler assembler(int maxPacketsPerFlush, long queueCapacityBytes) {
    return new PacketAssembler(A, BUDGET, queueCapacityBytes, maxPacketsPerFlush,
        (reason, count, detail) -> drops.merge(reason, (long) count, Long::sum));
  }

  /** Flushes once and reads every packet back the way a node does: envelope, then codec. */
  private List<Packet> flush(PacketAssembler assembler) {
    List<Packet> out = new ArrayList<>();
    assembler.flush((to, plaintext, count) -> {
      try {
        WireEnvelope env = WireEnvelope.read(plaintext, codec.maxMessageBytes());
        assertEquals(A, env.sender());
        assertEquals(count, env.messageCount());
        List<GossipMessage> ms = new ArrayList<>();
        for (int i = 0; i < env.messageCount(); i++) {
          ms.add(codec.decode(plaintext, env.messageOffset(i), env.messageLength(i)));
        }
        out.add(new Packet(to, plaintext, ms));
      } catch (CodecException e) {
        throw new AssertionError("unreadable packet", e);
      }
    });
    return out;
  }

  private byte[] encode(GossipMessage m) {
    try {
      return codec.encode(m);
    } catch (CodecException e) {
      throw new AssertionError(e);
    }
  }

  private static RumorPush rumor(int i, int valueBytes) {
    Entry e = Entry.of("key-" + i, new byte[valueBytes], Version.of(Version.pack(1_000 + i, 0), A));
    return new RumorPush(List.of(e), true, false);
  }

  @Test
  void manySmallMessagesForOnePeerShareOnePacketInOrder() {
    PacketAssembler assembler = assembler(64);
    for (int i = 0; i < 100; i++) {
      assembler.offer(B, TrafficClass.CONTROL, encode(new MailAck(i)));
    }

    List<Packet> packets = flush(assembler);

    assertEquals(1, packets.size(), "100 acks of a few bytes fit one packet");
    List<GossipMessage> got = packets.get(0).messages();
    assertEquals(100, got.size());
    for (int i = 0; i < 100; i++) {
      assertEquals(new MailAck(i), got.get(i));
    }
    assertTrue(!assembler.hasQueued());
  }

  @Test
  void aLargeBudgetNeverPacksMoreMessagesThanAReceiverReadsFromOnePacket() {
    // 60,000 bytes (a 64 KiB datagram's budget) hold far more than 1,024 acks of a few bytes:
    // before the cap, one packet carried all 2,000 and every receiver dropped it as malformed.
    PacketAssembler assembler = new PacketAssembler(A, 60_000, 1L << 20, 64,
        (reason, count, detail) -> drops.merge(reason, (long) count, Long::sum));
    for (int i = 0; i < 2_000; i++) {
      assembler.offer(B, TrafficClass.CONTROL, encode(new MailAck(i)));
    }

    List<Packet> packets = flush(assembler); // reads each back as a node does

    assertEquals(2, packets.size());
    assertEquals(WireEnvelope.MAX_MESSAGES, packets.get(0).messages().size());
    List<GossipMessage> got = new ArrayList<>();
    packets.forEach(p -> got.addAll(p.messages()));
    for (int i = 0; i < 2_000; i++) {
      assertEquals(new MailAck(i), got.get(i), "in order, none lost");
    }
    assertEquals(Map.of(), drops);
  }

  @Test
  void messagesFillPacketsUpToTheBudgetAndEveryOneArrives() {
    PacketAssembler assembler = assembler(64);
    List<GossipMessage> sent = new ArrayList<>();
    int bytes = 0;
    for (int i = 0; i < 200; i++) {
      RumorPush m = rumor(i, 80);
      sent.add(m);
      byte[] encoded = encode(m);
      bytes += encoded.length + WireEnvelope.FRAME_BYTES;
      assembler.offer(B, TrafficClass.BROADCAST, encoded);
    }

    List<Packet> packets = flush(assembler);

    int fewest = (bytes + BUDGET - 9) / (BUDGET - 8);
    assertTrue(packets.size() <= fewest + 1,
        packets.size() + " packets for " + bytes + " bytes; " + fewest + " would do");
    List<GossipMessage> got = new ArrayList<>();
    for (Packet p : packets) {
      assertTrue(p.plaintext().length <= BUDGET, "packet of " + p.plaintext().length + " bytes");
      got.addAll(p.messages());
    }
    assertEquals(sent.size(), got.size());
    assertEquals(sent, got);
    assertEquals(Map.of(), drops);
  }

  @Test
  void aFullPacketLeavesAtOnceAndThePartialOneWaitsForTheEndOfTheTask() {
    PacketAssembler assembler = assembler(64);
    List<byte[]> sent = new ArrayList<>();
    PacketAssembler.PacketSink sink = (to, plaintext, count) -> sent.add(plaintext);
    List<GossipMessage> offered = new ArrayList<>();
    int fullAt = -1;
    for (int i = 0; i < 40 && fullAt < 0; i++) {
      RumorPush m = rumor(i, 80);
      offered.add(m);
      if (assembler.offer(B, TrafficClass.BROADCAST, encode(m))) {
        fullAt = i;
      }
    }
    assertTrue(fullAt > 0, "a packet's worth was never reported");

    assembler.flushFull(B, sink);

    assertEquals(1, sent.size(), "exactly the full packet left");
    assertTrue(assembler.hasQueued(), "the message that did not fit waits");
    for (int i = fullAt + 1; i < fullAt + 4; i++) {
      RumorPush m = rumor(i, 80);
      offered.add(m);
      assertFalse(assembler.offer(B, TrafficClass.BROADCAST, encode(m)));
    }
    assembler.flush(sink);
    List<GossipMessage> got = new ArrayList<>();
    for (byte[] p : sent) {
      WireEnvelope env = read(p);
      for (int i = 0; i < env.messageCount(); i++) {
        got.add(decode(java.util.Arrays.copyOfRange(p, env.messageOffset(i),
            env.messageOffset(i) + env.messageLength(i))));
      }
    }
    assertEquals(2, sent.size());
    assertEquals(offered, got);
  }

  @Test
  void eachPeerGetsItsOwnPackets() {
    PacketAssembler assembler = assembler(64);
    assembler.offer(B, TrafficClass.CONTROL, encode(new MailAck(1)));
    assembler.offer(C, TrafficClass.CONTROL, encode(new MailAck(2)));
    assembler.offer(B, TrafficClass.CONTROL, encode(new MailAck(3)));

    List<Packet> packets = flush(assembler);

    assertEquals(2, packets.size());
    assertEquals(B, packets.get(0).to());
    assertEquals(List.of(new MailAck(1), new MailAck(3)), packets.get(0).messages());
    assertEquals(C, packets.get(1).to());
    // A packet of one message is a version-1 envelope, as nodes without packing write it.
    assertEquals(WireEnvelope.VERSION, packets.get(1).plaintext()[0]);
  }

  @Test
  void aSaturatedMembershipQueueDoesNotStarveBroadcasts() {
    PacketAssembler assembler = assembler(8, 8L * BUDGET);
    // Far more membership traffic than 8 packets can carry, queued before the broadcasts.
    byte[] membership = new byte[100];
    membership[0] = 1;
    membership[1] = 30;
    for (int i = 0; i < 10_000; i++) {
      assembler.offer(B, TrafficClass.MEMBERSHIP, membership);
    }
    List<GossipMessage> broadcasts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      RumorPush m = rumor(i, 60);
      broadcasts.add(m);
      assembler.offer(B, TrafficClass.BROADCAST, encode(m));
    }

    List<byte[]> raw = new ArrayList<>();
    assembler.flush((to, plaintext, count) -> raw.add(plaintext));

    // Every broadcast left in the first flush, in order, though membership was queued first.
    List<byte[]> firstFlushBroadcasts = new ArrayList<>();
    int membershipMessages = 0;
    for (byte[] p : raw) {
      WireEnvelope env = read(p);
      int membershipBytes = 0;
      for (int i = 0; i < env.messageCount(); i++) {
        if (p[env.messageOffset(i) + 1] == 30) {
          membershipMessages++;
          membershipBytes += env.messageLength(i) + WireEnvelope.FRAME_BYTES;
        } else {
          firstFlushBroadcasts.add(
              java.util.Arrays.copyOfRange(p, env.messageOffset(i),
                  env.messageOffset(i) + env.messageLength(i)));
        }
      }
      // Membership still had its guaranteed quarter of each packet.
      assertTrue(membershipBytes >= (BUDGET - 8) / 4 - 102,
          "membership got only " + membershipBytes + " bytes of a packet");
    }
    assertEquals(8, raw.size());
    assertEquals(50, firstFlushBroadcasts.size());
    for (int i = 0; i < 50; i++) {
      assertEquals(broadcasts.get(i), decode(firstFlushBroadcasts.get(i)));
    }
    assertTrue(membershipMessages > 0);
    // Its own queue overflowed, and only its own messages were dropped for it.
    assertTrue(drops.getOrDefault("dropped.queue_full", 0L) >= 10_000 - 8 * BUDGET / 100,
        "drops " + drops);
    assertTrue(assembler.hasQueued(), "the membership backlog waits for the next flush");
  }

  @Test
  void withoutAGuaranteedShareTheSameFloodStarvesBroadcasts() {
    // The contrast to the test above: membership first and alone, broadcasts only getting what
    // it leaves (memberlist's arrangement). The same flood then lets no broadcast out at all.
    PacketAssembler membershipFirst = new PacketAssembler(A, BUDGET, 8L * BUDGET, 8,
        (reason, count, detail) -> { }, new int[] {0, 0, 100, 0});
    byte[] membership = new byte[100];
    membership[1] = 30;
    for (int i = 0; i < 10_000; i++) {
      membershipFirst.offer(B, TrafficClass.MEMBERSHIP, membership);
    }
    for (int i = 0; i < 50; i++) {
      membershipFirst.offer(B, TrafficClass.BROADCAST, encode(rumor(i, 60)));
    }

    int[] broadcasts = {0};
    membershipFirst.flush((to, plaintext, count) -> {
      WireEnvelope env = read(plaintext);
      for (int i = 0; i < env.messageCount(); i++) {
        broadcasts[0] += plaintext[env.messageOffset(i) + 1] == 30 ? 0 : 1;
      }
    });

    // Only a packet where broadcast holds the turn lets one out: 2 of 8 packets, one each.
    assertTrue(broadcasts[0] <= 2, broadcasts[0] + " broadcasts left");
  }

  @Test
  void aMessageLargerThanItsClassShareIsNotStarved() {
    PacketAssembler assembler = assembler(3);
    byte[] filler = new byte[100];
    filler[1] = 30;
    for (int i = 0; i < 80; i++) {
      assembler.offer(B, TrafficClass.BROADCAST, filler);
      assembler.offer(B, TrafficClass.MEMBERSHIP, filler);
      assembler.offer(B, TrafficClass.ANTI_ENTROPY, filler);
    }
    assembler.flush((to, plaintext, count) -> {});
    // Control's share is a tenth of a packet; this one needs most of a packet. The other classes
    // fill their shares and every byte they are lent, so only its turn lets it out.
    byte[] bigControl = new byte[BUDGET - 200];
    bigControl[1] = 22;
    assembler.offer(B, TrafficClass.CONTROL, bigControl);

    List<byte[]> raw = new ArrayList<>();
    assembler.flush((to, plaintext, count) -> raw.add(plaintext));

    boolean found = false;
    for (byte[] p : raw) {
      WireEnvelope env = read(p);
      for (int i = 0; i < env.messageCount(); i++) {
        found |= env.messageLength(i) == bigControl.length;
      }
    }
    assertTrue(found, "the large control message did not leave within one round of turns");
    assertTrue(assembler.hasQueued(), "the other classes still had a backlog");
  }

  @Test
  void piggybackFillsOnlyTheRoomQueuedMessagesLeave() {
    PacketAssembler assembler = assembler(64);
    List<Integer> offered = new ArrayList<>();
    assembler.piggyback((to, maxBytes) -> {
      offered.add(maxBytes);
      List<byte[]> out = new ArrayList<>();
      for (int used = 0; used + 5 <= maxBytes; used += 5) {
        out.add(encode(new MailAck(7)));
      }
      return out;
    });
    for (int i = 0; i < 30; i++) {
      assembler.offer(B, TrafficClass.BROADCAST, encode(rumor(i, 60)));
    }

    List<Packet> packets = flush(assembler);

    int rumors = 0;
    for (Packet p : packets) {
      assertTrue(p.plaintext().length <= BUDGET);
      for (GossipMessage m : p.messages()) {
        rumors += m instanceof RumorPush ? 1 : 0;
      }
    }
    assertEquals(30, rumors, "every queued rumor went out, none displaced by the piggyback");
    assertEquals(packets.size(), offered.size(), "asked once per packet");
    assertTrue(packets.get(packets.size() - 1).messages().stream()
        .anyMatch(m -> m instanceof MailAck), "the last packet's spare room was filled");
  }

  @Test
  void aMessageLargerThanAPacketIsRefused() {
    PacketAssembler assembler = assembler(64);
    int max = assembler.maxMessageBytes();
    assertEquals(BUDGET - WireEnvelope.headerBytes(A) - WireEnvelope.FRAME_BYTES, max);

    assembler.offer(B, TrafficClass.BROADCAST, new byte[max]);
    assertThrows(IllegalArgumentException.class,
        () -> assembler.offer(B, TrafficClass.BROADCAST, new byte[max + 1]));
  }

  private WireEnvelope read(byte[] plaintext) {
    try {
      return WireEnvelope.read(plaintext, Integer.MAX_VALUE);
    } catch (CodecException e) {
      throw new AssertionError(e);
    }
  }

  private GossipMessage decode(byte[] m) {
    try {
      return codec.decode(m, 0, m.length);
    } catch (CodecException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aMessageTooLongForACompoundFrameLeavesAloneAndEveryMessageArrives() throws Exception {
    // A stream transport's budget: room for several messages, one of them over 65,535 bytes.
    int budget = 512 << 10;
    KryoCodec big = new KryoCodec(GossipConfig.lan().toBuilder().maxMessageBytes(budget)
        .maxValueBytes(300_000).build());
    PacketAssembler assembler = new PacketAssembler(A, budget, 64L * budget, 64,
        (reason, count, detail) -> drops.merge(reason, (long) count, Long::sum));
    List<GossipMessage> sent = List.of(new MailAck(1), rumor(7, 200_000), new MailAck(2));
    assembler.offer(B, TrafficClass.CONTROL, big.encode(sent.get(0)));
    assembler.offer(B, TrafficClass.BROADCAST, big.encode(sent.get(1)));
    assembler.offer(B, TrafficClass.CONTROL, big.encode(sent.get(2)));

    List<GossipMessage> got = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    // Three messages need two packets; ten flushes are far more than enough, and a bug that
    // kept something queued forever fails below instead of hanging the build.
    for (int flushes = 0; flushes < 10 && assembler.hasQueued(); flushes++) {
      assembler.flush((to, plaintext, count) -> {
        try {
          WireEnvelope env = WireEnvelope.read(plaintext, big.maxMessageBytes());
          counts.add(env.messageCount());
          for (int i = 0; i < env.messageCount(); i++) {
            got.add(big.decode(plaintext, env.messageOffset(i), env.messageLength(i)));
          }
        } catch (CodecException e) {
          throw new AssertionError("unreadable packet", e);
        }
      });
    }
    assertFalse(assembler.hasQueued(), "ten flushes emptied the queue");

    assertEquals(List.of(new MailAck(1), new MailAck(2), sent.get(1)),
        got.stream().sorted((x, y) -> Boolean.compare(x instanceof RumorPush,
            y instanceof RumorPush)).toList());
    assertEquals(List.of(2, 1), counts.stream().sorted((x, y) -> y - x).toList(),
        "the acks share a packet, the long rumor has one of its own");
    assertEquals(Map.of(), drops);
  }
}
