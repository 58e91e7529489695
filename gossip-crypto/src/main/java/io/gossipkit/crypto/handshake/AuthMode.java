package io.gossipkit.crypto.handshake;

/**
 * How the two ends of a {@link Handshake} prove who they are.
 *
 * <p>The mode travels in every handshake message header and is hashed into the transcript, so a
 * peer configured for the other mode fails with {@link HandshakeFailure#WRONG_MODE} instead of
 * silently downgrading.
 */
public enum AuthMode {
  /**
   * Both ends hold the cluster's 32-byte pre-shared key. Completing the handshake proves that the
   * peer holds the key (it is a cluster member); the node id it sends is only its claim.
   */
  PSK(1),
  /**
   * Each end signs the transcript hash with its static Ed25519 key, and the other verifies the
   * signature against its {@link KeyDirectory}. Completing the handshake proves that the peer holds
   * the private key registered for the node id it named.
   */
  ED25519(2);

  private final int wireCode;

  AuthMode(int wireCode) {
    this.wireCode = wireCode;
  }

  /** The byte that names this mode in a message header. */
  int wireCode() {
    return wireCode;
  }

  /** The mode with wire code {@code code}, or {@code null} if none has it. */
  static AuthMode fromWireCode(int code) {
    for (AuthMode m : values()) {
      if (m.wireCode == code) {
        return m;
      }
    }
    return null;
  }
}
