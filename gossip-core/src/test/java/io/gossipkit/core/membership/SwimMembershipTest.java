package io.gossipkit.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.message.Ack;
import io.gossipkit.core.membership.SwimHarness.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SWIM membership as a specification, on {@link SwimHarness}: real {@link SwimMembership}s and
 * the production codec under virtual time, so every run reproduces from its seed.
 */
class SwimMembershipTest {
  static final int N = 20;
  static final GossipConfig LAN = GossipConfig.lan();

  static SwimHarness joined(long seed, int n) {
    SwimHarness h = new SwimHarness(LAN, MembershipConfig.lan(), seed);
    h.addNodes(n);
    h.startAll(1_000);
    long took = h.runUntil(() -> allSeeAlive(h, n), 100, 30_000);
    assertTrue(took >= 0, "the cluster of " + n + " did not converge in 30 s of virtual time");
    return h;
  }

  static boolean allSeeAlive(SwimHarness h, int n) {
    for (Node node : h.nodes()) {
      if (!node.crashed && node.aliveCount() != n) {
        return false;
      }
    }
    return true;
  }

  static boolean allOthersSeeGone(SwimHarness h, Node gone, MemberState state) {
    for (Node node : h.nodes()) {
      if (node == gone || node.crashed) {
        continue;
      }
      Member m = node.member(gone.id);
      if (m != null && m.state() != state) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when every other running node holds a record of {@code gone} in state LEFT; a node with
   * no record of it fails. A LEFT record is reaped only once it is older than the dead retention
   * (30 s under {@code MembershipConfig.lan()}), far beyond the few seconds the leave tests run, so
   * a missing record there is a node that never heard of the leave, not one that forgot it.
   */
  static boolean allOthersSeeLeft(SwimHarness h, Node leaver) {
    for (Node node : h.nodes()) {
      if (node == leaver || node.crashed) {
        continue;
      }
      Member m = node.member(leaver.id);
      if (m == null || m.state() != MemberState.LEFT) {
        return false;
      }
    }
    return true;
  }

  /**
   * The longest a crash may go unnoticed under {@code config} in a cluster of {@code n}: every
   * other member probes it within one round-robin pass of n - 1 probe intervals, the failed probe
   * ends one interval later, the suspicion lasts at most suspicionMaxTimeoutMultiplier times the
   * shortest, and the verdict spreads within a few gossip intervals (here 20).
   */
  static long detectionBound(GossipConfig config, MembershipConfig m, int n) {
    long probe = config.probeInterval().toMillis();
    long min = (long) (config.suspicionMultiplier() * Math.max(1, Math.log10(n)) * probe);
    return n * probe + m.suspicionMaxTimeoutMultiplier() * min
        + 20 * config.gossipInterval().toMillis();
  }

  @Test
  void twentyNodesJoinFromOneSeedAndAllSeeTwentyAlive() {
    SwimHarness h = new SwimHarness(LAN, MembershipConfig.lan(), 1);
    h.addNodes(N);
    h.startAll(1_000);
    long took = h.runUntil(() -> allSeeAlive(h, N), 100, 30_000);
    assertTrue(took >= 0, "not every node saw " + N + " alive within 30 s");
    for (Node node : h.nodes()) {
      assertEquals(N, node.swim.members().size(), node + " " + node.swim.members());
      PeerView view = node.swim.peers();
      assertEquals(N - 1, view.size(), node + " view");
      for (int i = 0; i < view.size(); i++) {
        assertNotEquals(node.id, view.get(i), "a view never lists its own node");
        assertTrue(view.isLive(i));
      }
    }
  }

  /**
   * Member list messages per push-pull in a joined cluster of 150, over the next ten push-pull
   * intervals, with lists of at most {@code listBudget} bytes (0: the datagram budget).
   */
  private static double listMessagesPerPushPull(int listBudget) {
    SwimHarness h = new SwimHarness(LAN, MembershipConfig.lan(), 3);
    h.listBudget(listBudget);
    h.addNodes(150);
    h.startAll(1_000);
    assertTrue(h.runUntil(() -> allSeeAlive(h, 150), 100, 60_000) >= 0, "not joined in 60 s");
    long lists = h.memberSyncsSent();
    long pushPulls = pushPulls(h);
    h.runFor(10 * MembershipConfig.lan().pushPullInterval().toMillis());
    assertTrue(allSeeAlive(h, 150), "the cluster fell apart");
    return (double) (h.memberSyncsSent() - lists) / (pushPulls(h) - pushPulls);
  }

  private static long pushPulls(SwimHarness h) {
    long n = 0;
    for (Node node : h.nodes()) {
      n += node.counters.get("membership.push_pulls");
    }
    return n;
  }

  @Test
  void overAStreamTransportAPushPullOf150MembersIsOneListEachWay() {
    double datagrams = listMessagesPerPushPull(0);
    double stream = listMessagesPerPushPull(64 << 10);

    assertEquals(2.0, stream, 0.01, "one list and one reply per push-pull");
    assertTrue(datagrams >= 4, datagrams + " list messages per push-pull over datagrams");
  }

  /**
   * Milliseconds of virtual time, after a partition of node 7 healed at the moment every other
   * node had declared it DEAD, until every node sees it ALIVE again; -1 if not within 120 s.
   */
  private static long recoveryAfterAFalseDeath(MembershipConfig m, long seed) {
    SwimHarness h = new SwimHarness(LAN, m, seed);
    h.addNodes(N);
    h.startAll(1_000);
    assertTrue(h.runUntil(() -> allSeeAlive(h, N), 100, 30_000) >= 0, "not joined");
    Node isolated = h.node(7);
    h.loss((p, r) -> p.from() == 7 || p.to() == 7);
    assertTrue(h.runUntil(() -> allOthersSeeGone(h, isolated, MemberState.DEAD), 50, 120_000) >= 0,
        "node 7 was not declared dead while cut off");
    h.loss((p, r) -> false);
    return h.runUntil(() -> allOthersSeeAliveOrSuspect(h, isolated), 50, 120_000);
  }

  private static boolean allOthersSeeAliveOrSuspect(SwimHarness h, Node member) {
    for (Node node : h.nodes()) {
      if (node != member) {
        Member m = node.member(member.id);
        if (m == null || m.state() != MemberState.ALIVE) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  void aMemberDeclaredDeadByMistakeHearsOfItFromGossipAndRefutesWithinSeconds() {
    MembershipConfig never = MembershipConfig.lan().toBuilder()
        .gossipToTheDead(Duration.ZERO).build();
    for (long seed = 1; seed <= 3; seed++) {
      long with = recoveryAfterAFalseDeath(MembershipConfig.lan(), seed);
      long without = recoveryAfterAFalseDeath(never, seed);

      assertTrue(with >= 0 && with <= 3_000,
          "seed " + seed + ": ALIVE again everywhere after " + with + " ms with gossip to the dead");
      assertTrue(without < 0 || without > with,
          "seed " + seed + ": " + without + " ms without gossip to the dead, " + with + " with");
    }
  }

  @Test
  void viewListsPeersInRingOrderStartingAtTheSuccessor() {
    SwimHarness h = joined(2, 5);
    PeerView view = h.node(2).swim.peers();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < view.size(); i++) {
      ids.add(view.get(i).value());
    }
    assertEquals(List.of("n03", "n04", "n00", "n01"), ids);
  }

  @Test
  void crashedNodeIsDeclaredDeadByEveryOtherNodeWithinTheConfiguredBound() {
    SwimHarness h = joined(3, N);
    Node victim = h.node(7);
    long crashedAt = h.now();
    h.crash(7);
    long bound = detectionBound(LAN, MembershipConfig.lan(), N);
    long took = h.runUntil(() -> allOthersSeeGone(h, victim, MemberState.DEAD), 50, bound);
    assertTrue(took >= 0, "not every node saw the crashed node DEAD within " + bound + " ms");
    long min = (long) (LAN.suspicionMultiplier() * Math.log10(N) * LAN.probeInterval().toMillis());
    for (Node node : h.nodes()) {
      if (node == victim) {
        continue;
      }
      Long at = node.firstGone.get(victim.id);
      assertNotNull(at, node + " never marked it gone");
      // Lifeguard never kills faster than the shortest suspicion after a failed probe.
      assertTrue(at - crashedAt >= min, node + " declared it dead after " + (at - crashedAt)
          + " ms, less than the shortest suspicion " + min + " ms");
      for (int i = 0; i < node.swim.peers().size(); i++) {
        assertNotEquals(victim.id, node.swim.peers().get(i), node + "'s view still lists it");
      }
    }
  }

  @Test
  void suspectedButAliveNodeRefutesAndStaysAlive() {
    SwimHarness h = joined(4, N);
    Node suspect = h.node(5);
    long until = h.now() + 4_000;
    // Its acks are lost for four seconds (shorter than the shortest suspicion, 5.2 s at 20
    // nodes): probes of it fail, but it still hears the suspicion and answers it.
    h.loss((p, r) -> p.from() == 5 && p.message() instanceof Ack && h.now() < until);
    h.runFor(4_000);
    h.loss((p, r) -> false);
    h.runFor(10_000);
    long suspicions = 0;
    for (Node node : h.nodes()) {
      suspicions += node.counters.get("membership.suspected");
    }
    assertTrue(suspicions > 0, "nobody suspected the node: the test proved nothing");
    assertTrue(suspect.swim.incarnation() > 0, "the suspect never refuted");
    assertTrue(suspect.counters.get("membership.refuted") > 0);
    for (Node node : h.nodes()) {
      assertFalse(node.everDead.contains(suspect.id), node + " declared the live node dead");
      if (node != suspect) {
        Member m = node.member(suspect.id);
        assertEquals(MemberState.ALIVE, m.state(), node + " sees " + m);
        assertEquals(suspect.swim.incarnation(), m.incarnation(), node + " sees " + m);
      }
    }
  }

  @Test
  void membershipMessageLossIsTolerated() {
    SwimHarness h = new SwimHarness(LAN, MembershipConfig.lan(), 5);
    h.addNodes(N);
    h.loss((p, r) -> r.nextDouble() < 0.10);
    h.startAll(1_000);
    long took = h.runUntil(() -> allSeeAlive(h, N), 100, 60_000);
    assertTrue(took >= 0, "with 10% loss the cluster did not converge in 60 s");
    Node victim = h.node(11);
    h.crash(11);
    long bound = detectionBound(LAN, MembershipConfig.lan(), N);
    assertTrue(h.runUntil(() -> allOthersSeeGone(h, victim, MemberState.DEAD), 50, bound) >= 0,
        "with 10% loss the crash was not detected everywhere within " + bound + " ms");
    assertTrue(h.dropped() > 0);
    for (Node node : h.nodes()) {
      for (NodeId dead : node.everDead) {
        assertEquals(victim.id, dead, node + " declared a live node dead");
      }
    }
  }

  @Test
  void leavingNodeIsLeftEverywhere() {
    SwimHarness h = joined(6, N);
    Node leaver = h.node(9);
    leaver.swim.leave();
    h.runFor(200);
    h.crash(9); // closed right after leaving: it says nothing more
    long took = h.runUntil(() -> allOthersSeeLeft(h, leaver), 50, 5_000);
    assertTrue(took >= 0, "not every node saw the leaver LEFT within 5 s");
    for (Node node : h.nodes()) {
      assertFalse(node.everDead.contains(leaver.id), node + " took a departure for a death");
    }
  }

  /**
   * A leaver tells every member of a cluster this small itself, before it closes: within a tenth
   * of a probe interval, when nothing has been piggybacked yet, all 19 others know it LEFT.
   */
  @Test
  void aLeaverTellsEveryMemberOfASmallClusterItselfBeforeItCloses() {
    SwimHarness h = joined(8, N);
    Node leaver = h.node(N - 1);
    leaver.swim.leave();
    h.crash(N - 1);
    h.runFor(LAN.probeInterval().toMillis() / 10);
    assertTrue(allOthersSeeLeft(h, leaver),
        "some member did not hear the leave from the leaver itself");
  }

  @Test
  void deadMembersAreReapedAfterTheRetention() {
    MembershipConfig m = MembershipConfig.lan().toBuilder()
        .deadRetention(java.time.Duration.ofSeconds(5)).build();
    SwimHarness h = new SwimHarness(LAN, m, 7);
    h.addNodes(5);
    h.startAll(500);
    assertTrue(h.runUntil(() -> allSeeAlive(h, 5), 100, 30_000) >= 0);
    h.crash(3);
    Node gone = h.node(3);
    assertTrue(h.runUntil(() -> allOthersSeeGone(h, gone, MemberState.DEAD), 50, 60_000) >= 0);
    // Reaped at the end of a probe pass once older than the retention.
    assertTrue(h.runUntil(() -> {
      for (Node node : h.nodes()) {
        if (node != gone && node.member(gone.id) != null) {
          return false;
        }
      }
      return true;
    }, 100, 5_000 + 10_000) >= 0, "the dead member was never reaped");
  }

  @Test
  void joinersRetryTheSeedWithDoublingWaitsUntilItAnswers() {
    SwimHarness h = new SwimHarness(LAN, MembershipConfig.lan(), 9);
    h.addNodes(5);
    for (int i = 1; i < 5; i++) {
      h.start(i);
    }
    h.runFor(10_000); // the seed is not up yet: every attempt is lost
    for (int i = 1; i < 5; i++) {
      // Attempts at 0, 1, 3 and 7 s: doubling waits, not one a second.
      assertEquals(4, h.node(i).counters.get("membership.join_attempts"), h.node(i) + "");
      assertEquals(1, h.node(i).swim.members().size(), "nobody to know yet");
    }
    h.start(0);
    // The next attempts come at 15 s and 31 s after the joiners started.
    long took = h.runUntil(() -> allSeeAlive(h, 5), 100, 30_000);
    assertTrue(took >= 0 && took <= 6_000, "joined " + took + " ms after the seed came up");
  }

  @Test
  void aNodeThatHearsNothingSlowsItsProbesWhileItsAccusersStayHealthy() {
    SwimHarness h = joined(10, 10);
    Node deaf = h.node(6);
    h.loss((p, r) -> p.to() == 6);
    long[] probesBefore = new long[10];
    for (int i = 0; i < 10; i++) {
      probesBefore[i] = h.node(i).counters.get("membership.probes");
    }
    int[] worst = new int[10];
    for (int step = 0; step < 300; step++) {
      h.runFor(100);
      for (Node node : h.nodes()) {
        worst[node.index] = Math.max(worst[node.index], node.swim.healthScore());
      }
    }
    // No ack and no nack ever reaches it: Lifeguard says the fault is likely its own.
    assertEquals(SwimMembership.MAX_AWARENESS, deaf.swim.healthScore());
    long deafProbes = deaf.counters.get("membership.probes") - probesBefore[6];
    for (Node node : h.nodes()) {
      if (node == deaf) {
        continue;
      }
      // Their probes of it fail too, but their indirect probers' nacks clear them (without
      // nacks each failed probe would cost 3). The one point allowed is for refuting the deaf
      // node's own suspicions of them, which Lifeguard also counts.
      assertTrue(worst[node.index] <= 1, node + " was blamed for the deaf node: "
          + worst[node.index]);
      long probes = node.counters.get("membership.probes") - probesBefore[node.index];
      assertTrue(deafProbes * 3 < probes,
          "the deaf node probed " + deafProbes + " times, " + node + " " + probes);
    }
  }

  @Test
  void sameSeedGivesTheSameRun() {
    long[] first = detectionRun(8);
    long[] second = detectionRun(8);
    assertEquals(first[0], second[0], "detection time differs between identical runs");
    assertEquals(first[1], second[1], "message count differs between identical runs");
  }

  private static long[] detectionRun(long seed) {
    SwimHarness h = joined(seed, 10);
    h.crash(4);
    Node victim = h.node(4);
    long took = h.runUntil(() -> allOthersSeeGone(h, victim, MemberState.DEAD), 10, 60_000);
    return new long[] {took, h.delivered()};
  }
}
