package io.gossipkit.api;

import java.util.Arrays;

/**
 * Seals outgoing packets and opens incoming ones: authenticated encryption before any parsing.
 *
 * <p>{@link #open} MUST reject, with an {@link AuthenticationException} and nothing else, any
 * packet not sealed by a holder of an installed key under the same associated data (the cluster
 * label). Implementations are thread-safe. Encrypting implementations live in gossip-crypto; the
 * only one here is {@link #plaintext()}, which must be chosen by name and is never a default.
 */
public interface PacketProtector {
  /** A short name for logs and configuration, such as {@code "aes-256-gcm"}. */
  String name();

  /** Seals {@code plaintext}, binding {@code associatedData}. */
  byte[] seal(byte[] plaintext, byte[] associatedData);

  /**
   * Opens a sealed packet.
   *
   * @throws AuthenticationException if the packet is forged, altered, replayed or under an unknown
   *     key
   */
  byte[] open(byte[] packet, byte[] associatedData) throws AuthenticationException;

  /** Bytes {@link #seal} adds to a plaintext. */
  int overheadBytes();

  /**
   * No protection at all: packets travel as they are. Only for tests and trusted networks, and
   * only when chosen explicitly.
   */
  static PacketProtector plaintext() {
    return new PacketProtector() {
      @Override
      public String name() {
        return "plaintext";
      }

      @Override
      public byte[] seal(byte[] plaintext, byte[] associatedData) {
        return plaintext.clone();
      }

      @Override
      public byte[] open(byte[] packet, byte[] associatedData) {
        return Arrays.copyOf(packet, packet.length);
      }

      @Override
      public int overheadBytes() {
        return 0;
      }
    };
  }
}
