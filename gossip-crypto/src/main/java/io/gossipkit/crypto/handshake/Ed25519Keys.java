package io.gossipkit.crypto.handshake;

import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Raw Ed25519 node-identity keys for {@link AuthMode#ED25519} handshakes, as plain 32-byte arrays
 * so that no BouncyCastle type appears in the public API.
 *
 * <pre>{@code
 * byte[] priv = Ed25519Keys.generatePrivateKey(new SecureRandom());
 * byte[] pub = Ed25519Keys.publicKey(priv); // publish in every peer's KeyDirectory
 * }</pre>
 */
public final class Ed25519Keys {
  /** Length of a private key (the RFC 8032 seed) and of a public key. */
  public static final int KEY_BYTES = 32;

  private Ed25519Keys() {}

  /** A new private key drawn from {@code random}, which must be cryptographically strong. */
  public static byte[] generatePrivateKey(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    return new Ed25519PrivateKeyParameters(random).getEncoded();
  }

  /**
   * The public key of {@code privateKey}.
   *
   * @throws IllegalArgumentException if {@code privateKey} is not 32 bytes
   */
  public static byte[] publicKey(byte[] privateKey) {
    Ed25519PrivateKeyParameters p = Primitives.ed25519Private(privateKey);
    if (p == null) {
      throw new IllegalArgumentException(
          "Ed25519 private key must be 32 bytes, was "
              + (privateKey == null ? "null" : privateKey.length + " bytes"));
    }
    return p.generatePublicKey().getEncoded();
  }
}
