package io.gossipkit.testkit.sim;

/** How simulated time advances. */
public enum Timing {
  /**
   * Synchronous cycles with the semantics of Demers et al.: every active node acts once per
   * cycle, in a fresh random order; messages are delivered within the cycle; a node that learns
   * something in a cycle acts on it from the next cycle. Nodes with nothing to do are not visited.
   */
  CYCLES,
  /**
   * Asynchronous: every node has its own jittered round timer and every message its own latency,
   * drawn from the {@link NetworkModel}; events run in virtual-time order.
   */
  ASYNC
}
