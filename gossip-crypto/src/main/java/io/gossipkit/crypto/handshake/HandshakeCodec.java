package io.gossipkit.crypto.handshake;

import io.gossipkit.api.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and strictly parses the three handshake messages.
 *
 * <p>Every message starts with a 4-byte header: version, type, mode, reserved (zero). The parser
 * checks the total length against {@link Handshake#MAX_MESSAGE_BYTES} before reading anything,
 * checks each field's length before slicing it, allocates nothing whose size the peer chose beyond
 * one node id (at most 255 bytes), and refuses trailing bytes. Layouts:
 *
 * <pre>
 * INIT     = hdr(4) | rekeyMaxBytes(8) | rekeyMaxFrames(8) | e_i(32) | idLen(1) | id(idLen)
 *            | tag(16, PSK mode only)
 * RESPONSE = hdr(4) | e_r(32) | idLen(1) | id(idLen) | sealed payload (16 PSK, 64+16 ED25519)
 * FINISH   = hdr(4) | sealed payload (16 PSK, 64+16 ED25519)
 * </pre>
 */
final class HandshakeCodec {
  static final int VERSION = 1;
  static final int HEADER_BYTES = 4;
  static final int TYPE_INIT = 1;
  static final int TYPE_RESPONSE = 2;
  static final int TYPE_FINISH = 3;
  static final int POLICY_BYTES = 16;

  private HandshakeCodec() {}

  /** The fields of an INIT; {@code prefixLength} is where the clear part ends. */
  record Init(
      long rekeyMaxBytes, long rekeyMaxFrames, int ephemeralOffset, NodeId node,
      int prefixLength) {}

  /** The fields of a RESPONSE; {@code prefixLength} is where the sealed payload starts. */
  record Response(int ephemeralOffset, NodeId node, int prefixLength) {}

  /** Bytes of the sealed payload of a message of {@code type} in {@code mode}. */
  static int sealedBytes(int type, AuthMode mode) {
    if (mode == AuthMode.PSK) {
      return Primitives.TAG_BYTES;
    }
    // ED25519: INIT has no key to seal under yet; later messages carry a signature.
    return type == TYPE_INIT ? 0 : Primitives.SIGNATURE_BYTES + Primitives.TAG_BYTES;
  }

  /** The 4-byte header of a message. */
  static byte[] header(int type, AuthMode mode) {
    return new byte[] {(byte) VERSION, (byte) type, (byte) mode.wireCode(), 0};
  }

  /** Encodes the clear part of an INIT (the sealed payload is appended by the caller). */
  static byte[] initPrefix(AuthMode mode, RekeyPolicy policy, byte[] ephemeral, byte[] nodeId) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + POLICY_BYTES + 32 + 1 + nodeId.length);
    b.put(header(TYPE_INIT, mode));
    b.putLong(policy.maxBytes()).putLong(policy.maxFrames());
    b.put(ephemeral).put((byte) nodeId.length).put(nodeId);
    return b.array();
  }

  /** Encodes the clear part of a RESPONSE. */
  static byte[] responsePrefix(AuthMode mode, byte[] ephemeral, byte[] nodeId) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 32 + 1 + nodeId.length);
    b.put(header(TYPE_RESPONSE, mode)).put(ephemeral).put((byte) nodeId.length).put(nodeId);
    return b.array();
  }

  /** {@code a || b}. */
  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * Checks the size and header of {@code msg}: it must be no longer than the limit, speak this
   * version, be of {@code expectedType}, use {@code mode}, and have a zero reserved byte.
   */
  static void checkHeader(byte[] msg, int expectedType, AuthMode mode) throws HandshakeException {
    if (msg.length > Handshake.MAX_MESSAGE_BYTES) {
      throw new HandshakeException(
          HandshakeFailure.OVERSIZED,
          "message is " + msg.length + " bytes, limit " + Handshake.MAX_MESSAGE_BYTES);
    }
    if (msg.length < HEADER_BYTES) {
      throw new HandshakeException(
          HandshakeFailure.MALFORMED,
          "truncated header: " + msg.length + " bytes, need " + HEADER_BYTES);
    }
    int version = msg[0] & 0xff;
    if (version != VERSION) {
      throw new HandshakeException(
          HandshakeFailure.UNSUPPORTED_VERSION,
          "protocol version " + version + ", this node speaks " + VERSION);
    }
    int type = msg[1] & 0xff;
    if (type < TYPE_INIT || type > TYPE_FINISH) {
      throw new HandshakeException(HandshakeFailure.MALFORMED, "unknown message type " + type);
    }
    if (type != expectedType) {
      throw new HandshakeException(
          HandshakeFailure.UNEXPECTED_MESSAGE,
          "got " + typeName(type) + " while waiting for " + typeName(expectedType));
    }
    AuthMode m = AuthMode.fromWireCode(msg[2] & 0xff);
    if (m == null) {
      throw new HandshakeException(
          HandshakeFailure.MALFORMED, "unknown authentication mode " + (msg[2] & 0xff));
    }
    if (m != mode) {
      throw new HandshakeException(
          HandshakeFailure.WRONG_MODE, "peer uses " + m + ", this node uses " + mode);
    }
    if (msg[3] != 0) {
      throw new HandshakeException(
          HandshakeFailure.MALFORMED, "reserved header byte is " + (msg[3] & 0xff) + ", not 0");
    }
  }

  /** Parses an INIT whose header {@link #checkHeader} accepted. */
  static Init parseInit(byte[] msg, AuthMode mode) throws HandshakeException {
    int pos = HEADER_BYTES;
    need(msg, pos, POLICY_BYTES, "rekey policy");
    ByteBuffer b = ByteBuffer.wrap(msg);
    long maxBytes = b.getLong(pos);
    long maxFrames = b.getLong(pos + 8);
    pos += POLICY_BYTES;
    need(msg, pos, Primitives.DH_PUBLIC_BYTES, "ephemeral key");
    int eOff = pos;
    pos += Primitives.DH_PUBLIC_BYTES;
    NodeId node = readNodeId(msg, pos);
    pos += 1 + (msg[pos] & 0xff);
    expectExactly(msg, pos, sealedBytes(TYPE_INIT, mode));
    return new Init(maxBytes, maxFrames, eOff, node, pos);
  }

  /** Parses a RESPONSE whose header {@link #checkHeader} accepted. */
  static Response parseResponse(byte[] msg, AuthMode mode) throws HandshakeException {
    int pos = HEADER_BYTES;
    need(msg, pos, Primitives.DH_PUBLIC_BYTES, "ephemeral key");
    int eOff = pos;
    pos += Primitives.DH_PUBLIC_BYTES;
    NodeId node = readNodeId(msg, pos);
    pos += 1 + (msg[pos] & 0xff);
    expectExactly(msg, pos, sealedBytes(TYPE_RESPONSE, mode));
    return new Response(eOff, node, pos);
  }

  /** Checks that a FINISH whose header {@link #checkHeader} accepted has exactly its payload. */
  static void parseFinish(byte[] msg, AuthMode mode) throws HandshakeException {
    expectExactly(msg, HEADER_BYTES, sealedBytes(TYPE_FINISH, mode));
  }

  private static NodeId readNodeId(byte[] msg, int pos) throws HandshakeException {
    need(msg, pos, 1, "node id length");
    int len = msg[pos] & 0xff;
    if (len == 0) {
      throw new HandshakeException(HandshakeFailure.MALFORMED, "node id is empty");
    }
    need(msg, pos + 1, len, "node id");
    String value;
    try {
      // A strict decoder: Java's default would replace bad bytes and let two encodings name one id.
      value =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(msg, pos + 1, len))
              .toString();
    } catch (CharacterCodingException e) {
      throw new HandshakeException(HandshakeFailure.MALFORMED, "node id is not valid UTF-8");
    }
    try {
      return NodeId.of(value);
    } catch (IllegalArgumentException e) {
      throw new HandshakeException(
          HandshakeFailure.MALFORMED, "invalid node id: " + e.getMessage());
    }
  }

  private static void need(byte[] msg, int pos, int len, String field) throws HandshakeException {
    if (msg.length - pos < len) {
      throw new HandshakeException(
          HandshakeFailure.MALFORMED,
          "truncated " + field + ": need " + len + " bytes at offset " + pos + ", have "
              + Math.max(0, msg.length - pos));
    }
  }

  private static void expectExactly(byte[] msg, int pos, int len) throws HandshakeException {
    need(msg, pos, len, "sealed payload");
    if (msg.length - pos > len) {
      throw new HandshakeException(
          HandshakeFailure.MALFORMED,
          (msg.length - pos - len) + " trailing bytes after offset " + (pos + len));
    }
  }

  static String typeName(int type) {
    switch (type) {
      case TYPE_INIT:
        return "INIT";
      case TYPE_RESPONSE:
        return "RESPONSE";
      case TYPE_FINISH:
        return "FINISH";
      default:
        return "type " + type;
    }
  }
}
