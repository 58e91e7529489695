package io.gossipkit.core.internal;

import io.gossipkit.api.Cancellable;
import io.gossipkit.api.Scheduler;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Internal: may change at any time. The production {@link Scheduler}: a node's single-threaded
 * executor, so timers run on the same thread as every other event of the node.
 */
public final class ExecutorScheduler implements Scheduler {
  private final ScheduledExecutorService executor;
  private final Consumer<RuntimeException> onFailure;

  /**
   * Schedules on {@code executor}, which must have exactly one thread, and hands what a task
   * throws to {@code onFailure}: a scheduled executor keeps a task's exception in its future,
   * which nobody reads, so without this a failing timer would vanish without a trace.
   */
  public ExecutorScheduler(
      ScheduledExecutorService executor, Consumer<RuntimeException> onFailure) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    try {
      ScheduledFuture<?> f =
          executor.schedule(() -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              onFailure.accept(e);
            }
          }, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException closing) {
      // The node is closing: the timer would never matter.
      return Cancellable.NONE;
    }
  }
}
