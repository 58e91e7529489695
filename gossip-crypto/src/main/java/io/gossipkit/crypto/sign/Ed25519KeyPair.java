package io.gossipkit.crypto.sign;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * A node's signing key pair: the private key it signs its writes with, and the public key every
 * other node checks them with (published in the {@link SigningKeyDirectory}).
 *
 * <pre>{@code
 * Ed25519KeyPair pair = Ed25519KeyPair.generate();
 * String directoryLine = "a " + pair.publicKey().toBase64();
 * byte[] secret = pair.privateKey().encoded();   // store it where only node a can read it
 * }</pre>
 */
public final class Ed25519KeyPair {
  private final Ed25519PrivateKey privateKey;

  private Ed25519KeyPair(Ed25519PrivateKey privateKey) {
    this.privateKey = privateKey;
  }

  /** A fresh key pair from a new {@link SecureRandom}. */
  public static Ed25519KeyPair generate() {
    return generate(new SecureRandom());
  }

  /**
   * A fresh key pair from {@code random}. Tests may pass a seeded generator for reproducible
   * keys; production code should use {@link #generate()}.
   */
  public static Ed25519KeyPair generate(SecureRandom random) {
    return new Ed25519KeyPair(Ed25519PrivateKey.generate(Objects.requireNonNull(random, "random")));
  }

  /** The key pair of {@code privateKey}. */
  public static Ed25519KeyPair of(Ed25519PrivateKey privateKey) {
    return new Ed25519KeyPair(Objects.requireNonNull(privateKey, "privateKey"));
  }

  /** The private key: keep it on its node, secret. */
  public Ed25519PrivateKey privateKey() {
    return privateKey;
  }

  /** The public key: publish it to every node. */
  public Ed25519PublicKey publicKey() {
    return privateKey.publicKey();
  }

  /** Redacted: the public key's fingerprint only. */
  @Override
  public String toString() {
    return "Ed25519KeyPair[public " + publicKey().fingerprint() + "]";
  }
}
