package io.gossipkit.core.internal;

import io.gossipkit.api.CodecException;
import io.gossipkit.api.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Internal: may change at any time. The plaintext of one packet: who sent it, then one encoded
 * message (version 1) or several (version 2, a compound packet). Sealed as a whole by the packet
 * protector, so the sender's id is authenticated along with every message.
 *
 * <pre>
 * version 1: one message
 * +---------+-----------+-------------------+--------------------+
 * | 0x01    | id length | sender id (UTF-8) | encoded message    |
 * | 1 byte  | 1 byte    | 1..255 bytes      | rest of the packet |
 * +---------+-----------+-------------------+--------------------+
 *
 * version 2: a compound packet of 1..{@value #MAX_MESSAGES} messages
 * +---------+-----------+-------------------+--------+-----------+--------+-----------+---
 * | 0x02    | id length | sender id (UTF-8) | length | message 1 | length | message 2 | ...
 * | 1 byte  | 1 byte    | 1..255 bytes      | u16 BE | 1..65,535 | u16 BE |           |
 * +---------+-----------+-------------------+--------+-----------+--------+-----------+---
 * </pre>
 *
 * <p>A packet with one message is always written as version 1, byte for byte what nodes wrote
 * before compound packets existed, so mixed versions interoperate as long as no packet is
 * compound. Frame lengths are two bytes because a datagram holds at most 65,507 bytes; messages
 * larger than a datagram travel alone, as version 1, over a stream transport. Every frame length
 * is checked against the codec's {@code maxMessageBytes} and against the bytes that remain before
 * anything is read, and {@link #read} allocates two ints per frame, in proportion to the packet.
 */
public final class WireEnvelope {
  /** The single-message format version. */
  public static final byte VERSION = 1;

  /** The compound format version. */
  public static final byte COMPOUND_VERSION = 2;

  /** Bytes of the length prefix of each message in a compound packet. */
  public static final int FRAME_BYTES = 2;

  /**
   * Longest message a compound packet can frame; a longer one (over a stream transport) must
   * travel alone, as version 1.
   */
  public static final int MAX_FRAMED_BYTES = 0xFFFF;

  /** Most messages one compound packet may hold; more is refused as malformed. */
  public static final int MAX_MESSAGES = 1024;

  private static final int[] NONE = new int[0];

  private final NodeId sender;
  private final int[] offsets;
  private final int[] lengths;

  private WireEnvelope(NodeId sender, int[] offsets, int[] lengths) {
    this.sender = sender;
    this.offsets = offsets;
    this.lengths = lengths;
  }

  /** Bytes of the header (version, id length, id) for {@code sender}. */
  public static int headerBytes(NodeId sender) {
    return 2 + sender.value().getBytes(StandardCharsets.UTF_8).length;
  }

  /** Frames {@code message} as sent by {@code sender} (version 1). */
  public static byte[] wrap(NodeId sender, byte[] message) {
    return wrapAll(sender.value().getBytes(StandardCharsets.UTF_8), List.of(message));
  }

  /**
   * Frames {@code messages}, each 1 to 65,535 bytes, as sent by the sender whose UTF-8 id is
   * {@code senderId}: version 1 if there is one message, else a compound packet (version 2).
   */
  public static byte[] wrapAll(byte[] senderId, List<byte[]> messages) {
    int header = 2 + senderId.length;
    boolean compound = messages.size() != 1;
    int size = header;
    for (int i = 0; i < messages.size(); i++) {
      size += (compound ? FRAME_BYTES : 0) + messages.get(i).length;
    }
    byte[] out = new byte[size];
    out[0] = compound ? COMPOUND_VERSION : VERSION;
    out[1] = (byte) senderId.length;
    System.arraycopy(senderId, 0, out, 2, senderId.length);
    int at = header;
    for (int i = 0; i < messages.size(); i++) {
      byte[] m = messages.get(i);
      if (compound) {
        out[at++] = (byte) (m.length >>> 8);
        out[at++] = (byte) m.length;
      }
      System.arraycopy(m, 0, out, at, m.length);
      at += m.length;
    }
    return out;
  }

  /**
   * Reads the header of {@code packet}, accepting version 1 only; kept for callers that send one
   * message per packet.
   *
   * @throws CodecException if the version is not 1 or the header is truncated or invalid
   */
  public static WireEnvelope read(byte[] packet) throws CodecException {
    if (packet.length >= 1 && packet[0] == COMPOUND_VERSION) {
      throw new CodecException("unknown envelope version " + COMPOUND_VERSION
          + " (compound packets are read with read(packet, maxMessageBytes))");
    }
    return read(packet, Integer.MAX_VALUE);
  }

  /**
   * Reads the header and, for a compound packet, the frame table of {@code packet}.
   *
   * @param maxMessageBytes the codec's limit; a frame longer than this is refused
   * @throws CodecException if the version is unknown, the header is truncated or invalid, or a
   *     frame is empty, longer than the limit, runs past the end, or there are too many
   */
  public static WireEnvelope read(byte[] packet, int maxMessageBytes) throws CodecException {
    if (packet.length < 3) {
      throw new CodecException("packet of " + packet.length + " bytes is shorter than a header");
    }
    byte version = packet[0];
    if (version != VERSION && version != COMPOUND_VERSION) {
      throw new CodecException("unknown envelope version " + (version & 0xff));
    }
    int idLength = packet[1] & 0xff;
    if (idLength == 0 || 2 + idLength > packet.length) {
      throw new CodecException(
          "sender id length " + idLength + " does not fit a packet of " + packet.length + " bytes");
    }
    String id;
    if (isAscii(packet, 2, idLength)) {
      // Node ids are almost always ASCII: decoding them needs no CharsetDecoder, which was a
      // visible share of the receive path when made per packet.
      id = new String(packet, 2, idLength, StandardCharsets.ISO_8859_1);
    } else {
      try {
        id = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(packet, 2, idLength))
            .toString();
      } catch (CharacterCodingException e) {
        throw new CodecException("sender id is not valid UTF-8");
      }
    }
    int at = 2 + idLength;
    NodeId sender = NodeId.of(id);
    if (version == VERSION) {
      return new WireEnvelope(sender, new int[] {at}, new int[] {packet.length - at});
    }
    return new WireEnvelope(sender, NONE, NONE).withFrames(packet, at, maxMessageBytes);
  }

  private static boolean isAscii(byte[] bytes, int from, int length) {
    for (int i = from, end = from + length; i < end; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private WireEnvelope withFrames(byte[] packet, int at, int maxMessageBytes)
      throws CodecException {
    // Each frame takes at least 3 bytes, so this bounds the table by the packet, then by the cap.
    int most = Math.min(MAX_MESSAGES, (packet.length - at) / (FRAME_BYTES + 1));
    int[] offs = new int[Math.max(1, most)];
    int[] lens = new int[offs.length];
    int n = 0;
    while (at < packet.length) {
      if (n == MAX_MESSAGES) {
        throw new CodecException("compound packet holds more than " + MAX_MESSAGES + " messages");
      }
      if (packet.length - at < FRAME_BYTES) {
        throw new CodecException("truncated frame length at byte " + at + " of " + packet.length);
      }
      int length = ((packet[at] & 0xff) << 8) | (packet[at + 1] & 0xff);
      at += FRAME_BYTES;
      if (length == 0) {
        throw new CodecException("empty message in frame " + n);
      }
      if (length > maxMessageBytes) {
        throw new CodecException("frame " + n + " of " + length + " bytes exceeds maxMessageBytes "
            + maxMessageBytes);
      }
      if (length > packet.length - at) {
        throw new CodecException("frame " + n + " of " + length + " bytes runs past the end of a "
            + packet.length + "-byte packet");
      }
      if (n == offs.length) {
        // Unreachable: every frame is at least 3 bytes. Kept so a change above cannot overflow.
        throw new CodecException("frame table overflow");
      }
      offs[n] = at;
      lens[n] = length;
      n++;
      at += length;
    }
    if (n == 0) {
      throw new CodecException("compound packet holds no message");
    }
    return new WireEnvelope(
        sender, n == offs.length ? offs : java.util.Arrays.copyOf(offs, n),
        n == lens.length ? lens : java.util.Arrays.copyOf(lens, n));
  }

  /** The sender. */
  public NodeId sender() {
    return sender;
  }

  /** Where the first (for version 1, the only) encoded message starts in the packet. */
  public int messageOffset() {
    return offsets[0];
  }

  /** Number of messages in the packet: 1 for version 1. */
  public int messageCount() {
    return offsets.length;
  }

  /** Where message {@code i} starts. */
  public int messageOffset(int i) {
    return offsets[i];
  }

  /** Length of message {@code i}. */
  public int messageLength(int i) {
    return lengths[i];
  }
}
