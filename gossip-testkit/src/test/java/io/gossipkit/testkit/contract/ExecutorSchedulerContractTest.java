package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Clock;
import io.gossipkit.api.Scheduler;
import io.gossipkit.core.internal.ExecutorScheduler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * Runs the {@link SchedulerContract} against gossip-core's production scheduler, {@link
 * ExecutorScheduler}, over a real single-thread executor: real time, measured on {@code
 * System.nanoTime()} (what the executor's delays use) in whole milliseconds.
 */
class ExecutorSchedulerContractTest extends SchedulerContract {
  private final List<RuntimeException> failures = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService executor;

  @Override
  protected Scheduler newScheduler() {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "scheduler-contract");
      t.setDaemon(true);
      return t;
    });
    return new ExecutorScheduler(executor, failures::add);
  }

  @Override
  protected Clock clock() {
    return () -> Math.floorDiv(System.nanoTime(), 1_000_000L);
  }

  @Override
  protected void runFor(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  @AfterEach
  void stopExecutor() throws InterruptedException {
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS), "the executor did not stop");
    assertTrue(failures.isEmpty(), () -> "tasks threw: " + failures);
  }
}
