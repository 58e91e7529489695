package io.gossipkit.crypto.sign;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * An Ed25519 private key (RFC 8032): the 32-byte secret with which one node signs its writes.
 *
 * <p>Each node has its own; it never leaves the node and is never logged: {@link #toString()} is
 * redacted, and only {@link #encoded()} reveals it, for storing it. Immutable and thread-safe.
 * Made by {@link Ed25519KeyPair#generate()} or read back with {@link #of(byte[])}.
 */
public final class Ed25519PrivateKey {
  /** Length of an encoded private key (the RFC 8032 seed). */
  public static final int BYTES = Ed25519PrivateKeyParameters.KEY_SIZE;

  private final Ed25519PrivateKeyParameters params;
  private final Ed25519PublicKey publicKey;

  private Ed25519PrivateKey(Ed25519PrivateKeyParameters params) {
    this.params = params;
    // Derived once: signing needs it every time, and deriving costs a scalar multiplication.
    this.publicKey = Ed25519PublicKey.of(params.generatePublicKey());
  }

  /**
   * The private key whose {@value #BYTES}-byte encoding (the seed) is {@code encoded}; the array
   * is not kept.
   *
   * @throws IllegalArgumentException if it is not {@value #BYTES} bytes
   */
  public static Ed25519PrivateKey of(byte[] encoded) {
    Objects.requireNonNull(encoded, "encoded");
    if (encoded.length != BYTES) {
      throw new IllegalArgumentException(
          "an Ed25519 private key is " + BYTES + " bytes, not " + encoded.length);
    }
    return new Ed25519PrivateKey(new Ed25519PrivateKeyParameters(encoded, 0));
  }

  /**
   * The private key whose standard Base64 is {@code base64}.
   *
   * @throws IllegalArgumentException if the text is not Base64 of {@value #BYTES} bytes; the
   *     message never quotes the text
   */
  public static Ed25519PrivateKey fromBase64(String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(Objects.requireNonNull(base64, "base64"));
    } catch (IllegalArgumentException e) {
      // Deliberately without e as the cause: its message may quote characters of the secret.
      throw new IllegalArgumentException("an Ed25519 private key must be standard Base64");
    }
    return of(bytes);
  }

  /** A fresh key from {@code random}. */
  static Ed25519PrivateKey generate(SecureRandom random) {
    return new Ed25519PrivateKey(new Ed25519PrivateKeyParameters(random));
  }

  /** The matching public key, which others use to check this key's signatures. */
  public Ed25519PublicKey publicKey() {
    return publicKey;
  }

  /** A copy of the {@value #BYTES}-byte secret, for storing it. Handle it as the key itself. */
  public byte[] encoded() {
    return params.getEncoded();
  }

  /** The BouncyCastle form, for this package's signer. */
  Ed25519PrivateKeyParameters params() {
    return params;
  }

  /** Redacted: names the public key's fingerprint, never the secret. */
  @Override
  public String toString() {
    return "Ed25519PrivateKey[redacted, public " + publicKey.fingerprint() + "]";
  }
}
