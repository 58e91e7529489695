package io.gossipkit.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.Version;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.RumorOptions;
import io.gossipkit.core.StopRule;
import io.gossipkit.core.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Composite dissemination loses no acknowledged write: 1000 nodes, 20% message loss, the cluster
 * split in two for 50 cycles while 1000 writes and deletes land on both sides. After the
 * partition heals, every live replica is identical and every key holds what last-writer-wins picks
 * among all acknowledged writes to it.
 */
class NothingLostTest {
  private static final long SEED = 20_240_601L;

  /** One acknowledged write: its version and whether it was a delete. */
  private record Ack(Version version, byte[] value, boolean delete) {}

  @Test
  void everyAcknowledgedWriteSurvivesLossAndAPartition() {
    GossipConfig config =
        GossipConfig.lan().toBuilder().eagerPush(false).tombstoneTtl(Duration.ofDays(1)).build();
    Simulation sim =
        Simulation.builder()
            .nodes(1000)
            .seed(SEED)
            .config(config)
            .strategy(
                Strategies.composite(
                    Strategies.rumorMongering(
                        RumorOptions.builder()
                            .exchange(Exchange.PUSH)
                            .stopRule(StopRule.FEEDBACK_COUNTER)
                            .k(2)
                            .fanout(1)
                            .build()),
                    Strategies.antiEntropy(Exchange.PUSH_PULL, PeerSelectors::random, 1),
                    5))
            .network(NetworkModel.PERFECT.withLoss(0.2))
            .build();
    String reproduce = " (seed " + SEED + "; rerun NothingLostTest with it)";

    SplittableRandom random = new SplittableRandom(SEED);
    Map<String, List<Ack>> acked = new HashMap<>();
    int writes = 0;
    int partitionStart = 10;
    int partitionEnd = partitionStart + 50;
    for (int cycle = 0; cycle < partitionEnd + 5; cycle++) {
      if (cycle == partitionStart) {
        sim.partition(node -> node < 500 ? 0 : 1);
      }
      if (cycle == partitionEnd) {
        // The partition must have mattered, or this test would prove nothing.
        assertFalse(sim.converged(), "the sides agreed before the heal" + reproduce);
        sim.heal();
      }
      // About 1000 writes spread over the run, most of them during the partition, on random
      // nodes of both sides, to 200 keys so that the two sides write the same keys.
      for (int i = 0; i < 16 && writes < 1000; i++, writes++) {
        int node = random.nextInt(1000);
        String key = "k" + random.nextInt(200);
        List<Ack> forKey = acked.computeIfAbsent(key, k -> new ArrayList<>());
        if (!forKey.isEmpty() && random.nextInt(6) == 0) {
          forKey.add(new Ack(sim.delete(node, key), null, true));
        } else {
          byte[] value = new byte[] {(byte) writes, (byte) (writes >> 8), (byte) cycle};
          forKey.add(new Ack(sim.put(node, key, value), value, false));
        }
      }
      sim.step();
    }
    assertEquals(1000, writes);

    int cap = 3000;
    while (!(sim.converged() && sim.quiescent()) && sim.cycle() < cap) {
      sim.step();
    }
    assertTrue(sim.converged(), "replicas still differ after " + cap + " cycles" + reproduce);

    Map<String, Entry> reference = contents(sim, 0);
    for (int node = 1; node < sim.size(); node++) {
      Map<String, Entry> replica = contents(sim, node);
      if (!replica.equals(reference)) {
        fail("replica " + node + " differs from replica 0" + reproduce);
      }
    }
    long deletesThatWon = reference.values().stream().filter(Entry::isTombstone).count();
    assertTrue(deletesThatWon > 0, "no delete won, so deletes went untested" + reproduce);
    MergePolicy lww = MergePolicy.lastWriterWins();
    assertEquals(acked.keySet(), reference.keySet(), "a key is missing or extra" + reproduce);
    for (Map.Entry<String, List<Ack>> e : acked.entrySet()) {
      Ack winner = null;
      for (Ack a : e.getValue()) {
        if (winner == null || a.version().compareTo(winner.version()) > 0) {
          winner = a;
        }
      }
      Entry held = reference.get(e.getKey());
      Entry expected =
          winner.delete()
              ? Entry.tombstone(e.getKey(), winner.version())
              : Entry.of(e.getKey(), winner.value(), winner.version());
      assertEquals(expected, held, "key " + e.getKey() + " lost its winning write" + reproduce);
      // The policy, applied to every acknowledged write, picks the same entry.
      assertEquals(expected, lww.merge(held, expected), reproduce);
    }
  }

  private static Map<String, Entry> contents(Simulation sim, int node) {
    Map<String, Entry> out = new HashMap<>();
    sim.node(node).store().forEach(e -> out.put(e.key(), e));
    return out;
  }
}
