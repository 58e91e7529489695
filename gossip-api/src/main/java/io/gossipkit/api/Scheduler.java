package io.gossipkit.api;

/**
 * Runs tasks later on the node's single executor.
 *
 * <p>Every task scheduled by one node runs on the same thread as all of that node's other events,
 * so protocol state needs no locks. The simulator's scheduler runs tasks in virtual time; in its
 * synchronous-cycle mode a task scheduled with any positive delay runs in the next cycle.
 */
public interface Scheduler {
  /**
   * Runs {@code task} once, after at least {@code delayMillis}.
   *
   * @return a handle that cancels the task
   */
  Cancellable schedule(long delayMillis, Runnable task);
}
