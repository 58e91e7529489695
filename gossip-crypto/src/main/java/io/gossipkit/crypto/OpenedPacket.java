package io.gossipkit.crypto;

import io.gossipkit.api.NodeId;

/**
 * An opened packet with what its sealed part says about its sender: the node id and clock
 * reading the sender sealed into it.
 *
 * <p>Both are as authentic as the key: any holder of the cluster key can claim any id (see {@code
 * docs/security.md}); origin signatures, not the packet layer, prove who wrote an update.
 */
public final class OpenedPacket {
  private final NodeId sender;
  private final long sentAtMillis;
  private final byte[] payload;

  /** A packet from {@code sender}, sealed at {@code sentAtMillis}, carrying {@code payload}. */
  public OpenedPacket(NodeId sender, long sentAtMillis, byte[] payload) {
    this.sender = sender;
    this.sentAtMillis = sentAtMillis;
    this.payload = payload;
  }

  /** The node id the sender sealed in. */
  public NodeId sender() {
    return sender;
  }

  /** The sender's clock when it sealed the packet, milliseconds since the epoch. */
  public long sentAtMillis() {
    return sentAtMillis;
  }

  /** The plaintext (the caller's copy; not shared). */
  public byte[] payload() {
    return payload;
  }

  @Override
  public String toString() {
    return "OpenedPacket[sender=" + sender + ", sentAtMillis=" + sentAtMillis + ", "
        + payload.length + " bytes]";
  }
}
