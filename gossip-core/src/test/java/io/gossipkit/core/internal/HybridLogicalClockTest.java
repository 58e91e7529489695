package io.gossipkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Version;
import org.junit.jupiter.api.Test;

/** The hybrid logical clock that stamps local writes. */
class HybridLogicalClockTest {
  private static final long T = 1_700_000_000_000L;

  @Test
  void followsPhysicalTimeWhileItAdvances() {
    HybridLogicalClock hlc = new HybridLogicalClock();

    assertEquals(Version.pack(T, 0), hlc.next(T));
    assertEquals(Version.pack(T + 5, 0), hlc.next(T + 5));
  }

  @Test
  void writesInOneMillisecondTakeTheLogicalCounter() {
    HybridLogicalClock hlc = new HybridLogicalClock();

    assertEquals(Version.pack(T, 0), hlc.next(T));
    assertEquals(Version.pack(T, 1), hlc.next(T));
    assertEquals(Version.pack(T, 2), hlc.next(T));
  }

  @Test
  void staysMonotonicWhenTheClockGoesBackwards() {
    HybridLogicalClock hlc = new HybridLogicalClock();
    long before = hlc.next(T);

    long afterStepBack = hlc.next(T - 60_000);

    assertTrue(afterStepBack > before);
    assertEquals(Version.pack(T, 1), afterStepBack, "holds the millisecond, bumps the counter");
    assertEquals(Version.pack(T + 1, 0), hlc.next(T + 1), "rejoins physical time once it passes");
  }

  @Test
  void negativePhysicalTimeIsClampedToZero() {
    HybridLogicalClock hlc = new HybridLogicalClock();

    long first = hlc.next(-5);

    assertTrue(first >= 0, "a Version timestamp must not be negative");
    assertEquals(0, first >>> Version.LOGICAL_BITS);
  }

  @Test
  void afterObservingARemoteTimestampTheNextIsGreater() {
    HybridLogicalClock hlc = new HybridLogicalClock();
    hlc.next(T);
    long remote = Version.pack(T + 10_000, 7);

    hlc.observe(remote);
    long next = hlc.next(T);

    assertTrue(next > remote);
    assertEquals(Version.pack(T + 10_000, 8), next);
  }

  @Test
  void observingAnOlderTimestampChangesNothing() {
    HybridLogicalClock hlc = new HybridLogicalClock();
    long first = hlc.next(T);

    hlc.observe(Version.pack(T - 1_000, 3));

    assertEquals(first + 1, hlc.next(T));
  }

  @Test
  void seventyThousandWritesInOneMillisecondStayStrictlyIncreasing() {
    HybridLogicalClock hlc = new HybridLogicalClock();
    long previous = hlc.next(T);

    for (int i = 1; i < 70_000; i++) {
      long next = hlc.next(T);
      if (next <= previous) {
        throw new AssertionError("write " + i + ": " + next + " <= " + previous);
      }
      previous = next;
    }

    // 65,536 logical values per millisecond: the counter carried into the next millisecond.
    assertEquals(Version.pack(T + 1, 69_999 - 65_536), previous);
  }
}
