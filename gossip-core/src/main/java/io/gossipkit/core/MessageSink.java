package io.gossipkit.core;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.GossipMessage;

/**
 * Where an engine's outgoing messages go: the wire layer in production (codec, packet protector,
 * transport), the simulated network in the testkit.
 *
 * <p>Called on the engine's executor; must not block.
 */
@FunctionalInterface
public interface MessageSink {
  /** Sends {@code message} from {@code from} to {@code to}; best effort, like a datagram. */
  void send(NodeId from, NodeId to, GossipMessage message);

  /**
   * Sends at once what {@link #send} has queued, if it queues anything (see {@link
   * io.gossipkit.api.GossipContext#flush}); the default does nothing.
   */
  default void flush() {}
}
