package io.gossipkit.crypto;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The authenticated ciphers a {@link PacketProtectors} protector can seal with, each with the name
 * used in configuration and key files and the one-byte id written in every packet header.
 *
 * <p>All take the same 32-byte keyring keys and use 128-bit tags; each packet's cipher key is
 * derived from the keyring key ({@link #cipherKeyBytes()} long). The ids are part of the wire
 * format and never change meaning. {@code docs/security.md} says which to choose and why.
 */
public enum AeadAlgorithm {
  /** AES-256 in Galois/Counter mode (NIST SP 800-38D), 96-bit nonce. Fast with AES-NI. */
  AES_256_GCM("aes-256-gcm", 1, 12, 32),
  /** ChaCha20-Poly1305 as in RFC 8439, 96-bit nonce. Fast without AES hardware. */
  CHACHA20_POLY1305("chacha20-poly1305", 2, 12, 32),
  /**
   * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): HChaCha20 derives a subkey from the first 128
   * bits of a 192-bit nonce, then ChaCha20-Poly1305 runs under it.
   */
  XCHACHA20_POLY1305("xchacha20-poly1305", 3, 24, 32),
  /**
   * AES-128 in Galois/Counter mode, 96-bit nonce: four fewer AES rounds than AES-256 per block,
   * the fastest here with AES-NI, and the default ({@link PacketProtectors#DEFAULT_ALGORITHM}).
   */
  AES_128_GCM("aes-128-gcm", 4, 12, 16);

  private final String wireName;
  private final int id;
  private final int nonceBytes;
  private final int cipherKeyBytes;

  AeadAlgorithm(String wireName, int id, int nonceBytes, int cipherKeyBytes) {
    this.wireName = wireName;
    this.id = id;
    this.nonceBytes = nonceBytes;
    this.cipherKeyBytes = cipherKeyBytes;
  }

  /** The configuration name, such as {@code "aes-256-gcm"}. */
  public String wireName() {
    return wireName;
  }

  /** The id byte written in the packet header. */
  public int id() {
    return id;
  }

  /** Length of the cipher's nonce in bytes. */
  public int nonceBytes() {
    return nonceBytes;
  }

  /**
   * Length in bytes of the key the cipher runs under, derived per session from the 32-byte keyring
   * key: 16 for AES-128-GCM, 32 for the others.
   */
  public int cipherKeyBytes() {
    return cipherKeyBytes;
  }

  /**
   * The algorithm called {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the known algorithms if there is none
   */
  public static AeadAlgorithm byName(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (AeadAlgorithm a : values()) {
      if (a.wireName.equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown algorithm '" + name + "': expected one of "
        + names());
  }

  /** Every algorithm's wire name, comma-separated: for messages. */
  public static String names() {
    return Arrays.stream(values()).map(AeadAlgorithm::wireName).collect(Collectors.joining(", "));
  }

  /** The algorithm with header id {@code id}, or {@code null}. */
  public static AeadAlgorithm byId(int id) {
    for (AeadAlgorithm a : values()) {
      if (a.id == id) {
        return a;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
