package io.gossipkit.api;

import io.gossipkit.api.message.GossipMessage;

/**
 * Turns protocol messages into bytes and back, with a hard limit on every length it reads.
 *
 * <p>Decoding is the trust boundary after authentication: a codec MUST reject (with a
 * {@link CodecException}, never another exception) random bytes, truncated input and any length
 * field over its limits, and MUST NOT size any allocation from a length field before checking it
 * against its limit and against the bytes actually left: what decoding allocates is proportional
 * to the input, never to what the input claims (rules R4.x, checked by the testkit's
 * {@code CodecContract}).
 * Implementations are thread-safe.
 */
public interface Codec {
  /**
   * Encodes {@code message}.
   *
   * @throws CodecException if the message type is unknown or it exceeds a limit
   */
  byte[] encode(GossipMessage message) throws CodecException;

  /**
   * Decodes one message from {@code bytes[offset, offset + length)}.
   *
   * @throws CodecException if the input is malformed, truncated or over a limit
   */
  GossipMessage decode(byte[] bytes, int offset, int length) throws CodecException;

  /** Exactly the length {@link #encode} would produce, computed without encoding. */
  int encodedSize(GossipMessage message);

  /** Largest encoded message this codec reads or writes. */
  int maxMessageBytes();
}
