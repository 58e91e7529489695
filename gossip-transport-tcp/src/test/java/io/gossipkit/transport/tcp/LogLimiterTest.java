package io.gossipkit.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

/** The log budget: every line up to the budget, then a count of what was left out. */
class LogLimiterTest {
  /** A System.Logger that keeps what it is given. */
  private static final class Lines implements System.Logger {
    final List<String> lines = new ArrayList<>();

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= Level.INFO.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(format);
    }
  }

  @Test
  void logsUpToTheBudgetPerKindThenReportsHowManyWereLeftOut() {
    Lines out = new Lines();
    long[] now = {0};
    LogLimiter limiter = new LogLimiter(out, 3, () -> now[0]);
    for (int i = 0; i < 10; i++) {
      int n = i;
      limiter.log(Level.WARNING, "a", () -> "a" + n);
    }
    limiter.log(Level.WARNING, "b", () -> "b0"); // another kind has its own budget
    assertEquals(List.of("a0", "a1", "a2", "b0"), out.lines);

    now[0] += 61_000_000_000L;
    limiter.log(Level.WARNING, "a", () -> "a10");
    assertEquals("a10 (7 similar lines of kind a were left out)", out.lines.get(4));
    limiter.log(Level.WARNING, "a", () -> "a11");
    assertEquals("a11", out.lines.get(5));
  }

  @Test
  void neverBuildsALineThatIsNotLogged() {
    Lines out = new Lines();
    LogLimiter limiter = new LogLimiter(out, 1, () -> 0);
    int[] built = {0};
    limiter.log(Level.DEBUG, "x", () -> "debug " + ++built[0]); // below the logger's level
    limiter.log(Level.INFO, "x", () -> "first " + ++built[0]);
    limiter.log(Level.INFO, "x", () -> "second " + ++built[0]); // over the budget
    assertEquals(List.of("first 1"), out.lines);
    assertEquals(1, built[0], "lines built");
  }
}
