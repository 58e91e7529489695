package io.gossipkit.core.internal;

import io.gossipkit.api.Cancellable;
import io.gossipkit.api.Scheduler;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Internal: may change at any time. The production {@link Scheduler}: a node's single-threaded
 * executor, so timers run on the same thread as every other event of the node.
 */
public final class ExecutorScheduler implements Scheduler {
  private final ScheduledExecutorService executor;

  /** Schedules on {@code executor}, which must have exactly one thread. */
  public ExecutorScheduler(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    try {
      ScheduledFuture<?> f =
          executor.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException closing) {
      // The node is closing: the timer would never matter.
      return Cancellable.NONE;
    }
  }
}
