package io.gossipkit.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.MemberGossip;
import io.gossipkit.api.message.MemberSync;
import io.gossipkit.api.message.MemberUpdate;
import io.gossipkit.api.message.PingReq;
import io.gossipkit.core.membership.SwimHarness.Node;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a member can claim and what a node believes: stale, forged and oversized membership input
 * changes nothing it must not, is bounded, and is counted.
 */
class SwimHostileInputTest {
  static SwimHarness cluster(MembershipConfig m) {
    SwimHarness h = new SwimHarness(GossipConfig.lan(), m, 11);
    h.addNodes(4);
    h.startAll(100);
    assertTrue(h.runUntil(() -> SwimMembershipTest.allSeeAlive(h, 4), 50, 20_000) >= 0);
    return h;
  }

  static MemberUpdate update(Node about, MemberState state, long incarnation, Node from) {
    return new MemberUpdate(about.id, about.address, state, incarnation, from.id);
  }

  @Test
  void staleIncarnationsChangeNothing() {
    SwimHarness h = cluster(MembershipConfig.lan());
    Node a = h.node(1);
    Node c = h.node(2);
    h.inject(3, 1, new MemberGossip(List.of(update(c, MemberState.ALIVE, 5, c))));
    assertEquals(5, a.member(c.id).incarnation());
    h.inject(3, 1, new MemberGossip(List.of(
        update(c, MemberState.SUSPECT, 4, h.node(3)),
        update(c, MemberState.DEAD, 3, h.node(3)),
        update(c, MemberState.ALIVE, 4, c))));
    Member seen = a.member(c.id);
    assertEquals(MemberState.ALIVE, seen.state());
    assertEquals(5, seen.incarnation());
  }

  @Test
  void claimsThatThisNodeIsDeadAreRefutedWithAHigherIncarnation() {
    SwimHarness h = cluster(MembershipConfig.lan());
    Node a = h.node(1);
    h.inject(3, 1, new MemberGossip(List.of(update(a, MemberState.DEAD, 7, h.node(3)))));
    assertEquals(8, a.swim.incarnation());
    assertEquals(MemberState.ALIVE, a.member(a.id).state());
    h.runFor(3_000);
    for (Node n : h.nodes()) {
      assertEquals(MemberState.ALIVE, n.member(a.id).state(), n + " sees " + n.member(a.id));
      assertEquals(8, n.member(a.id).incarnation(), n + " missed the refutation");
    }
  }

  @Test
  void aLeaveAnnouncedByAnotherNodeIsDropped() {
    SwimHarness h = cluster(MembershipConfig.lan());
    Node a = h.node(1);
    Node c = h.node(2);
    h.inject(3, 1, new MemberGossip(List.of(update(c, MemberState.LEFT, 1, h.node(3)))));
    assertEquals(MemberState.ALIVE, a.member(c.id).state());
    assertEquals(1, a.counters.get("membership.dropped_spoofed_leave"));
  }

  @Test
  void aLiveMemberCannotBeMovedToAnotherAddress() {
    SwimHarness h = cluster(MembershipConfig.lan());
    Node a = h.node(1);
    Node c = h.node(2);
    InetSocketAddress elsewhere = InetSocketAddress.createUnresolved("attacker", 1);
    h.inject(3, 1, new MemberGossip(List.of(
        new MemberUpdate(c.id, elsewhere, MemberState.ALIVE, 9, c.id))));
    assertEquals(c.address, a.member(c.id).address());
    assertEquals(1, a.counters.get("membership.dropped_address_conflict"));
  }

  @Test
  void anAbsurdIncarnationIsDropped() {
    SwimHarness h = cluster(MembershipConfig.lan());
    Node a = h.node(1);
    h.inject(3, 1, new MemberGossip(List.of(
        update(a, MemberState.SUSPECT, SwimMembership.MAX_INCARNATION + 1, h.node(3)))));
    assertEquals(0, a.swim.incarnation());
    assertEquals(1, a.counters.get("membership.dropped_bad_incarnation"));
  }

  @Test
  void theMemberTableIsCappedWhateverTheListsClaim() {
    SwimHarness h = cluster(MembershipConfig.lan().toBuilder().maxMembers(10).build());
    Node a = h.node(1);
    List<MemberUpdate> strangers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      NodeId id = NodeId.of("stranger-" + i);
      strangers.add(new MemberUpdate(id, InetSocketAddress.createUnresolved(id.value(), 1),
          MemberState.ALIVE, 0, id));
    }
    h.inject(3, 1, new MemberSync(false, strangers));
    assertEquals(10 + 1, a.swim.members().size(), "ten members and the node itself");
    assertEquals(200 - (10 - 3), a.counters.get("membership.dropped_table_full"));
  }

  @Test
  void indirectProbesForOthersAreCapped() {
    SwimHarness h = cluster(MembershipConfig.lan().toBuilder().maxPendingRelays(2).build());
    Node a = h.node(1);
    Node c = h.node(2);
    for (int i = 0; i < 5; i++) {
      h.inject(3, 1, new PingReq(1000 + i, c.id, c.address, List.of()));
    }
    assertEquals(3, a.counters.get("membership.dropped_relays_full"));
    h.runFor(GossipConfig.lan().probeTimeout().toMillis() + 10);
    // Expired relays free their slots.
    h.inject(3, 1, new PingReq(2000, c.id, c.address, List.of()));
    assertEquals(3, a.counters.get("membership.dropped_relays_full"));
  }

  @Test
  void aPingForAnotherNodeIsNotAnswered() {
    SwimHarness h = cluster(MembershipConfig.lan());
    Node a = h.node(1);
    h.inject(3, 1, new io.gossipkit.api.message.Ping(1, h.node(2).id, List.of()));
    assertEquals(1, a.counters.get("membership.dropped_misdirected"));
  }
}
