package io.gossipkit.api;

/**
 * Judges whether a member is alive from heartbeats: a node with a static member list calls
 * {@link #heartbeat} for every authenticated message a member sends it, and stops gossiping with
 * a member while {@link #isAvailable} is false (gossip-core's {@code
 * GossipNodes.Builder.failureDetector}). SWIM membership probes members itself and uses no
 * detector.
 *
 * <p>Runs on the node's executor, one thread; times come from the node's {@link Clock}. The
 * built-in implementation is gossip-core's {@code PhiAccrualFailureDetector}; every
 * implementation must pass gossip-testkit's {@code FailureDetectorContract} (docs/contracts.md,
 * rules R7.x): a member never heard from is available, one heard from regularly stays available,
 * one that falls silent becomes unavailable, and a heartbeat takes it back.
 */
public interface FailureDetector {
  /** Records that {@code member} was heard from at {@code nowMillis}. */
  void heartbeat(NodeId member, long nowMillis);

  /** True if {@code member} should still be considered alive at {@code nowMillis}. */
  boolean isAvailable(NodeId member, long nowMillis);

  /** Forgets {@code member}, which left or was removed. */
  void remove(NodeId member);
}
