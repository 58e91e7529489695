package io.gossipkit.api;

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

  /**
   * Seals {@code plaintext}, binding {@code associatedData}. The result may be {@code plaintext}
   * itself (as for {@link #plaintext()}): the caller hands the array over and does not change it
   * afterwards.
   */
  byte[] seal(byte[] plaintext, byte[] associatedData);

  /**
   * Opens a sealed packet. The result may be {@code packet} itself, or share its bytes (as for
   * {@link #plaintext()}).
   *
   * @throws AuthenticationException if the packet is forged, altered, replayed or under an unknown
   *     key
   */
  byte[] open(byte[] packet, byte[] associatedData) throws AuthenticationException;

  /** Bytes {@link #seal} adds to a plaintext. */
  int overheadBytes();

  /**
   * No protection at all: packets travel as they are, not even copied (a transport that seals
   * every frame itself, such as TCP's authenticated session, makes a second cipher pointless).
   * Only for tests, trusted networks and such transports, and only when chosen explicitly.
   */
  static PacketProtector plaintext() {
    return new PacketProtector() {
      @Override
      public String name() {
        return "plaintext";
      }

      @Override
      public byte[] seal(byte[] plaintext, byte[] associatedData) {
        return plaintext;
      }

      @Override
      public byte[] open(byte[] packet, byte[] associatedData) {
        return packet;
      }

      @Override
      public int overheadBytes() {
        return 0;
      }
    };
  }
}
