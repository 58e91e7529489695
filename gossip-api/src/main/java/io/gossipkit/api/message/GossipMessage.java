package io.gossipkit.api.message;

/**
 * A protocol message between two nodes.
 *
 * <p>Implementations are immutable records. {@link #entryCount()} tells how many update payloads
 * (entries) the message carries, which is what the literature calls traffic.
 */
public interface GossipMessage {
  /** Number of entries (update payloads) this message carries. */
  default int entryCount() {
    return 0;
  }
}
