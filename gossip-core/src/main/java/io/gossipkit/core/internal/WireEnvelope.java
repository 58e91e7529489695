package io.gossipkit.core.internal;

import io.gossipkit.api.CodecException;
import io.gossipkit.api.NodeId;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Internal: may change at any time. The plaintext of one packet: who sent it, then one encoded
 * message. Sealed as a whole by the packet protector, so the sender's id is authenticated along
 * with the message.
 *
 * <pre>
 * +---------+-----------+-----------------------+--------------------+
 * | version | id length | sender id (UTF-8)     | encoded message    |
 * | 1 byte  | 1 byte    | 1..255 bytes          | rest of the packet |
 * +---------+-----------+-----------------------+--------------------+
 * </pre>
 */
public final class WireEnvelope {
  /** The only format version written and read. */
  public static final byte VERSION = 1;

  private final NodeId sender;
  private final int messageOffset;

  private WireEnvelope(NodeId sender, int messageOffset) {
    this.sender = sender;
    this.messageOffset = messageOffset;
  }

  /** Frames {@code message} as sent by {@code sender}. */
  public static byte[] wrap(NodeId sender, byte[] message) {
    byte[] id = sender.value().getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[2 + id.length + message.length];
    out[0] = VERSION;
    out[1] = (byte) id.length;
    System.arraycopy(id, 0, out, 2, id.length);
    System.arraycopy(message, 0, out, 2 + id.length, message.length);
    return out;
  }

  /**
   * Reads the header of {@code packet}.
   *
   * @throws CodecException if the version is unknown or the header is truncated or invalid
   */
  public static WireEnvelope read(byte[] packet) throws CodecException {
    if (packet.length < 3) {
      throw new CodecException("packet of " + packet.length + " bytes is shorter than a header");
    }
    if (packet[0] != VERSION) {
      throw new CodecException("unknown envelope version " + (packet[0] & 0xff));
    }
    int idLength = packet[1] & 0xff;
    if (idLength == 0 || 2 + idLength > packet.length) {
      throw new CodecException(
          "sender id length " + idLength + " does not fit a packet of " + packet.length + " bytes");
    }
    String id;
    try {
      id = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(packet, 2, idLength))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CodecException("sender id is not valid UTF-8");
    }
    return new WireEnvelope(NodeId.of(id), 2 + idLength);
  }

  /** The sender. */
  public NodeId sender() {
    return sender;
  }

  /** Where the encoded message starts in the packet. */
  public int messageOffset() {
    return messageOffset;
  }
}
