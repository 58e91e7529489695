package io.gossipkit.api;

/** A handle to a scheduled task. */
@FunctionalInterface
public interface Cancellable {
  /** A handle whose cancel does nothing, for tasks that already ran or never will. */
  Cancellable NONE = () -> { };

  /** Cancels the task if it has not run yet; idempotent. */
  void cancel();
}
