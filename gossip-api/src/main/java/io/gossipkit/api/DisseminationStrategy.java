package io.gossipkit.api;

import io.gossipkit.api.message.GossipMessage;

/**
 * Decides what one node sends: on each gossip round, on each local write and on each message.
 *
 * <p>One instance serves one node and is called only on that node's executor, so it may keep
 * state without locks; it must not block, sleep, read the wall clock or create threads (use the
 * {@link GossipContext}). A strategy ignores message types it does not know, so strategies compose.
 * {@link #isIdle()} lets the engine, and the simulator, skip rounds in which the strategy has
 * nothing to do; a strategy that gains work calls {@link GossipContext#wake()}.
 *
 * <p>Built-in strategies come from {@code io.gossipkit.core.Strategies}; the testkit's
 * {@code DisseminationStrategyContract} checks a custom one.
 */
public interface DisseminationStrategy {
  /** Called once per gossip round while the strategy is not idle. */
  void onRound(GossipContext ctx);

  /** Called after a local write was applied to this node's replica. */
  void onLocalUpdate(GossipContext ctx, Entry entry);

  /** Called for every message received; unknown message types are ignored. */
  void onMessage(GossipContext ctx, NodeId from, GossipMessage message);

  /** True if {@link #onRound} would do nothing now. The default, false, means always active. */
  default boolean isIdle() {
    return false;
  }

  /**
   * True if the strategy holds nothing it still means to spread: no hot rumor, no unacknowledged
   * mail. A strategy may be quiescent yet not idle (pull rumor mongering keeps asking), and a
   * periodic strategy without backlog (anti-entropy) is always quiescent. Simulators use it to
   * tell when a run has ended. An idle strategy MUST be quiescent. The default is
   * {@link #isIdle()}.
   */
  default boolean isQuiescent() {
    return isIdle();
  }
}
