package io.gossipkit.crypto.handshake;

/**
 * Why a {@link Handshake} rejected a message or gave up. Each reason has its own counter in {@link
 * HandshakeMetrics}, so an operator can tell a misconfigured peer from an attack.
 */
public enum HandshakeFailure {
  /** Truncated, trailing bytes, unknown type or mode byte, reserved byte not 0, bad node id. */
  MALFORMED,
  /** Longer than {@link Handshake#MAX_MESSAGE_BYTES}; rejected before anything is read. */
  OVERSIZED,
  /** A protocol version this build does not speak. */
  UNSUPPORTED_VERSION,
  /** The peer uses the other {@link AuthMode}. */
  WRONG_MODE,
  /** A valid message type, but not the one this state expects (such as a repeated INIT). */
  UNEXPECTED_MESSAGE,
  /** A message arrived before {@link Handshake#start()}, or after the handshake ended. */
  WRONG_STATE,
  /** The peers are configured with different {@link RekeyPolicy rekey policies}. */
  POLICY_MISMATCH,
  /** In {@link AuthMode#ED25519} mode, the peer named a node that the key directory lacks. */
  UNKNOWN_PEER,
  /** The peer named a node other than the one dialled, or this node's own id. */
  UNEXPECTED_PEER,
  /** The peer's ephemeral X25519 key is a low-order point (the shared secret would be zero). */
  BAD_KEY,
  /**
   * An AEAD tag did not verify: wrong pre-shared key, wrong cluster label, another channel cipher
   * or altered message.
   */
  AUTHENTICATION_FAILED,
  /** In {@link AuthMode#ED25519} mode, the peer's signature did not verify under its key. */
  BAD_SIGNATURE,
  /** A first message whose ephemeral key the responder has seen recently. */
  REPLAYED,
  /** The handshake did not finish by its deadline. */
  TIMEOUT,
  /**
   * A bug: an unexpected runtime exception, caught so that it cannot escape into the transport.
   * Fuzz tests fail if this is ever counted.
   */
  INTERNAL_ERROR
}
