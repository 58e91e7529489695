package io.gossipkit.api;

/**
 * Judges whether a member is alive from the evidence the membership protocol feeds it.
 *
 * <p>Runs on the node's executor; times come from the node's {@link Clock}. Implementations:
 * SWIM-style probing with suspicion, or phi accrual over heartbeat arrival times.
 */
public interface FailureDetector {
  /** Records that {@code member} was heard from at {@code nowMillis}. */
  void heartbeat(NodeId member, long nowMillis);

  /** True if {@code member} should still be considered alive at {@code nowMillis}. */
  boolean isAvailable(NodeId member, long nowMillis);

  /** Forgets {@code member}, which left or was removed. */
  void remove(NodeId member);
}
