package io.gossipkit.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.Version;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.Strategies;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A partition that outlasts the tombstone TTL undoes no delete and loses no write: 400 nodes
 * split in two halves for 60 cycles (12 s) under a 2 s TTL, 10% message loss, while both halves
 * write and delete 100 keys they all held before the split. Both halves collect their own
 * tombstones long before the heal, and neither is returning (each half's nodes keep hearing
 * each other). After the heal, every replica is identical and every key holds what
 * last-writer-wins picks among all acknowledged writes, a delete being absent or a tombstone.
 */
class DeletesOutlastAPartitionTest {
  private static final long SEED = 20_261_202L;
  private static final int NODES = 400;
  private static final int KEYS = 100;

  /** One acknowledged write: its version and value, or null for a delete. */
  private record Ack(Version version, byte[] value) {}

  @Test
  void deletesCollectedOnEitherSideStayDeletedAndEveryLaterWriteSurvives() {
    GossipConfig config = GossipConfig.lan().toBuilder().tombstoneTtl(Duration.ofSeconds(2))
        .build();
    Simulation sim = Simulation.builder()
        .nodes(NODES)
        .seed(SEED)
        .config(config)
        .strategy(Strategies.antiEntropy(Exchange.PUSH_PULL, PeerSelectors::random, 1))
        .network(NetworkModel.PERFECT.withLoss(0.1))
        .build();
    String reproduce = " (seed " + SEED + "; rerun DeletesOutlastAPartitionTest with it)";
    SplittableRandom random = new SplittableRandom(SEED);
    Map<String, Ack> winners = new HashMap<>();

    // Every key everywhere before the split.
    for (int k = 0; k < KEYS; k++) {
      byte[] value = {1};
      record(winners, "k" + k, sim.put(random.nextInt(NODES), "k" + k, value), value);
    }
    stepUntilConverged(sim, 200, "before the split" + reproduce);

    sim.partition(node -> node < NODES / 2 ? 0 : 1);
    // Early in the partition (its first 10 cycles, 2 s), each half deletes some keys and writes
    // others, some on both halves, so that its tombstones are collected long before the heal.
    for (int cycle = 0; cycle < 60; cycle++) {
      if (cycle < 10) {
        for (int i = 0; i < 6; i++) {
          int node = random.nextInt(NODES);
          String key = "k" + random.nextInt(KEYS);
          if (random.nextInt(2) == 0) {
            record(winners, key, sim.delete(node, key), null);
          } else {
            byte[] value = {2, (byte) cycle, (byte) i};
            record(winners, key, sim.put(node, key, value), value);
          }
        }
      }
      sim.step();
    }
    assertTrue(sim.counters().getOrDefault("tombstones.collected", 0L) > 0,
        "no tombstone was collected before the heal, so this proves nothing" + reproduce);
    assertFalse(sim.converged(), "the halves agreed before the heal" + reproduce);
    sim.heal();

    stepUntilConverged(sim, 400, "after the heal" + reproduce);
    Map<String, Entry> reference = contents(sim, 0);
    for (int node = 1; node < NODES; node++) {
      if (!contents(sim, node).equals(reference)) {
        fail("replica " + node + " differs from replica 0" + reproduce);
      }
    }
    int deleted = 0;
    for (Map.Entry<String, Ack> w : winners.entrySet()) {
      Entry held = reference.get(w.getKey());
      Ack winner = w.getValue();
      if (winner.value() == null) {
        deleted++;
        assertTrue(held == null || held.isTombstone(),
            "key " + w.getKey() + " came back after its delete: " + held + reproduce);
      } else {
        assertEquals(Entry.of(w.getKey(), winner.value(), winner.version()), held,
            "key " + w.getKey() + " lost its winning write" + reproduce);
      }
    }
    assertTrue(deleted > 0, "no delete won, so deletes went untested" + reproduce);
    assertTrue(sim.counters().getOrDefault("tombstones.deletes_restored", 0L) > 0,
        "no value met a collected delete, so the records went untested" + reproduce);
  }

  /** Keeps the acknowledged write that last-writer-wins picks for {@code key}; null: a delete. */
  private static void record(Map<String, Ack> winners, String key, Version v, byte[] value) {
    Ack previous = winners.get(key);
    if (previous == null || v.compareTo(previous.version()) > 0) {
      winners.put(key, new Ack(v, value));
    }
  }

  private static void stepUntilConverged(Simulation sim, int cap, String when) {
    long start = sim.cycle();
    while (!(sim.converged() && sim.quiescent()) && sim.cycle() - start < cap) {
      sim.step();
    }
    assertTrue(sim.converged(), "replicas still differ " + cap + " cycles " + when);
  }

  private static Map<String, Entry> contents(Simulation sim, int node) {
    Map<String, Entry> out = new HashMap<>();
    sim.node(node).store().forEach(e -> out.put(e.key(), e));
    return out;
  }
}
