package io.gossipkit.api;

/**
 * Told of every change to a node's replica, local or remote.
 *
 * <p>Called on the node's executor: it must return quickly and must not block.
 */
@FunctionalInterface
public interface ChangeListener {
  /**
   * One key changed.
   *
   * @param previous the entry before, or null if the key was new
   * @param current the entry now (a tombstone if the key was deleted)
   */
  void onChange(Entry previous, Entry current);
}
