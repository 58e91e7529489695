package io.gossipkit.cli;

import static io.gossipkit.cli.DemoCommandTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SyncBenchTest {
  @Test
  @Timeout(120)
  void twoTcpNodesRepairTheDifferenceAndPrintOneJsonObjectWithTheFourFigures() {
    CliRun.Result r = CliRun.gossip("bench", "sync", "--keys", "3000", "--diff", "6",
        "--timeout", "60", "--format", "json");
    assertEquals(0, r.exitCode(), r.err());
    String json = r.out().strip();

    assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
    assertEquals(3000, number(json, "keys"));
    // The bench itself checks every rewritten key reached both sides before it prints.
    // Byte counts, not timings: the goals hold at any size (64 KiB, 1 KiB).
    assertTrue(number(json, "diff_bytes") > 0 && number(json, "diff_bytes") < 64 * 1024, json);
    assertTrue(number(json, "identical_bytes") > 0 && number(json, "identical_bytes") < 1024,
        json);
    assertTrue(number(json, "full_sync_wire_bytes") > 3000 * 100, json);
    // Streamed in chunks: frames within the chunk budget and buffers within the outbound
    // limit (plus the frame that crossed it), whatever the state's size (a million keys: 131 MB).
    double largest = number(json, "full_sync_largest_frame_bytes");
    double peak = number(json, "full_sync_peak_buffered_bytes");
    assertTrue(largest > 0 && largest <= SyncBench.CHUNK_BYTES, json);
    assertTrue(peak > 0 && peak <= SyncBench.OUTBOUND_BYTES + 2 * SyncBench.CHUNK_BYTES, json);
    assertTrue(number(json, "full_sync_mb_per_s") > 0, json);
    // Five timed fresh receivers by default; the first sync, on a cold JVM, reported on its own.
    assertEquals(5, number(json, "full_syncs"));
    assertTrue(number(json, "full_sync_first_mb_per_s") > 0, json);
    assertTrue(number(json, "warm_up_transfers") >= 1, json);
    assertTrue(number(json, "raw_tcp_mb_per_s") > 0, json);
    // Plain TCP: three transfers on a fresh heap, then one before each of the five timed syncs.
    assertEquals(3 + 5, number(json, "raw_tcp_transfers"), json);
    assertTrue(number(json, "raw_tcp_fresh_heap_mb_per_s") > 0, json);
    // Warmed up until steady, as everything timed, within the bound (30 transfers).
    assertTrue(number(json, "raw_tcp_warm_ups") >= 2 && number(json, "raw_tcp_warm_ups") <= 30,
        json);
    assertTrue(number(json, "encrypted_tcp_mb_per_s") > 0, json);
    // The sealed transport alone: one transfer before each of the five timed syncs.
    assertEquals(5, number(json, "encrypted_tcp_transfers"), json);
    assertEquals(number(json, "encrypted_tcp_mb_per_s") / number(json, "raw_tcp_mb_per_s"),
        number(json, "encrypted_tcp_vs_raw"), 0.0011, json);
    // The CPU the sync and plain TCP spent (HotSpot reports process CPU time on every platform).
    assertTrue(number(json, "full_sync_cpu_s") > 0, json);
    assertTrue(number(json, "raw_tcp_cpu_s_same_bytes") > 0, json);
    // HotSpot reports compilation time, so the warm-up could watch the JIT (at most 30 syncs).
    assertTrue(number(json, "full_sync_jit_ms") >= 0, json);
    // Nothing refused or lost on the way: the stream's own pace was timed.
    assertEquals(0, number(json, "full_sync_dropped"), json);
    assertTrue(number(json, "full_sync_warm_ups") >= 1 && number(json, "full_sync_warm_ups") <= 30,
        json);
    assertEquals(Runtime.getRuntime().availableProcessors(), number(json, "available_processors"));
  }

  @Test
  void cpuSecondsKeepThreeSignificantDigitsSoASmallRunsAreNotRoundedToZero() {
    assertEquals(1.23e-4, SyncBench.significant(0.000123456));
    assertEquals(0.412, SyncBench.significant(0.41249));
    assertEquals(0.0, SyncBench.significant(0.0));
    assertTrue(Double.isNaN(SyncBench.significant(Double.NaN)));
  }

  @Test
  void refusesADifferenceLargerThanTheReplica() {
    CliRun.Result r = CliRun.gossip("bench", "sync", "--keys", "10", "--diff", "11");

    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--diff must be in [0, --keys], was 11"), r.err());
  }
}
