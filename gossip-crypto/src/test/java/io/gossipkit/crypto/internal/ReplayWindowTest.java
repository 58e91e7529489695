package io.gossipkit.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gossipkit.crypto.internal.ReplayWindow.Verdict;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sliding window: in order, out of order, duplicates, too old, and long jumps. */
class ReplayWindowTest {
  @Test
  void acceptsCountersInOrderOnce() {
    ReplayWindow w = new ReplayWindow(2048);
    for (long c = 0; c < 5000; c++) {
      assertEquals(Verdict.ACCEPTED, w.accept(c));
      assertEquals(Verdict.DUPLICATE, w.accept(c));
    }
    assertEquals(4999, w.highest());
  }

  @Test
  void acceptsOutOfOrderCountersInsideTheWindowOnce() {
    ReplayWindow w = new ReplayWindow(128);
    assertEquals(Verdict.ACCEPTED, w.accept(200));
    for (long c = 199; c > 200 - 128; c--) {
      assertEquals(Verdict.ACCEPTED, w.check(c));
      assertEquals(Verdict.ACCEPTED, w.accept(c), "counter " + c);
      assertEquals(Verdict.DUPLICATE, w.check(c));
    }
    assertEquals(Verdict.DUPLICATE, w.accept(150));
    assertEquals(200, w.highest());
  }

  @Test
  void refusesCountersAWholeWindowBehindTheNewest() {
    ReplayWindow w = new ReplayWindow(2048);
    w.accept(10_000);
    assertEquals(Verdict.ACCEPTED, w.accept(10_000 - 2047), "the oldest counter still inside");
    assertEquals(Verdict.TOO_OLD, w.accept(10_000 - 2048));
    assertEquals(Verdict.TOO_OLD, w.check(0));
  }

  @Test
  void aJumpForgetsTheBitsOfCountersItLeavesBehind() {
    ReplayWindow w = new ReplayWindow(64);
    for (long c = 0; c < 64; c++) {
      w.accept(c);
    }
    // The ring reuses these words: none of the old bits may read as "seen".
    w.accept(64 * 3 + 10);
    for (long c = 64 * 3 + 10 - 63; c < 64 * 3 + 10; c++) {
      assertEquals(Verdict.ACCEPTED, w.accept(c), "counter " + c);
    }
  }

  @Test
  void agreesWithASetOfSeenCountersOnRandomTraffic() {
    Random random = new Random(42);
    for (int size : new int[] {64, 128, 2048}) {
      ReplayWindow w = new ReplayWindow(size);
      Set<Long> seen = new HashSet<>();
      long highest = -1;
      for (int i = 0; i < 50_000; i++) {
        long c = Math.max(0, highest + random.nextInt(3 * size) - 2 * size + random.nextInt(8));
        if (random.nextInt(100) == 0) {
          c = highest + random.nextInt(10 * size);
        }
        Verdict expected;
        if (c > highest) {
          expected = Verdict.ACCEPTED;
        } else if (highest - c >= size) {
          expected = Verdict.TOO_OLD;
        } else {
          expected = seen.contains(c) ? Verdict.DUPLICATE : Verdict.ACCEPTED;
        }
        assertEquals(expected, w.accept(c), "size " + size + " step " + i + " counter " + c);
        if (expected == Verdict.ACCEPTED) {
          seen.add(c);
          highest = Math.max(highest, c);
        }
      }
    }
  }
}
