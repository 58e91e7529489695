package io.gossipkit.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The benchmark's operation does what it claims, on a replica small enough for a unit test. */
class FullSyncBenchmarkTest {
  @Test
  void oneOperationMovesEveryEntryIntoTheEmptyReplicaAndAgainIntoAFreshOne() throws Exception {
    FullSyncBenchmark b = new FullSyncBenchmark();
    b.keys = 5_000;
    b.valueBytes = 100;
    b.chunkBytes = 256 << 10;
    b.fill();

    b.emptyReplica();
    assertEquals(5_000, b.fullSync());
    b.emptyReplica();
    assertEquals(5_000, b.fullSync());
  }
}
