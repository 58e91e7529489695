package io.gossipkit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CPU lines of bench sync name the threads that worked and the process's CPU. */
class ProcessCpuTest {
  @Test
  void aThreadThatBurnsCpuIsNamedWithItsSecondsAndTheProcessLineSaysCpu() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "Linux only");
    long[] cpu0 = ProcessCpu.ticks();
    Map<String, Long> threads0 = ProcessCpu.threads();
    String name = Thread.currentThread().getName();
    // At most 2 s of wall time: enough to burn the 10 ms a thread needs to be listed.
    long deadline = System.nanoTime() + 2_000_000_000L;
    long sink = 0;
    while (System.nanoTime() < deadline && !ProcessCpu.threadsSince(threads0).contains(name)) {
      for (int i = 0; i < 1_000_000; i++) {
        sink += i * 31L ^ sink;
      }
    }
    String listed = ProcessCpu.threadsSince(threads0);
    assertTrue(listed.contains(" " + name + "#"), listed + " (" + sink + ")");
    assertTrue(ProcessCpu.since(cpu0).startsWith(", CPU "), ProcessCpu.since(cpu0));
  }
}
