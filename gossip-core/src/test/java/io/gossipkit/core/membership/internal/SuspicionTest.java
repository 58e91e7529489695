package io.gossipkit.core.membership.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.Scheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lifeguard's suspicion timeout: from max down to min as independent confirmations arrive. */
class SuspicionTest {
  /** Timers recorded with their absolute due time; cancelled ones are marked. */
  static final class Timers implements Scheduler {
    long now;
    final List<long[]> due = new ArrayList<>(); // {at, cancelled}
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public io.gossipkit.api.Cancellable schedule(long delayMillis, Runnable task) {
      long[] t = {now + delayMillis, 0};
      due.add(t);
      tasks.add(task);
      return () -> t[1] = 1;
    }

    long pendingAt() {
      for (long[] t : due) {
        if (t[1] == 0) {
          return t[0];
        }
      }
      return -1;
    }
  }

  @Test
  void timeoutFormulaMatchesMemberlist() {
    // memberlist suspicion_test.go: k = 3, min 2 s, max 30 s.
    assertEquals(30_000, Suspicion.timeout(0, 3, 2_000, 30_000));
    assertEquals(16_000, Suspicion.timeout(1, 3, 2_000, 30_000));
    assertEquals(7_810, Suspicion.timeout(2, 3, 2_000, 30_000));
    assertEquals(2_000, Suspicion.timeout(3, 3, 2_000, 30_000));
    assertEquals(2_000, Suspicion.timeout(0, 0, 2_000, 30_000), "k < 1 means min at once");
  }

  @Test
  void confirmationsShortenTheTimerButRepeatsAndTheSuspecterDoNot() {
    Timers timers = new Timers();
    boolean[] fired = {false};
    Suspicion s = new Suspicion(NodeId.of("a"), 2, 4_000, 24_000, 0, timers,
        () -> fired[0] = true);
    assertEquals(24_000, timers.pendingAt());
    timers.now = 1_000;
    assertFalse(s.confirm(NodeId.of("a"), timers.now), "the first suspecter is no confirmation");
    assertTrue(s.confirm(NodeId.of("b"), timers.now));
    assertFalse(s.confirm(NodeId.of("b"), timers.now), "a repeat is no confirmation");
    long afterOne = timers.pendingAt();
    assertTrue(afterOne < 24_000 && afterOne > 4_000, "after one: " + afterOne);
    assertTrue(s.confirm(NodeId.of("c"), timers.now));
    assertEquals(4_000, timers.pendingAt(), "k confirmations bring it to min from the start");
    assertFalse(s.confirm(NodeId.of("d"), timers.now), "no more than k count");
    assertEquals(2, s.confirmations());
    s.cancel();
    assertEquals(-1, timers.pendingAt());
    timers.tasks.forEach(Runnable::run);
    assertFalse(fired[0], "a cancelled suspicion never fires");
  }
}
