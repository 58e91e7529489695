package io.gossipkit.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU this process used, split into user and kernel time, from Linux's {@code
 * /proc/self/stat}: where a benchmark's wall time goes on a machine with few cores. Elsewhere it
 * reports nothing.
 */
final class ProcessCpu {
  /** Clock ticks per second of /proc's counters: USER_HZ, 100 on x86 and ARM Linux. */
  private static final double TICKS_PER_SECOND = 100;

  private static final Path STAT = Path.of("/proc/self/stat");

  private ProcessCpu() {}

  /** CPU nanoseconds of every live thread, by name and id. */
  static Map<String, Long> threads() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (long id : mx.getAllThreadIds()) {
      ThreadInfo info = mx.getThreadInfo(id);
      long t = mx.getThreadCpuTime(id);
      if (info != null && t > 0) {
        out.merge(info.getThreadName() + "#" + id, t, Long::sum);
      }
    }
    return out;
  }

  /** " name#id=seconds" for each thread that used more than 10 ms of CPU since {@code before}. */
  static String threadsSince(Map<String, Long> before) {
    StringBuilder b = new StringBuilder();
    threads().forEach((name, t) -> {
      long d = t - before.getOrDefault(name, 0L);
      if (d > 10_000_000L) {
        b.append(String.format(Locale.ROOT, " %s=%.2f", name, d / 1e9));
      }
    });
    return b.toString();
  }

  /**
   * CPU time of the whole process so far (every thread, the collector's and the kernel's share
   * included) in nanoseconds, as precise as the platform gives it; -1 where unknown.
   */
  /**
   * Milliseconds the JIT compilers have spent so far, or -1 where the JVM does not say: a
   * benchmark is warm once this stops growing.
   */
  static long jitMillis() {
    java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime() : -1;
  }

  static long processNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return -1;
  }

  /** User and kernel ticks so far, or null where /proc is missing. */
  static long[] ticks() {
    try {
      String stat = Files.readString(STAT, StandardCharsets.US_ASCII);
      // The command name (field 2) may hold spaces; the fields after its closing parenthesis
      // start with field 3, so utime (14) and stime (15) are the 12th and 13th there.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** ", CPU u s user + k s kernel" since {@code before}, or "" when unknown. */
  static String since(long[] before) {
    long[] now = ticks();
    if (before == null || now == null) {
      return "";
    }
    return String.format(Locale.ROOT, ", CPU %.2f s user + %.2f s kernel",
        (now[0] - before[0]) / TICKS_PER_SECOND, (now[1] - before[1]) / TICKS_PER_SECOND);
  }
}
