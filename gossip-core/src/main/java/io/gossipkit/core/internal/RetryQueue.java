package io.gossipkit.core.internal;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Internal: may change at any time. A bounded queue of sends awaiting acknowledgement, retried
 * on a deadline and dropped, counted, after a maximum number of attempts or when the queue is
 * full. Nothing leaves it silently.
 *
 * @param <T> what is retried
 */
public final class RetryQueue<T> {
  /** One pending item. */
  private static final class Pending<T> {
    final long id;
    final T item;
    int attempts;
    long deadline;

    Pending(long id, T item, long deadline) {
      this.id = id;
      this.item = item;
      this.attempts = 1;
      this.deadline = deadline;
    }
  }

  private final int capacity;
  private final int maxRetries;
  private ArrayDeque<Pending<T>> queue;
  private long droppedFull;
  private long droppedExhausted;

  /** A queue of at most {@code capacity} items, each retried at most {@code maxRetries} times. */
  public RetryQueue(int capacity, int maxRetries) {
    this.capacity = capacity;
    this.maxRetries = maxRetries;
  }

  /**
   * Adds an item sent once already, due for retry at {@code deadline}.
   *
   * @return false if the queue was full and the oldest item was dropped to make room
   */
  public boolean add(long id, T item, long deadline) {
    if (queue == null) {
      queue = new ArrayDeque<>(4);
    }
    boolean dropped = false;
    if (queue.size() >= capacity) {
      queue.pollFirst();
      droppedFull++;
      dropped = true;
    }
    queue.addLast(new Pending<>(id, item, deadline));
    return !dropped;
  }

  /**
   * Removes the item with {@code id} if {@code acknowledgedBy} accepts it: it was acknowledged by
   * the one it was sent to. An acknowledgement from anyone else changes nothing (ids are
   * guessable, and one write's items to several peers have neighbouring ids).
   *
   * @return true if an item was removed
   */
  public boolean acknowledge(long id, Predicate<? super T> acknowledgedBy) {
    if (queue == null) {
      return false;
    }
    for (Iterator<Pending<T>> it = queue.iterator(); it.hasNext(); ) {
      Pending<T> p = it.next();
      if (p.id == id) {
        if (!acknowledgedBy.test(p.item)) {
          return false;
        }
        it.remove();
        release();
        return true;
      }
    }
    return false;
  }

  /**
   * Resends every item whose deadline passed, via {@code resend(id, item)}, and drops the ones out
   * of attempts.
   *
   * @return how many were dropped for running out of attempts
   */
  public int retryDue(long now, long nextDeadline, BiConsumer<Long, T> resend) {
    if (queue == null) {
      return 0;
    }
    int exhausted = 0;
    for (Iterator<Pending<T>> it = queue.iterator(); it.hasNext(); ) {
      Pending<T> p = it.next();
      if (p.deadline > now) {
        continue;
      }
      if (p.attempts > maxRetries) {
        it.remove();
        exhausted++;
        continue;
      }
      p.attempts++;
      p.deadline = nextDeadline;
      resend.accept(p.id, p.item);
    }
    droppedExhausted += exhausted;
    release();
    return exhausted;
  }

  private void release() {
    if (queue != null && queue.isEmpty()) {
      queue = null;
    }
  }

  /** Items pending. */
  public int size() {
    return queue == null ? 0 : queue.size();
  }

  /** Items dropped because the queue was full. */
  public long droppedFull() {
    return droppedFull;
  }

  /** Items dropped after their last attempt. */
  public long droppedExhausted() {
    return droppedExhausted;
  }
}
