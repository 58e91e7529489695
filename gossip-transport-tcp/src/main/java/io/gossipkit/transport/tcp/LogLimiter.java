package io.gossipkit.transport.tcp;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs every event of a kind up to a budget per minute, then counts the rest and reports how many
 * were left out in the next line of that kind. A flood of bad connections therefore costs a few
 * log lines a minute, while a single bad connection always gets its own line.
 */
final class LogLimiter {
  private static final long WINDOW_NANOS = 60_000_000_000L;

  private final System.Logger log;
  private final int perMinute;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  LogLimiter(System.Logger log, int perMinute) {
    this.log = log;
    this.perMinute = perMinute;
  }

  void log(Level level, String kind, String message) {
    if (!log.isLoggable(level)) {
      return;
    }
    long suppressed;
    Window w = windows.computeIfAbsent(kind, k -> new Window());
    synchronized (w) {
      long now = System.nanoTime();
      if (now - w.start > WINDOW_NANOS) {
        w.start = now;
        w.logged = 0;
      }
      if (w.logged >= perMinute) {
        w.suppressed++;
        return;
      }
      w.logged++;
      suppressed = w.suppressed;
      w.suppressed = 0;
    }
    log.log(level, suppressed == 0 ? message
        : message + " (" + suppressed + " similar lines of kind " + kind + " were left out)");
  }

  private static final class Window {
    private long start = System.nanoTime();
    private int logged;
    private long suppressed;
  }
}
