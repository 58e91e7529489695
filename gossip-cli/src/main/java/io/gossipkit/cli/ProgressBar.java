package io.gossipkit.cli;

import io.gossipkit.testkit.sim.Experiment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress display for long experiments: run i/R and the current cycle, redrawn in
 * place with carriage returns. It appears only once the experiment has run for
 * {@link #SHOW_AFTER_NANOS}, redraws at most every {@link #REDRAW_NANOS}, and {@link #clear()}
 * erases it. Runs on the simulation thread (the experiment calls it after every cycle), so it
 * does no more than read a clock until it is time to draw.
 */
final class ProgressBar implements Experiment.Progress {
  /** Quiet for the first second: short runs print nothing. */
  static final long SHOW_AFTER_NANOS = 1_000_000_000L;
  /** At most ten redraws a second. */
  static final long REDRAW_NANOS = 100_000_000L;

  private static final int BAR_WIDTH = 20;

  private final PrintWriter out;
  private final boolean enabled;
  private final LongSupplier nanoTime;
  private final long start;
  private long lastDraw;
  private int shownWidth;

  /**
   * A progress bar drawn on {@code out} if {@code enabled}, timed by {@code nanoTime}; its
   * first-second quiet period starts now.
   */
  ProgressBar(PrintWriter out, boolean enabled, LongSupplier nanoTime) {
    this.out = out;
    this.enabled = enabled;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  /**
   * A progress bar on {@code err}, the command's standard error, enabled as {@link #wanted}
   * decides from the environment variable {@code GOSSIP_PROGRESS} and whether stderr is a
   * terminal.
   */
  static ProgressBar forStderr(PrintWriter err) {
    return new ProgressBar(
        err, wanted(System.getenv("GOSSIP_PROGRESS"), stderrIsTerminal()), System::nanoTime);
  }

  /** {@code GOSSIP_PROGRESS=1} forces the bar on, {@code =0} off; otherwise only on a terminal. */
  static boolean wanted(String env, boolean stderrIsTerminal) {
    if ("1".equals(env)) {
      return true;
    }
    if ("0".equals(env)) {
      return false;
    }
    return stderrIsTerminal;
  }

  /**
   * True if standard error is a terminal. Java cannot ask directly ({@code System.console()}
   * looks at stdin and stdout, and stdout is often redirected to a JSON file), so the launcher
   * passes {@code -Dgossip.stderr.tty} from bash's {@code [ -t 2 ]}; without it, Linux's
   * {@code /proc/self/fd/2} tells.
   */
  static boolean stderrIsTerminal() {
    String fromLauncher = System.getProperty("gossip.stderr.tty");
    if (fromLauncher != null) {
      return Boolean.parseBoolean(fromLauncher);
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  @Override
  public void onCycle(int run, int runs, long cycle) {
    if (!enabled) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - start < SHOW_AFTER_NANOS || (shownWidth > 0 && now - lastDraw < REDRAW_NANOS)) {
      return;
    }
    lastDraw = now;
    draw(line(run, runs, cycle, now - start));
  }

  /** Erases the bar, if shown, leaving the cursor at the start of the empty line. */
  void clear() {
    if (shownWidth > 0) {
      out.print('\r' + " ".repeat(shownWidth) + '\r');
      out.flush();
      shownWidth = 0;
    }
  }

  static String line(int run, int runs, long cycle, long elapsedNanos) {
    StringBuilder b = new StringBuilder(64);
    if (runs > 1) {
      int done = (int) ((long) run * BAR_WIDTH / runs);
      b.append('[').append("#".repeat(done)).append("-".repeat(BAR_WIDTH - done)).append("] ");
    }
    b.append(String.format(
        Locale.ROOT, "run %d/%d  cycle %d  %ds", run + 1, runs, cycle, elapsedNanos / 1_000_000_000L));
    return b.toString();
  }

  private void draw(String line) {
    // Pad over the previous line's tail; plain \r works on every terminal, no ANSI needed.
    String pad = " ".repeat(Math.max(0, shownWidth - line.length()));
    out.print('\r' + line + pad);
    out.flush();
    shownWidth = line.length();
  }
}
