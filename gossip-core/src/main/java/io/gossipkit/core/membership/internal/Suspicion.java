package io.gossipkit.core.membership.internal;

import io.gossipkit.api.Cancellable;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Scheduler;
import java.util.HashSet;
import java.util.Set;

/**
 * Internal: may change at any time. One suspicion of one member, with Lifeguard's shrinking
 * timeout (hashicorp/memberlist {@code suspicion.go}): it starts at {@code max} and, as each of
 * up to {@code k} other members independently confirms the suspicion, shrinks toward {@code min}
 * by {@code max - log(c + 1) / log(k + 1) * (max - min)}, so a suspicion many members share
 * ends sooner, while one member with a bad link cannot kill another quickly on its own.
 *
 * <p>Runs on the node's executor. Times are milliseconds on the node's clock.
 */
public final class Suspicion {
  private final int k;
  private final long min;
  private final long max;
  private final long start;
  private final Scheduler scheduler;
  private final Runnable onTimeout;
  private final Set<NodeId> confirmations = new HashSet<>();
  private Cancellable timer;
  private boolean done;

  /**
   * Starts a suspicion raised by {@code from}; {@code onTimeout} runs once it expires.
   *
   * @param k confirmations that bring the timeout down to {@code min}; below 1 it is {@code min}
   *     from the start
   */
  public Suspicion(NodeId from, int k, long min, long max, long now, Scheduler scheduler,
      Runnable onTimeout) {
    this.k = k;
    this.min = min;
    this.max = Math.max(min, max);
    this.start = now;
    this.scheduler = scheduler;
    this.onTimeout = onTimeout;
    confirmations.add(from);
    timer = scheduler.schedule(k < 1 ? min : this.max, this::fire);
  }

  /** The timeout after {@code confirmed} independent confirmations. */
  public static long timeout(int confirmed, int k, long min, long max) {
    if (k < 1) {
      return min;
    }
    double fraction = Math.log(confirmed + 1.0) / Math.log(k + 1.0);
    long t = (long) Math.floor(max - fraction * (max - min));
    return Math.max(min, t);
  }

  /**
   * Records a confirmation by {@code from}; returns true if it was new and shortened the timeout
   * (the confirmation is then worth spreading), false for a repeat or once {@code k} are in.
   */
  public boolean confirm(NodeId from, long now) {
    if (done || confirmations.size() - 1 >= k || !confirmations.add(from)) {
      return false;
    }
    long remaining = start + timeout(confirmations.size() - 1, k, min, max) - now;
    timer.cancel();
    timer = scheduler.schedule(Math.max(0, remaining), this::fire);
    return true;
  }

  /** Confirmations so far, the first suspecter excluded. */
  public int confirmations() {
    return confirmations.size() - 1;
  }

  /** Stops the timer: the member refuted, died or left by other news. */
  public void cancel() {
    done = true;
    timer.cancel();
  }

  private void fire() {
    if (!done) {
      done = true;
      onTimeout.run();
    }
  }
}
