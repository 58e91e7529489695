package io.gossipkit.api;

import io.gossipkit.api.message.GossipMessage;

/**
 * What the engine offers a {@link DisseminationStrategy}: identity, peers, the replica, sending,
 * time and randomness.
 *
 * <p>Every method runs on, and must be called from, the node's executor.
 */
public interface GossipContext {
  /** This node's id. */
  NodeId self();

  /** The peers this node may gossip with. */
  PeerView peers();

  /** This node's replica. */
  ReplicaStore store();

  /**
   * Merges {@code entry} into the replica through the merge policy.
   *
   * @return true if the replica changed (the entry was new or won the merge)
   */
  boolean apply(Entry entry);

  /** Sends {@code message} to {@code to}; delivery is not guaranteed (datagram semantics). */
  void send(NodeId to, GossipMessage message);

  /**
   * Sends at once what this node has queued for its peers during the current event, instead of
   * when the event ends. For a request a peer waits for while this node goes on working: range
   * sync asks for a stream's next batch and only then applies the chunk it got, so the sender
   * builds the next batch meanwhile (the request would otherwise wait behind the whole apply).
   * Only timing changes: messages leave at the end of every event anyway. The default does
   * nothing.
   */
  default void flush() {}

  /** Milliseconds on the node's clock. */
  long now();

  /** The node's random source. */
  RandomSource random();

  /** The node's configuration. */
  GossipConfig config();

  /**
   * Largest encoded message, in bytes, that reaches a peer intact over this node's transport: the
   * transport's payload less the packet protector's and envelope's overhead, and at most the
   * configuration's {@link GossipConfig#maxMessageBytes()}. A strategy that sends much splits it
   * into messages of at most this size. The default is {@code maxMessageBytes}.
   */
  default int messageBudget() {
    return config().maxMessageBytes();
  }

  /** Adds {@code delta} to the node's counter {@code name} (see {@link NodeMetrics}). */
  void count(String name, long delta);

  /**
   * Tells the engine the strategy may have gained work: if it is no longer idle, a round is armed
   * for the next gossip interval. Strategies call it after a change that makes
   * {@link DisseminationStrategy#isIdle()} false, since an idle node has no round armed.
   */
  void wake();
}
