package io.gossipkit.transport.tcp;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Logs every event of a kind up to a budget per minute, then counts the rest and reports how many
 * were left out in the next line of that kind. A flood of bad connections therefore costs a few
 * log lines a minute, while a single bad connection always gets its own line. A line is built only
 * if it is logged, so a hot path (a send refused again and again) pays nothing for it.
 */
final class LogLimiter {
  private static final long WINDOW_NANOS = 60_000_000_000L;

  private final System.Logger log;
  private final int perMinute;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  LogLimiter(System.Logger log, int perMinute) {
    this(log, perMinute, System::nanoTime);
  }

  /** With its own time source, so a test can pass a minute without waiting for it. */
  LogLimiter(System.Logger log, int perMinute, LongSupplier nanoTime) {
    this.log = log;
    this.perMinute = perMinute;
    this.nanoTime = nanoTime;
  }

  /** Logs the line {@code message} makes, or counts it once the budget of {@code kind} is spent. */
  void log(Level level, String kind, Supplier<String> message) {
    if (!log.isLoggable(level)) {
      return;
    }
    long suppressed;
    Window w = windows.computeIfAbsent(kind, k -> new Window(nanoTime.getAsLong()));
    synchronized (w) {
      long now = nanoTime.getAsLong();
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
    String line = message.get();
    log.log(level, suppressed == 0 ? line
        : line + " (" + suppressed + " similar lines of kind " + kind + " were left out)");
  }

  private static final class Window {
    private long start;
    private int logged;
    private long suppressed;

    Window(long start) {
      this.start = start;
    }
  }
}
