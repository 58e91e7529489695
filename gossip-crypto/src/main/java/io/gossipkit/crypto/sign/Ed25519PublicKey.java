package io.gossipkit.crypto.sign;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * An Ed25519 public key (RFC 8032): the 32 bytes that let anyone check a node's signatures.
 *
 * <p>Only valid keys exist: the bytes must decode to a point of the curve that is not of small
 * order, as BouncyCastle checks when the key is made; so a directory can never hold a key under
 * which a forged signature would verify. Immutable and thread-safe. Public keys are not secret,
 * yet {@link #toString()} shows only a fingerprint, so logs never carry key material.
 */
public final class Ed25519PublicKey {
  /** Length of an encoded public key. */
  public static final int BYTES = Ed25519PublicKeyParameters.KEY_SIZE;

  private final byte[] encoded;
  private final Ed25519PublicKeyParameters params;

  private Ed25519PublicKey(byte[] encoded, Ed25519PublicKeyParameters params) {
    this.encoded = encoded;
    this.params = params;
  }

  /**
   * The public key encoded as {@code encoded} (copied).
   *
   * @throws IllegalArgumentException if it is not {@value #BYTES} bytes or not a valid key
   */
  public static Ed25519PublicKey of(byte[] encoded) {
    Objects.requireNonNull(encoded, "encoded");
    if (encoded.length != BYTES) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is " + BYTES + " bytes, not " + encoded.length);
    }
    byte[] copy = encoded.clone();
    try {
      return new Ed25519PublicKey(copy, new Ed25519PublicKeyParameters(copy, 0));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a valid Ed25519 public key", e);
    }
  }

  /**
   * The public key whose standard Base64 (RFC 4648, padding optional) is {@code base64}.
   *
   * @throws IllegalArgumentException if the text is not Base64 of a valid key
   */
  public static Ed25519PublicKey fromBase64(String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(Objects.requireNonNull(base64, "base64"));
    } catch (IllegalArgumentException e) {
      // Not e's message: it may quote the offending characters.
      throw new IllegalArgumentException("an Ed25519 public key must be standard Base64");
    }
    return of(bytes);
  }

  static Ed25519PublicKey of(Ed25519PublicKeyParameters params) {
    return new Ed25519PublicKey(params.getEncoded(), params);
  }

  /** A copy of the {@value #BYTES} encoded bytes. */
  public byte[] encoded() {
    return encoded.clone();
  }

  /** The key in standard Base64 with padding: 44 characters, as key directory files hold it. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(encoded);
  }

  /**
   * A short name for this key, for comparing keys by eye: the first 8 bytes of its SHA-256, in
   * hex. Not a security check: compare {@link #encoded()} for that.
   */
  public String fingerprint() {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(encoded);
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The BouncyCastle form, for this package's verifier. */
  Ed25519PublicKeyParameters params() {
    return params;
  }

  /** True if {@code o} is the same key. */
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof Ed25519PublicKey
            && Arrays.equals(((Ed25519PublicKey) o).encoded, encoded));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  /** {@code Ed25519PublicKey[<fingerprint>]}: never the key itself. */
  @Override
  public String toString() {
    return "Ed25519PublicKey[" + fingerprint() + "]";
  }
}
