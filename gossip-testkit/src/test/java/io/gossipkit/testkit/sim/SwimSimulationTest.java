package io.gossipkit.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.MemberGossip;
import io.gossipkit.api.message.MemberUpdate;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.membership.MembershipConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SWIM membership in virtual time: joins, crashes, departures and loss, reproducible by seed. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwimSimulationTest {
  /** What one scripted run produced: enough to tell two runs apart. */
  private record Trace(long joinMillis, long[] detection, long messages, long bytes, long lost) {}

  private static Trace joinThenCrash(long seed, double loss) {
    SwimSimulation sim = SwimSimulation.builder().nodes(40).seed(seed).loss(loss).build();
    sim.startAll(1_000);
    long join = sim.runUntil(sim::allJoined, 100, 60_000);
    sim.crash(17);
    long took = sim.runUntil(() -> sim.detectedEverywhere(17), 100, 120_000);
    assertTrue(took >= 0, "seed " + seed + ": crash of n17 not detected everywhere in 120 s");
    return new Trace(join, sim.detectionMillis(17), sim.messages(), sim.bytes(), sim.lost());
  }

  @Test
  void aRunIsReproducedExactlyByItsSeed() {
    Trace a = joinThenCrash(11, 0.05);
    Trace b = joinThenCrash(11, 0.05);
    assertEquals(a.joinMillis(), b.joinMillis());
    assertArrayEquals(a.detection(), b.detection());
    assertEquals(a.messages(), b.messages());
    assertEquals(a.bytes(), b.bytes());
    assertEquals(a.lost(), b.lost());
    Trace c = joinThenCrash(12, 0.05);
    assertNotEquals(a.messages(), c.messages(), "another seed, another run");
  }

  @Test
  void everyNodeJoinsThroughTheFirstAndACrashIsDeclaredDeadEverywhereWithinTheSuspicionBound() {
    GossipConfig lan = GossipConfig.lan();
    SwimSimulation sim = SwimSimulation.builder().nodes(50).seed(3).config(lan).build();
    sim.startAll(1_000);
    long join = sim.runUntil(sim::allJoined, 100, 60_000);
    assertTrue(join >= 0, "50 nodes did not all see each other within 60 s: " + sim);
    for (int i = 0; i < 50; i++) {
      assertEquals(49, sim.aliveSeenBy(i), "n" + i);
    }

    sim.crash(20);
    long took = sim.runUntil(() -> sim.detectedEverywhere(20), 100, 120_000);
    // A probe round reaches every member within n probe intervals (a shuffled round robin), and
    // Lifeguard's suspicion lasts at most maxMultiplier (6) times multiplier * log10(n) * probe
    // interval, shrinking as confirmations arrive.
    long probe = lan.probeInterval().toMillis();
    long longestSuspicion = (long) (6 * lan.suspicionMultiplier()
        * Math.max(1, Math.log10(50)) * probe);
    assertTrue(took > 0 && took <= 50 * probe + longestSuspicion + 5_000,
        "crash detected everywhere after " + took + " ms");
    long[] d = sim.detectionMillis(20);
    assertEquals(49, d.length);
    assertTrue(d[0] >= 0 && d[48] <= took, "every survivor saw it, the last when the wait ended: "
        + Arrays.toString(d));
    for (int i = 0; i < 50; i++) {
      if (i != 20) {
        assertEquals(MemberState.DEAD, sim.stateOf(i, 20), "n" + i + "'s view of n20");
      }
    }
    assertEquals(0, sim.falseDeadDeclarations(), "no live member is declared dead without loss");
    assertTrue(sim.counters().get("membership.probes_failed") > 0);
  }

  @Test
  void nodesJoiningUnderLossLearnEveryMemberWithinSecondsNotAtALaterPushPull() {
    // The seed answers each join with its whole list, seven datagrams at 200 members; with 5%
    // loss some join loses a part, and those members, gossiped long ago, would stay unknown to
    // it until a push-pull 30 s later (seed 1 took 91.5 s before the quick exchanges after join).
    long pushPull = MembershipConfig.lan().pushPullInterval().toMillis();
    for (long seed = 1; seed <= 5; seed++) {
      SwimSimulation sim = SwimSimulation.builder().nodes(200).seed(seed).loss(0.05).build();
      sim.startAll(1_000);
      long join = sim.runUntil(sim::allJoined, 100, 120_000);
      assertTrue(join >= 0 && join < pushPull / 2,
          "seed " + seed + ": every node knew every other only after " + join + " ms");
    }
  }

  @Test
  void onTheWanPresetRelaysNackInTimeSoCrashesCostHealthyProbersNoHealth() {
    // WAN: 5 s probes, 3 s timeout. Relays used to nack at 80% of the timeout, 5.4 s after the
    // probe, past the 5 s at which the prober judges its indirect probes: every failed probe of
    // a crashed member then raised a healthy prober's score by its three missing nacks.
    SwimSimulation sim = SwimSimulation.builder().nodes(20).seed(4).config(GossipConfig.wan())
        .build();
    sim.startAll(1_000);
    assertTrue(sim.runUntil(sim::allJoined, 100, 120_000) >= 0, "join");
    for (int crashed : new int[] {3, 7, 11}) {
      sim.crash(crashed);
    }
    assertTrue(sim.runUntil(() -> sim.detectedEverywhere(3) && sim.detectedEverywhere(7)
        && sim.detectedEverywhere(11), 100, 600_000) >= 0, "crashes found");
    for (int i = 0; i < 20; i++) {
      if (i != 3 && i != 7 && i != 11) {
        assertEquals(0, sim.healthScore(i), "n" + i + "'s health score, without loss");
      }
    }
  }

  @Test
  void aDepartureIsSeenAsLeftEverywhereInAFewGossipIntervalsAndNeverAsDead() {
    SwimSimulation sim = SwimSimulation.builder().nodes(50).seed(5).build();
    sim.startAll(1_000);
    assertTrue(sim.runUntil(sim::allJoined, 100, 60_000) >= 0);
    sim.leave(7);
    long took = sim.runUntil(() -> sim.detectedEverywhere(7), 10, 30_000);
    assertTrue(took >= 0 && took < 5_000, "leave seen everywhere after " + took + " ms");
    for (int i = 0; i < 50; i++) {
      if (i != 7) {
        assertEquals(MemberState.LEFT, sim.stateOf(i, 7), "n" + i + "'s view of n7");
      }
    }
    assertEquals(0, sim.falseDeadDeclarations());
  }

  @Test
  void underTenPercentLossLiveMembersAreSuspectedAndRefuteWhileACrashIsStillFound() {
    // Lifeguard's point: indirect probes and refutation keep live members from being declared
    // dead by 10% loss (memberlist's own target). It is a probability, not a certainty: over
    // five seeds (250 members, each watched by 49 others for two minutes) at most one live
    // member may be declared dead.
    List<String> falselyDead = new ArrayList<>();
    for (long seed = 9; seed < 14; seed++) {
      SwimSimulation sim = SwimSimulation.builder().nodes(50).seed(seed).loss(0.10).build();
      sim.startAll(1_000);
      assertTrue(sim.runUntil(sim::allJoined, 100, 60_000) >= 0, "seed " + seed + ": join");
      sim.runFor(60_000);
      sim.crash(33);
      assertTrue(sim.runUntil(() -> sim.detectedEverywhere(33), 100, 120_000) >= 0,
          "seed " + seed + ": crash found");
      assertTrue(sim.lost() > 0.05 * sim.messages(), "the loss rate applied");
      assertTrue(sim.counters().get("membership.suspected") > 0, "loss made some probe fail");
      assertTrue(sim.counters().getOrDefault("membership.refuted", 0L) > 0,
          "seed " + seed + ": suspected live members refuted");
      for (NodeId m : sim.falselyDead()) {
        falselyDead.add("seed " + seed + ": " + m);
      }
    }
    assertTrue(falselyDead.size() <= 1, "declared dead while running: " + falselyDead);
  }


  /** 20 nodes joined, node 5 crashed and declared DEAD everywhere; returns its last incarnation. */
  private static long crashedAndDeadEverywhere(SwimSimulation sim) {
    sim.startAll(1_000);
    assertTrue(sim.runUntil(sim::allJoined, 100, 60_000) >= 0);
    long incarnation = sim.incarnationOf(1, 5);
    sim.crash(5);
    assertTrue(sim.runUntil(() -> sim.detectedEverywhere(5), 100, 120_000) >= 0);
    return incarnation;
  }

  private static boolean reapedEverywhere(SwimSimulation sim, int member) {
    for (int i = 0; i < sim.size(); i++) {
      if (i != member && sim.stateOf(i, member) != null) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aStaleAliveForAReapedMemberDoesNotBringItBack() {
    SwimSimulation sim = SwimSimulation.builder().nodes(20).seed(21).build();
    long incarnation = crashedAndDeadEverywhere(sim);
    // Reaped at the end of a probe pass at least deadRetention (30 s on LAN) after the death.
    assertTrue(sim.runUntil(() -> reapedEverywhere(sim, 5), 1_000, 120_000) >= 0,
        "node 5 was never reaped");

    // An ALIVE from node 5's life before the crash, still in flight (a relayed broadcast, or a
    // push-pull from a node cut off since): node 5 itself is gone for good.
    sim.deliver(1, 2, new MemberGossip(List.of(new MemberUpdate(sim.id(5), sim.address(5),
        MemberState.ALIVE, incarnation, sim.id(5)))));
    sim.runFor(10_000);
    assertEquals(null, sim.stateOf(2, 5), "the stale ALIVE resurrected node 5 on node 2");
    assertTrue(reapedEverywhere(sim, 5), "node 2 spread the stale ALIVE");
    assertTrue(sim.counters().get("membership.dropped_stale_alive") >= 1);
  }

  @Test
  void aRestartedMemberRejoinsWithANewerIncarnationAfterTheOthersReapedIt() {
    SwimSimulation sim = SwimSimulation.builder().nodes(20).seed(22).build();
    long incarnation = crashedAndDeadEverywhere(sim);
    assertTrue(sim.runUntil(() -> reapedEverywhere(sim, 5), 1_000, 120_000) >= 0);

    sim.restart(5); // incarnation 0 again, which the others remember as dead
    long took = sim.runUntil(sim::allJoined, 10, 30_000);
    assertTrue(took >= 0 && took < 5_000, "rejoined everywhere after " + took + " ms");
    for (int i = 0; i < 20; i++) {
      if (i != 5) {
        assertEquals(MemberState.ALIVE, sim.stateOf(i, 5));
        assertTrue(sim.incarnationOf(i, 5) > incarnation, "node " + i + " holds incarnation "
            + sim.incarnationOf(i, 5) + ", the dead one was " + incarnation);
      }
    }
  }

  @Test
  void aRestartedMemberRejoinsWhileTheOthersStillHoldItDead() {
    SwimSimulation sim = SwimSimulation.builder().nodes(20).seed(23).build();
    crashedAndDeadEverywhere(sim);
    sim.restart(5);
    long took = sim.runUntil(sim::allJoined, 10, 30_000);
    assertTrue(took >= 0 && took < 5_000, "rejoined everywhere after " + took + " ms");
  }

  private static SwimSimulation withEngines(int nodes, long seed, double loss) {
    return SwimSimulation.builder().nodes(nodes).seed(seed).loss(loss)
        .engines(GossipNodes.defaultStrategy(GossipConfig.lan())).build();
  }

  @Test
  void aWriteSpreadsToEveryNodeThroughTheEnginesOverTheirSwimViews() {
    SwimSimulation sim = withEngines(30, 31, 0);
    sim.startAll(1_000);
    assertTrue(sim.runUntil(sim::allJoined, 100, 60_000) >= 0);
    sim.put(3, "k", new byte[] {1});
    long took = sim.runUntil(() -> sim.heldEverywhere("k"), 10, 30_000);
    // Rumor mongering with lazy pushes, fanout 3, 200 ms rounds: a few rounds for 30 nodes.
    assertTrue(took >= 0 && took < 5_000, "write held everywhere after " + took + " ms");
    long[] spread = sim.spreadMillis("k");
    assertEquals(30, spread.length);
    assertEquals(0, spread[0], "the writer holds it at once");
    assertTrue(spread[29] <= took, Arrays.toString(spread));
    assertTrue(sim.engineMessages() > 0 && sim.engineBytes() > 0);
  }

  @Test
  void aWriteMadeAsAMemberCrashesStillReachesEverySurvivor() {
    SwimSimulation sim = withEngines(30, 32, 0.05);
    sim.startAll(1_000);
    assertTrue(sim.runUntil(sim::allJoined, 100, 60_000) >= 0);
    sim.crash(7);
    sim.put(3, "k", new byte[] {2});
    long took = sim.runUntil(() -> sim.heldEverywhere("k"), 10, 60_000);
    assertTrue(took >= 0, "the write never reached every survivor under 5% loss");
    assertEquals(29, sim.spreadMillis("k").length, "the crashed node is not waited for");
  }

  @Test
  void aRestartedMemberGetsTheStateAsSoonAsItRejoinsNotAtTheNextPeriodicSync() {
    SwimSimulation sim = withEngines(20, 34, 0);
    sim.startAll(1_000);
    assertTrue(sim.runUntil(sim::allJoined, 100, 60_000) >= 0);
    sim.put(2, "k", new byte[] {4});
    assertTrue(sim.runUntil(() -> sim.heldEverywhere("k"), 10, 30_000) >= 0);
    sim.runFor(10_000); // long after the rumor went cold
    sim.crash(6);
    assertTrue(sim.runUntil(() -> sim.detectedEverywhere(6), 100, 120_000) >= 0);

    sim.restart(6); // an empty replica
    long took = sim.runUntil(() -> sim.heldEverywhere("k"), 10, 60_000);
    // Anti-entropy runs every 150 rounds (30 s on LAN); the first round that finds a live peer
    // runs it at once, so the restarted node has the key within its join and one exchange.
    assertTrue(took >= 0 && took < 3_000, "the restarted node held the key after " + took + " ms");
  }

  @Test
  void aRunWithEnginesIsReproducedExactlyByItsSeed() {
    long[][] spreads = new long[2][];
    long[] messages = new long[2];
    for (int r = 0; r < 2; r++) {
      SwimSimulation sim = withEngines(20, 33, 0.05);
      sim.startAll(1_000);
      sim.runUntil(sim::allJoined, 100, 60_000);
      sim.crash(4);
      sim.put(9, "k", new byte[] {3});
      sim.runFor(20_000);
      spreads[r] = sim.spreadMillis("k");
      messages[r] = sim.engineMessages();
    }
    assertArrayEquals(spreads[0], spreads[1]);
    assertEquals(messages[0], messages[1]);
  }

  @Test
  void writesNeedEnginesAndARunningWriter() {
    SwimSimulation bare = SwimSimulation.builder().nodes(3).build();
    bare.startAll(0);
    bare.runFor(1);
    assertThrows(IllegalStateException.class, () -> bare.put(0, "k", new byte[0]));
    SwimSimulation sim = withEngines(3, 1, 0);
    sim.startAll(0);
    sim.runFor(1);
    sim.crash(1);
    assertThrows(IllegalStateException.class, () -> sim.put(1, "k", new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> sim.spreadMillis("never-written"));
  }

  @Test
  void theBuilderRefusesWhatCannotBeSimulated() {
    assertThrows(IllegalArgumentException.class, () -> SwimSimulation.builder().nodes(0));
    assertThrows(IllegalArgumentException.class,
        () -> SwimSimulation.builder().nodes(SwimSimulation.MAX_NODES + 1));
    assertThrows(IllegalArgumentException.class, () -> SwimSimulation.builder().loss(1.0));
    assertThrows(IllegalArgumentException.class, () -> SwimSimulation.builder().loss(-0.1));
    assertThrows(IllegalArgumentException.class,
        () -> SwimSimulation.builder().latencyMillis(5, 4));
    assertThrows(IllegalArgumentException.class,
        () -> SwimSimulation.builder().messageBudget(10));
    SwimSimulation sim = SwimSimulation.builder().nodes(3).build();
    assertThrows(IndexOutOfBoundsException.class, () -> sim.crash(3));
    assertThrows(IllegalArgumentException.class, () -> sim.detectionMillis(1));
  }
}
