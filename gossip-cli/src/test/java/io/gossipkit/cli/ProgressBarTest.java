package io.gossipkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private static final long MS = 1_000_000L;

  private long now;
  private final StringWriter written = new StringWriter();

  private ProgressBar bar(boolean enabled) {
    return new ProgressBar(new PrintWriter(written), enabled, () -> now);
  }

  @Test
  void staysSilentForTheFirstSecond() {
    ProgressBar bar = bar(true);
    now = 999 * MS;
    bar.onCycle(0, 1, 5);
    bar.clear();

    assertEquals("", written.toString());
  }

  @Test
  void showsRunAndCycleAfterOneSecondAtMostTenTimesASecond() {
    ProgressBar bar = bar(true);
    now = 1001 * MS;
    bar.onCycle(1, 3, 7);
    now += 50 * MS;
    bar.onCycle(1, 3, 8);
    now += 60 * MS;
    bar.onCycle(2, 3, 9);

    String s = written.toString();
    assertTrue(s.contains("run 2/3  cycle 7"), s);
    assertFalse(s.contains("cycle 8"), s);
    assertTrue(s.contains("run 3/3  cycle 9"), s);
    assertFalse(s.contains("\n"), s);
  }

  @Test
  void clearLeavesAnEmptyLine() {
    ProgressBar bar = bar(true);
    now = 2000 * MS;
    bar.onCycle(0, 1, 42);
    int drawn = written.toString().length();
    bar.clear();

    String erase = written.toString().substring(drawn);
    assertTrue(erase.matches("\r +\r"), erase);
    assertEquals(drawn - 1, erase.length() - 2, "blanks the whole line");
  }

  @Test
  void disabledBarDrawsNothing() {
    ProgressBar bar = bar(false);
    now = 5000 * MS;
    bar.onCycle(0, 1, 1);
    bar.clear();

    assertEquals("", written.toString());
  }

  @Test
  void environmentOverridesTerminalDetection() {
    assertTrue(ProgressBar.wanted("1", false));
    assertFalse(ProgressBar.wanted("0", true));
    assertTrue(ProgressBar.wanted(null, true));
    assertFalse(ProgressBar.wanted(null, false));
  }
}
