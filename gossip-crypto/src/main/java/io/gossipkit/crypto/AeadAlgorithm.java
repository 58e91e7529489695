package io.gossipkit.crypto;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The authenticated ciphers a {@link PacketProtectors} protector can seal with, each with the name
 * used in configuration and key files and the one-byte id written in every packet header.
 *
 * <p>All three use 256-bit keys and 128-bit tags. The ids are part of the wire format and never
 * change meaning.
 */
public enum AeadAlgorithm {
  /** AES-256 in Galois/Counter mode (NIST SP 800-38D), 96-bit nonce. Fast with AES-NI. */
  AES_256_GCM("aes-256-gcm", 1, 12),
  /** ChaCha20-Poly1305 as in RFC 8439, 96-bit nonce. Fast without AES hardware. */
  CHACHA20_POLY1305("chacha20-poly1305", 2, 12),
  /**
   * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): HChaCha20 derives a subkey from the first 128
   * bits of a 192-bit nonce, then ChaCha20-Poly1305 runs under it.
   */
  XCHACHA20_POLY1305("xchacha20-poly1305", 3, 24);

  private final String wireName;
  private final int id;
  private final int nonceBytes;

  AeadAlgorithm(String wireName, int id, int nonceBytes) {
    this.wireName = wireName;
    this.id = id;
    this.nonceBytes = nonceBytes;
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
        + Arrays.stream(values()).map(AeadAlgorithm::wireName).collect(Collectors.joining(", ")));
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
