package com.example.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import io.gossipkit.testkit.contract.PeerSelectorContract;
import io.gossipkit.testkit.contract.TestViews;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves {@link ZoneAwarePeerSelector} with the Gossip Kit testkit: it inherits every rule of
 * {@link PeerSelectorContract} (R1.x) and adds the one promise of its own, the zone preference.
 */
class ZoneAwarePeerSelectorContractTest extends PeerSelectorContract {
  private static final double REMOTE_PROBABILITY = 0.25;

  @Override
  protected PeerSelector newPeerSelector() {
    return new ZoneAwarePeerSelector("eu-", REMOTE_PROBABILITY);
  }

  // isUniform() stays false: preferring the local zone is the point. selectsOnlyLivePeers() and
  // reachesEveryLivePeer() keep their strict defaults, since remote peers are picked too.

  /**
   * Alternates zones so every contract view has local and remote peers, and the rules exercise
   * both sides and the fallback from an exhausted side.
   */
  @Override
  protected NodeId peerId(int index) {
    return NodeId.of(String.format("%s%03d", index % 2 == 0 ? "eu-" : "us-", index));
  }

  @Test
  void picksARemoteZonePeerAboutAsOftenAsConfigured() {
    PeerView view = TestViews.withDead(100, this::peerId);
    PeerSelector selector = newPeerSelector();
    RandomSource random = RandomSource.seeded(seed());
    int remote = 0;
    int calls = 10_000;
    for (int call = 0; call < calls; call++) {
      NodeId peer = selector.select(view, 1, null, random).get(0);
      if (!peer.value().startsWith("eu-")) {
        remote++;
      }
    }

    // 2500 expected; the standard deviation is about 43, so this band is over 10 of them wide.
    double share = (double) remote / calls;
    assertTrue(share > 0.2 && share < 0.3, "remote share " + share);
  }

  @Test
  void staysInTheLocalZoneWhenRemoteProbabilityIsZero() {
    PeerView view = TestViews.withDead(20, this::peerId);
    PeerSelector selector = new ZoneAwarePeerSelector("eu-", 0.0);
    RandomSource random = RandomSource.seeded(seed());
    for (int call = 0; call < 200; call++) {
      List<NodeId> picked = selector.select(view, 3, null, random);
      assertEquals(3, picked.size(), "picked " + picked); // ten local peers, all live
      for (NodeId peer : picked) {
        assertTrue(peer.value().startsWith("eu-"), "picked remote peer " + peer);
      }
    }
  }

  @Test
  void fallsBackToARemotePeerWhenTheLocalZoneIsDown() {
    // Every even index is an "eu-" peer; all of them dead.
    PeerView view = TestViews.withDead(6, this::peerId, 0, 2, 4);
    PeerSelector selector = new ZoneAwarePeerSelector("eu-", 0.0);

    List<NodeId> picked = selector.select(view, 2, null, RandomSource.seeded(seed()));

    assertEquals(2, picked.size(), "picked " + picked);
    assertTrue(picked.stream().allMatch(p -> p.value().startsWith("us-")), "picked " + picked);
  }
}
