package io.gossipkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.CodecException;
import io.gossipkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packet plaintext header: format version, sender id length, sender id. */
class WireEnvelopeTest {
  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static String rejected(byte[] packet) {
    return assertThrows(CodecException.class, () -> WireEnvelope.read(packet)).getMessage();
  }

  private static void assertRoundTrip(String sender, byte[] message) throws CodecException {
    byte[] packet = WireEnvelope.wrap(NodeId.of(sender), message);

    WireEnvelope env = WireEnvelope.read(packet);

    assertEquals(NodeId.of(sender), env.sender());
    assertEquals(sender, env.sender().value());
    int idBytes = sender.getBytes(StandardCharsets.UTF_8).length;
    assertEquals(2 + idBytes, env.messageOffset());
    assertEquals(WireEnvelope.VERSION, packet[0]);
    assertArrayEquals(message, Arrays.copyOfRange(packet, env.messageOffset(), packet.length));
  }

  @Test
  void roundTrip() throws CodecException {
    assertRoundTrip("node-1", new byte[] {1, 2, 3, 4});
  }

  @Test
  void roundTripOfANonAsciiSenderAndAnEmptyMessage() throws CodecException {
    assertRoundTrip("nœud-ü-東京", new byte[0]);
  }

  @Test
  void roundTripOfTheLongestSenderId() throws CodecException {
    // 255 bytes: the length byte must be read unsigned.
    assertRoundTrip("x".repeat(NodeId.MAX_UTF8_BYTES), new byte[] {9});
  }

  @Test
  void truncatedHeaderIsRejected() {
    for (byte[] packet : new byte[][] {bytes(), bytes(1), bytes(1, 1)}) {
      String message = rejected(packet);
      assertTrue(message.contains("shorter than a header"), message);
      assertTrue(message.contains(packet.length + " bytes"), message);
    }
  }

  @Test
  void unknownVersionIsRejected() {
    String message = rejected(bytes(2, 1, 'a', 0));
    assertTrue(message.contains("unknown envelope version 2"), message);

    String high = rejected(bytes(0xFF, 1, 'a'));
    assertTrue(high.contains("version 255"), "reported unsigned: " + high);
  }

  @Test
  void idLengthZeroIsRejected() {
    String message = rejected(bytes(1, 0, 'a', 'b'));
    assertTrue(message.contains("sender id length 0"), message);
  }

  @Test
  void idRunningPastTheEndIsRejected() {
    String message = rejected(bytes(1, 10, 'a', 'b'));
    assertTrue(message.contains("sender id length 10"), message);
    assertTrue(message.contains("packet of 4 bytes"), message);

    String unsigned = rejected(bytes(1, 0xFF, 'a', 'b'));
    assertTrue(unsigned.contains("sender id length 255"), unsigned);
  }

  @Test
  void idFillingThePacketExactlyIsAccepted() throws CodecException {
    WireEnvelope env = WireEnvelope.read(bytes(1, 2, 'a', 'b'));

    assertEquals("ab", env.sender().value());
    assertEquals(4, env.messageOffset());
  }

  @Test
  void invalidUtf8IsRejected() {
    byte[][] invalid = {
      bytes(1, 2, 0xC3, 0x28, 0), // broken two-byte sequence
      bytes(1, 1, 0x80, 0), // lone continuation byte
      bytes(1, 2, 0xC0, 0xAF), // overlong encoding of '/'
      bytes(1, 3, 0xED, 0xA0, 0x80), // an encoded surrogate
      bytes(1, 2, 0xE2, 0x82), // truncated three-byte sequence at the end of the id
    };
    for (byte[] packet : invalid) {
      String message = rejected(packet);
      assertTrue(message.contains("not valid UTF-8"), Arrays.toString(packet) + ": " + message);
    }
  }

  // ------------------------------------------------------------------ compound (version 2)

  /** A compound packet (at least two messages) or a version-1 one. */
  private static byte[] compound(String sender, byte[]... messages) {
    return WireEnvelope.wrapAll(sender.getBytes(StandardCharsets.UTF_8), List.of(messages));
  }

  private static String rejectedCompound(byte[] packet, int maxMessageBytes) {
    return assertThrows(CodecException.class, () -> WireEnvelope.read(packet, maxMessageBytes))
        .getMessage();
  }

  @Test
  void compoundPacketListsEveryMessageInOrder() throws CodecException {
    byte[] big = new byte[300];
    Arrays.fill(big, (byte) 7);
    byte[] packet = compound("node-a", bytes(1, 22, 5), big, bytes(9));

    WireEnvelope env = WireEnvelope.read(packet, 1000);

    assertEquals("node-a", env.sender().value());
    assertEquals(3, env.messageCount());
    assertArrayEquals(bytes(1, 22, 5), slice(packet, env, 0));
    assertArrayEquals(big, slice(packet, env, 1));
    assertArrayEquals(bytes(9), slice(packet, env, 2));
  }

  @Test
  void versionOneReadsAsOneMessage() throws CodecException {
    WireEnvelope env = WireEnvelope.read(WireEnvelope.wrap(NodeId.of("a"), bytes(1, 2, 3)), 100);

    assertEquals(1, env.messageCount());
    assertEquals(3, env.messageOffset(0));
    assertEquals(3, env.messageLength(0));
  }

  @Test
  void compoundFramesAreCheckedBeforeUse() {
    assertTrue(rejectedCompound(bytes(2, 1, 'a', 0, 0), 100).contains("empty message"));
    assertTrue(rejectedCompound(bytes(2, 1, 'a', 0, 5, 1, 2), 100).contains("runs past the end"));
    assertTrue(rejectedCompound(bytes(2, 1, 'a', 0), 100).contains("truncated frame length"));
    assertTrue(rejectedCompound(bytes(2, 1, 'a', 0, 3, 1, 2, 3), 2)
        .contains("exceeds maxMessageBytes 2"));
    assertTrue(rejectedCompound(bytes(2, 1, 'a'), 100).contains("no message"));
    // A frame length near 65,535 is refused against the bytes present, not allocated.
    assertTrue(rejectedCompound(bytes(2, 1, 'a', 0xFF, 0xFF, 1), Integer.MAX_VALUE)
        .contains("65535 bytes runs past the end"));
  }

  @Test
  void compoundPacketOfTooManyMessagesIsRefused() throws CodecException {
    byte[][] tiny = new byte[WireEnvelope.MAX_MESSAGES + 1][];
    Arrays.fill(tiny, bytes(1));

    assertTrue(rejectedCompound(compound("a", tiny), 100).contains("more than 1024 messages"));
    byte[][] most = Arrays.copyOf(tiny, WireEnvelope.MAX_MESSAGES);
    assertEquals(WireEnvelope.MAX_MESSAGES, WireEnvelope.read(compound("a", most), 100)
        .messageCount());
  }

  private static byte[] slice(byte[] packet, WireEnvelope env, int i) {
    return Arrays.copyOfRange(packet, env.messageOffset(i), env.messageOffset(i) + env.messageLength(i));
  }
}
