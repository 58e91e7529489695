package io.gossipkit.core;

import io.gossipkit.api.Entry;

/**
 * Watches every change an engine applies to its replica. One observer may serve many engines (a
 * simulator's metrics), so it receives the engine.
 *
 * <p>Called on the engine's executor; must not block.
 */
@FunctionalInterface
public interface EngineObserver {
  /**
   * One key changed on {@code engine}.
   *
   * @param previous the entry before, or null if the key was new
   * @param current the entry now
   * @param local true for a write made on this node, false for one received
   */
  void onChange(GossipEngine engine, Entry previous, Entry current, boolean local);
}
