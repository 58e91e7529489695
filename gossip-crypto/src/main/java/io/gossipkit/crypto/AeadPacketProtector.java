package io.gossipkit.crypto;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.PacketProtector;

/**
 * An encrypting {@link PacketProtector} from {@link PacketProtectors}, with its counters and an
 * {@link #openPacket} that also returns the sealed sender id and timestamp.
 *
 * <p>One instance per node: it seals under a random session of its own and never opens its own
 * packets (a packet reflected back to its sender is refused as a replay). Thread-safe.
 */
public interface AeadPacketProtector extends PacketProtector {
  /** The cipher. */
  AeadAlgorithm algorithm();

  /** Packets sealed, opened and refused, by reason. */
  ProtectorMetrics metrics();

  /** The receive-side limits this protector enforces. */
  ReplayPolicy policy();

  /**
   * Opens {@code packet} like {@link #open} and returns the sender id and timestamp sealed in it.
   *
   * @throws AuthenticationException as {@link #open} does
   */
  OpenedPacket openPacket(byte[] packet, byte[] associatedData) throws AuthenticationException;

  /**
   * The most {@link #seal} adds to any plaintext, for any sender: {@value
   * PacketProtectors#FIXED_OVERHEAD_BYTES} bytes plus the sender id's UTF-8 length, which is at
   * most 255, so a receiver can bound packets from senders with longer ids than its own.
   */
  @Override
  int overheadBytes();
}
