package io.gossipkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded queue of sends awaiting acknowledgement behind direct mail. */
class RetryQueueTest {
  private final List<Long> resent = new ArrayList<>();

  private int retryDue(RetryQueue<String> q, long now, long nextDeadline) {
    return q.retryDue(now, nextDeadline, (id, item) -> resent.add(id));
  }

  @Test
  void fullQueueDropsTheOldestAndCountsIt() {
    RetryQueue<String> q = new RetryQueue<>(2, 3);

    assertTrue(q.add(1, "one", 100));
    assertTrue(q.add(2, "two", 100));
    assertFalse(q.add(3, "three", 100), "full: the oldest was dropped to make room");

    assertEquals(2, q.size());
    assertEquals(1, q.droppedFull());
    assertFalse(q.acknowledge(1, item -> true), "the oldest is gone");
    assertTrue(q.acknowledge(2, item -> true));
    assertTrue(q.acknowledge(3, item -> true));
    assertEquals(0, q.size());
    assertEquals(0, q.droppedExhausted());
  }

  @Test
  void acknowledgeRemovesOnlyTheAcknowledgedItem() {
    RetryQueue<String> q = new RetryQueue<>(8, 3);
    q.add(1, "one", 100);
    q.add(2, "two", 100);

    assertTrue(q.acknowledge(1, item -> true));
    assertFalse(q.acknowledge(1, item -> true), "acknowledging twice is harmless");
    assertFalse(q.acknowledge(99, item -> true), "an unknown id is ignored");
    assertEquals(1, q.size());

    assertEquals(0, retryDue(q, 100, 200));
    assertEquals(List.of(2L), resent, "only the unacknowledged item is retried");
  }

  @Test
  void anAcknowledgementTheItemDoesNotAcceptCancelsNothing() {
    RetryQueue<String> q = new RetryQueue<>(8, 3);
    q.add(1, "to-b", 100);

    assertFalse(q.acknowledge(1, "to-c"::equals), "acknowledged by someone it was not sent to");
    assertEquals(1, q.size());
    assertEquals(0, retryDue(q, 100, 200));
    assertEquals(List.of(1L), resent, "still retried");
    assertTrue(q.acknowledge(1, "to-b"::equals));
    assertEquals(0, q.size());
  }

  @Test
  void emptyQueueAnswersEverything() {
    RetryQueue<String> q = new RetryQueue<>(1, 1);

    assertEquals(0, q.size());
    assertFalse(q.acknowledge(1, item -> true));
    assertEquals(0, retryDue(q, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(List.of(), resent);
  }

  @Test
  void retryDueResendsOnlyItemsWhoseDeadlinePassed() {
    RetryQueue<String> q = new RetryQueue<>(8, 3);
    q.add(1, "early", 100);
    q.add(2, "late", 200);

    retryDue(q, 99, 300);
    assertEquals(List.of(), resent, "nothing due yet");

    retryDue(q, 100, 300);
    assertEquals(List.of(1L), resent, "due exactly at its deadline");

    retryDue(q, 150, 300);
    assertEquals(List.of(1L), resent, "item 1 now waits for its new deadline");

    retryDue(q, 300, 400);
    assertEquals(List.of(1L, 1L, 2L), resent, "both due: retried oldest first");
    assertEquals(2, q.size());
  }

  @Test
  void dropsAfterMaxRetriesAndCountsIt() {
    int maxRetries = 2;
    RetryQueue<String> q = new RetryQueue<>(8, maxRetries);
    q.add(7, "mail", 10);

    int dropped = 0;
    for (long now = 10; now <= 100 && q.size() > 0; now += 10) {
      dropped += retryDue(q, now, now + 10);
    }

    assertEquals(List.of(7L, 7L), resent, "sent once, then retried maxRetries times");
    assertEquals(1, dropped);
    assertEquals(1, q.droppedExhausted());
    assertEquals(0, q.size());
    assertEquals(0, q.droppedFull());
  }

  @Test
  void withZeroRetriesTheFirstDeadlineDrops() {
    RetryQueue<String> q = new RetryQueue<>(8, 0);
    q.add(1, "mail", 10);

    assertEquals(1, retryDue(q, 10, 20));
    assertEquals(List.of(), resent);
    assertEquals(0, q.size());
  }

  @Test
  void sizeReturnsToZeroAndTheQueueIsReusable() {
    RetryQueue<String> q = new RetryQueue<>(4, 1);
    q.add(1, "a", 10);
    q.add(2, "b", 10);
    q.acknowledge(1, item -> true);
    retryDue(q, 10, 20);
    retryDue(q, 20, 30);
    assertEquals(0, q.size());

    assertTrue(q.add(3, "c", 40));
    assertEquals(1, q.size());
    assertTrue(q.acknowledge(3, item -> true));
    assertEquals(0, q.size());
    assertEquals(1, q.droppedExhausted());
    assertEquals(0, q.droppedFull());
  }
}
