package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.Cancellable;
import io.gossipkit.api.Clock;
import io.gossipkit.api.Scheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Scheduler} must pass: rules R9.1 to R9.6 of {@code
 * docs/contracts.md}. A node's timers (gossip rounds, probes, retries) are scheduler tasks that run
 * on the node's single thread, so a scheduler must run each task once and not before its delay,
 * in due-time order, never after it was cancelled, also when scheduled from another task, and
 * never two at once.
 *
 * <p>The implementer supplies three things: the scheduler ({@link #newScheduler()}, once per
 * rule), the {@link #clock()} its delays are measured against, and {@link #runFor(long)}, which
 * lets time pass: a real scheduler sleeps, a virtual one advances its time and runs what falls
 * due. The rules read the clock before each {@code schedule} call and inside each task, so "not
 * before its delay" is measured on that clock; they never require a task to run soon after it is
 * due, only within {@link #patienceMillis()}, so a real scheduler on a loaded machine does not
 * fail them. Waits advance time in steps of 5 ms and are bounded; every rule runs under a 30 s
 * timeout in its own thread. All randomness derives from {@link #seed()}, printed by failures.
 *
 * <pre>{@code
 * class MySchedulerContractTest extends SchedulerContract {
 *   private ScheduledExecutorService executor;
 *
 *   @Override
 *   protected Scheduler newScheduler() {
 *     executor = Executors.newSingleThreadScheduledExecutor();
 *     return new MyScheduler(executor);
 *   }
 *
 *   @Override
 *   protected Clock clock() {
 *     return () -> Math.floorDiv(System.nanoTime(), 1_000_000L); // what the executor measures
 *   }
 *
 *   @Override
 *   protected void runFor(long millis) throws InterruptedException {
 *     Thread.sleep(millis);
 *   }
 *
 *   @AfterEach
 *   void stop() {
 *     executor.shutdownNow();
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class SchedulerContract {
  /** The time each wait lets pass between two looks at what ran. */
  private static final long STEP_MILLIS = 5;

  private Scheduler scheduler;
  private Clock clock;
  /** Order in which tasks ran, over all tasks of one rule. */
  private final AtomicInteger runOrder = new AtomicInteger();

  /**
   * Creates the scheduler under test, called once per rule before {@link #clock()}. Release what
   * it holds (an executor) in an {@code @AfterEach} method of the subclass.
   */
  protected abstract Scheduler newScheduler();

  /**
   * The clock the scheduler's delays are measured against, in milliseconds: for a real scheduler
   * a monotonic one ({@code System.nanoTime()} in milliseconds, rounded down, for a {@code
   * ScheduledExecutorService}); for a virtual one its virtual time. Read from the rule's thread
   * and from inside tasks, so it must be thread-safe. Called once per rule, after {@link
   * #newScheduler()}.
   */
  protected abstract Clock clock();

  /**
   * Lets {@code millis} pass: a real scheduler's subclass sleeps that long (the contract then
   * waits for due tasks in further steps, so returning before they ran is fine); a virtual
   * scheduler advances its time by {@code millis} and runs every task due by then, tasks those
   * schedule included, each with the clock at or after its due time.
   */
  protected abstract void runFor(long millis) throws InterruptedException;

  /**
   * How much time (as passed by {@link #runFor(long)}) a due task may take to run before a rule
   * fails; default 5,000 ms, far beyond any scheduling delay of a healthy machine.
   */
  protected long patienceMillis() {
    return 5_000;
  }

  /** The root seed of the rules' random choices; override to explore, print it to replay. */
  protected long seed() {
    return 0x5C4E_D01EL;
  }

  /** Builds the scheduler and reads its clock once per rule. */
  @BeforeEach
  public void setUpScheduler() {
    scheduler = newScheduler();
    assertNotNull(scheduler, "newScheduler() returned null");
    clock = clock();
    assertNotNull(clock, "clock() returned null");
  }

  /**
   * R9.1: a task runs once, and not before its delay: for delays 0, 1, 20 and 50 ms, the clock
   * read inside the task is at least the clock read before {@code schedule} plus the delay, and
   * the task has still run once after twice its delay more.
   *
   * <p>On failure: if it ran early, the scheduler measures delays on another clock than the one
   * supplied, or converts units wrongly (seconds, nanoseconds), or rounds the due time down; if
   * it ran twice, a one-shot task is treated as periodic or re-queued after running.
   */
  @Test
  public void required_r9_1_runsATaskOnceNotBeforeItsDelay() throws InterruptedException {
    for (long delay : new long[] {0, 1, 20, 50}) {
      Probe task = new Probe();
      long before = clock.millis();
      schedule(delay, task);
      awaitUntil(() -> task.runs() > 0, "R9.1: a task with delay " + delay + " ms never ran");
      long ranAt = task.ranAt;
      assertTrue(ranAt - before >= delay, () -> "R9.1: a task with delay " + delay
          + " ms ran after " + (ranAt - before) + " ms (scheduled at " + before + ", ran at "
          + ranAt + " on the supplied clock)");
      pass(Math.max(20, 2 * delay));
      assertEquals(1, task.runs(), "R9.1: a task with delay " + delay + " ms ran more than once");
    }
  }

  /**
   * R9.2: tasks run in the order of their due times. Eight tasks with delays 0, 10, ..., 70 ms
   * scheduled in that order run in that order; then sixteen tasks with delays 0, 10, ..., 150 ms
   * scheduled in a seeded random order run in due-time order, where a task's due time is its
   * delay after the clock read around its {@code schedule} call (pairs whose due times cannot be
   * told apart with a 1 ms margin, because the rule's thread was slow between two calls, are not
   * compared).
   *
   * <p>On failure: tasks run in the order they were scheduled (a FIFO queue instead of a
   * priority queue by due time), or a timer wheel runs the tasks of one tick out of due-time
   * order.
   */
  @Test
  public void required_r9_2_runsTasksInDelayOrder() throws InterruptedException {
    List<Probe> increasing = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Probe task = new Probe();
      increasing.add(task);
      schedule(10L * i, task);
    }
    awaitUntil(() -> increasing.stream().allMatch(t -> t.runs() > 0),
        "R9.2: not every one of 8 tasks with increasing delays ran");
    for (int i = 1; i < increasing.size(); i++) {
      int k = i;
      assertTrue(increasing.get(k - 1).order < increasing.get(k).order, () -> "R9.2: the task"
          + " with delay " + 10 * k + " ms ran before the one with delay " + 10 * (k - 1) + " ms");
    }

    List<Integer> delays = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      delays.add(10 * i);
    }
    Collections.shuffle(delays, new Random(seed()));
    List<Probe> shuffled = new ArrayList<>();
    long[] earliestDue = new long[delays.size()];
    long[] latestDue = new long[delays.size()];
    for (int i = 0; i < delays.size(); i++) {
      Probe task = new Probe();
      shuffled.add(task);
      earliestDue[i] = clock.millis() + delays.get(i);
      schedule(delays.get(i), task);
      latestDue[i] = clock.millis() + delays.get(i);
    }
    awaitUntil(() -> shuffled.stream().allMatch(t -> t.runs() > 0),
        "R9.2: not every one of 16 tasks scheduled in random order ran (seed " + seed() + ")");
    for (int i = 0; i < shuffled.size(); i++) {
      for (int j = 0; j < shuffled.size(); j++) {
        if (latestDue[i] + 1 <= earliestDue[j] && shuffled.get(i).order > shuffled.get(j).order) {
          fail("R9.2 seed " + seed() + ": the task with delay " + delays.get(i)
              + " ms, due by " + latestDue[i] + ", ran after the one with delay "
              + delays.get(j) + " ms, due no earlier than " + earliestDue[j]
              + " (scheduling order " + delays + ")");
        }
      }
    }
  }

  /**
   * R9.3: a cancelled task never runs, while the others do: of ten tasks with delays of 60 to
   * 105 ms scheduled from the rule's thread, the five cancelled at once never run; of tasks
   * scheduled from inside a task, those cancelled by that same task never run, even with delay 0.
   * The rule waits until 50 ms past the last cancelled task's due time.
   *
   * <p>(A cancel that returns only after the task was due is not judged: the task may
   * legitimately have run first. On a healthy machine that never happens.) On failure: cancel
   * marks a copy of the task, or removes it from the queue but not from a batch already taken
   * for running (check the cancelled flag just before running each task), or {@code schedule}
   * runs a task with delay 0 at once, inside the calling task, before it could be cancelled.
   */
  @Test
  public void required_r9_3_aCancelledTaskNeverRuns() throws InterruptedException {
    List<Probe> kept = new ArrayList<>();
    List<Probe> cancelled = new ArrayList<>();
    List<Long> cancelledDelays = new ArrayList<>();
    long lastDue = clock.millis();
    for (int i = 0; i < 10; i++) {
      long delay = 60 + 5L * i;
      Probe task = new Probe();
      long before = clock.millis();
      Cancellable handle = schedule(delay, task);
      if (i % 2 == 1) {
        kept.add(task);
        continue;
      }
      handle.cancel();
      long after = clock.millis();
      if (after < before + delay) {
        cancelled.add(task);
        cancelledDelays.add(delay);
        lastDue = Math.max(lastDue, after + delay);
      }
    }
    Probe keptInner = new Probe();
    Probe cancelledNow = new Probe();
    Probe cancelledLater = new Probe();
    Probe outer = new Probe(() -> {
      scheduler.schedule(0, cancelledNow).cancel();
      scheduler.schedule(10, cancelledLater).cancel();
      scheduler.schedule(0, keptInner);
    });
    schedule(0, outer);
    awaitUntil(() -> keptInner.runs() > 0 && kept.stream().allMatch(t -> t.runs() > 0),
        "R9.3: a task that was not cancelled never ran");
    passUntil(lastDue + 50);
    for (int i = 0; i < cancelled.size(); i++) {
      assertEquals(0, cancelled.get(i).runs(), "R9.3: a task with delay " + cancelledDelays.get(i)
          + " ms cancelled right after schedule ran anyway");
    }
    pass(60);
    assertEquals(0, cancelledNow.runs(),
        "R9.3: a task with delay 0 scheduled and cancelled by one task ran anyway");
    assertEquals(0, cancelledLater.runs(),
        "R9.3: a task with delay 10 ms scheduled and cancelled by one task ran anyway");
  }

  /**
   * R9.4: cancelling is idempotent and harmless: cancelling a task twice, cancelling one that
   * already ran (twice), and a task cancelling its own handle while it runs throw nothing, the
   * task that ran is not run again, and tasks scheduled afterwards still run.
   *
   * <p>On failure: cancel throws on a second call or on a finished task (a state machine that
   * only expects "pending"), or cancelling a finished handle cancels another task that reused its
   * slot or id.
   */
  @Test
  public void required_r9_4_cancellingTwiceOrAfterRunningIsHarmless()
      throws InterruptedException {
    Probe ran = new Probe();
    Cancellable ranHandle = schedule(10, ran);
    awaitUntil(() -> ran.runs() > 0, "R9.4: a task with delay 10 ms never ran");
    cancel(ranHandle, "a task that already ran");
    cancel(ranHandle, "a task that already ran, a second time");

    Probe twice = new Probe();
    Cancellable twiceHandle = schedule(50, twice);
    cancel(twiceHandle, "a pending task");
    cancel(twiceHandle, "a pending task, a second time");

    Cancellable[] own = new Cancellable[1];
    AtomicInteger selfCancelFailures = new AtomicInteger();
    Probe selfCancelling = new Probe(() -> {
      try {
        own[0].cancel();
        own[0].cancel();
      } catch (RuntimeException e) {
        selfCancelFailures.incrementAndGet();
      }
    });
    synchronized (own) {
      own[0] = scheduler.schedule(20, () -> {
        synchronized (own) {
          selfCancelling.run();
        }
      });
    }

    Probe after = new Probe();
    schedule(10, after);
    awaitUntil(() -> after.runs() > 0 && selfCancelling.runs() > 0,
        "R9.4: a task scheduled after the cancels never ran");
    pass(70);
    assertEquals(0, selfCancelFailures.get(), "R9.4: a task cancelling its own handle threw");
    assertEquals(1, ran.runs(), "R9.4: a task ran again after its handle was cancelled");
    assertEquals(0, twice.runs(), "R9.4: a task cancelled twice ran");
    assertEquals(1, after.runs(), "R9.4: a task scheduled after the cancels ran more than once");
  }

  /**
   * R9.5: a task scheduled from inside a running task runs, not before its delay counted from
   * the clock read in the scheduling task: a chain A (5 ms) to B (20 ms) to C (0 ms) runs in that
   * order, and a task that schedules itself again (1 ms) ten times runs ten times.
   *
   * <p>On failure: {@code schedule} called on the scheduler's own thread deadlocks or is dropped
   * (a lock held while running tasks, a queue drained into a batch that ignores additions), or a
   * virtual scheduler does not run tasks added while it advances time.
   */
  @Test
  public void required_r9_5_aTaskScheduledFromATaskRuns() throws InterruptedException {
    Probe c = new Probe();
    long[] scheduledB = {-1};
    Probe b = new Probe(() -> scheduler.schedule(0, c));
    Probe a = new Probe(() -> {
      scheduledB[0] = clock.millis();
      scheduler.schedule(20, b);
    });
    schedule(5, a);
    AtomicInteger repeats = new AtomicInteger();
    Runnable[] again = new Runnable[1];
    again[0] = () -> {
      if (repeats.incrementAndGet() < 10) {
        scheduler.schedule(1, again[0]);
      }
    };
    schedule(1, again[0]);
    awaitUntil(() -> c.runs() > 0 && repeats.get() >= 10,
        "R9.5: tasks scheduled from tasks never ran (chain A-B-C: " + a.runs() + "-" + b.runs()
            + "-" + c.runs() + ", self-rescheduling task ran " + repeats.get() + " of 10 times)");
    assertTrue(a.order < b.order && b.order < c.order, "R9.5: the chain ran out of order");
    assertTrue(b.ranAt - scheduledB[0] >= 20, () -> "R9.5: a task with delay 20 ms scheduled"
        + " from a task ran after " + (b.ranAt - scheduledB[0]) + " ms");
    pass(20);
    assertEquals(10, repeats.get(), "R9.5: the self-rescheduling task ran more than 10 times");
  }

  /**
   * R9.6: tasks of one scheduler never run at the same time: 200 tasks with seeded delays of 0
   * to 10 ms (many equal), half of them scheduling one more task, each busy for about 100
   * microseconds, never overlap, and a plain counter they all increment ends at 300.
   *
   * <p>On failure: the scheduler runs tasks on a pool of threads (a node's state is unguarded
   * because it relies on one thread at a time: use one thread, or hand tasks to a serial
   * executor), or {@code schedule} runs a task with delay 0 at once, inside the calling task,
   * instead of after it.
   */
  @Test
  public void required_r9_6_runsOneTaskAtATime() throws InterruptedException {
    AtomicInteger active = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    int[] plainCounter = new int[1];
    Random random = new Random(seed() + 6);
    long[] choices = {0, 0, 1, 2, 5, 10};
    class Busy implements Runnable {
      private final boolean spawns;

      Busy(boolean spawns) {
        this.spawns = spawns;
      }

      @Override
      public void run() {
        if (active.incrementAndGet() > 1) {
          overlaps.incrementAndGet();
        }
        plainCounter[0]++;
        if (spawns) {
          // Scheduled while this task is busy: it must wait until this one has returned.
          scheduler.schedule(0, new Busy(false));
        }
        long until = System.nanoTime() + 100_000;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        active.decrementAndGet();
        done.incrementAndGet();
      }
    }
    for (int i = 0; i < 200; i++) {
      schedule(choices[random.nextInt(choices.length)], new Busy(i % 2 == 0));
    }
    awaitUntil(() -> done.get() >= 300, "R9.6: not all 300 tasks ran (seed " + seed() + ")");
    pass(20);
    assertEquals(0, overlaps.get(), "R9.6 seed " + seed() + ": tasks ran at the same time, "
        + overlaps.get() + " time(s)");
    assertEquals(300, done.get(), "R9.6: tasks ran more than once");
    assertEquals(300, plainCounter[0],
        "R9.6: increments made by tasks were lost: tasks ran concurrently or unordered in memory");
  }

  // ------------------------------------------------------------------ helpers

  /** A task that records how often it ran, and when (clock and order) it first ran. */
  private final class Probe implements Runnable {
    private final Runnable body;
    private final AtomicInteger runs = new AtomicInteger();
    volatile long ranAt = Long.MIN_VALUE;
    volatile int order = -1;

    Probe() {
      this(() -> { });
    }

    Probe(Runnable body) {
      this.body = body;
    }

    @Override
    public void run() {
      if (runs.get() == 0) {
        ranAt = clock.millis();
        order = runOrder.incrementAndGet();
      }
      body.run();
      runs.incrementAndGet();
    }

    int runs() {
      return runs.get();
    }
  }

  private Cancellable schedule(long delayMillis, Runnable task) {
    Cancellable handle;
    try {
      handle = scheduler.schedule(delayMillis, task);
    } catch (RuntimeException e) {
      return fail(scheduler + ".schedule(" + delayMillis + ", task) threw " + e, e);
    }
    assertNotNull(handle, () -> scheduler + ".schedule(" + delayMillis + ", task) returned null");
    return handle;
  }

  private void cancel(Cancellable handle, String what) {
    try {
      handle.cancel();
    } catch (RuntimeException e) {
      fail("R9.4: cancelling " + what + " threw " + e, e);
    }
  }

  /** Lets time pass in steps until {@code condition} holds, at most {@link #patienceMillis()}. */
  private void awaitUntil(BooleanSupplier condition, String failure)
      throws InterruptedException {
    for (long waited = 0; !condition.getAsBoolean(); waited += STEP_MILLIS) {
      if (waited >= patienceMillis()) {
        fail(failure + " within " + patienceMillis() + " ms (" + scheduler + ")");
      }
      runFor(STEP_MILLIS);
    }
  }

  /** Lets at least {@code millis} pass on the clock, in steps, within {@link #patienceMillis()}. */
  private void pass(long millis) throws InterruptedException {
    passUntil(clock.millis() + millis);
  }

  private void passUntil(long clockMillis) throws InterruptedException {
    awaitUntil(() -> clock.millis() >= clockMillis,
        "the supplied clock did not reach " + clockMillis + " while runFor let time pass");
  }
}
