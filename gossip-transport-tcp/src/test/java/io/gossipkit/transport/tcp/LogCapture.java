package io.gossipkit.transport.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the lines the transport logs at INFO or above, each as {@code "LEVEL message"} (through
 * {@code System.Logger}, which the JDK routes to java.util.logging when no other backend is
 * installed).
 */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger("io.gossipkit.transport.tcp");
  private final List<String> lines = new ArrayList<>();

  LogCapture() {
    setLevel(Level.INFO);
    logger.addHandler(this);
  }

  @Override
  public synchronized void publish(LogRecord r) {
    if (r.getLevel().intValue() >= Level.INFO.intValue()) {
      lines.add(r.getLevel().getName() + " " + r.getMessage());
    }
  }

  synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  /** Whether some line contains every one of {@code parts}. */
  synchronized boolean has(String... parts) {
    for (String line : lines) {
      boolean all = true;
      for (String p : parts) {
        all &= line.contains(p);
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  /**
   * Asserts that some line contains every one of {@code parts}, waiting up to 5 seconds for it:
   * the transport counts a close before it logs it, on its event loop, so a test that saw the
   * counter can get here before the line exists (it failed so once).
   */
  void assertHas(String... parts) throws InterruptedException {
    for (int i = 0; i < 500 && !has(parts); i++) {
      Thread.sleep(10);
    }
    if (!has(parts)) {
      throw new AssertionError("no log line has all of " + java.util.Arrays.toString(parts)
          + "; lines: " + lines());
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
