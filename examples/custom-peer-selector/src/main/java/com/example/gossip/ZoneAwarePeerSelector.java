package com.example.gossip;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A peer selector that keeps most gossip inside this node's zone and sends a fraction across zones.
 *
 * <p>A peer is in the local zone when its id starts with the configured prefix ({@code "eu-"}, say).
 * For each peer picked, the selector crosses to a remote zone with probability {@code
 * remoteProbability} and otherwise stays local; when the chosen side has no eligible peer left it
 * takes one from the other side, so the selector still returns {@code min(count, eligible)} peers.
 * Cross-zone links are slow and costly, but a few of them are what carry an update from zone to
 * zone; with {@code remoteProbability} 0 a zone would never hear of the others.
 *
 * <p>Like every selector it never returns {@code exclude}, never the same peer twice in one call,
 * and only live peers. It uses only gossip-api types and the node's {@link RandomSource}, so runs
 * reproduce from the simulator's seed. It scans the view once per call, O(view size): fine for
 * hundreds of members; a very large cluster would cache the zone split between view changes.
 * Stateless and thread-safe.
 *
 * <pre>{@code
 * PeerSelector selector = new ZoneAwarePeerSelector("eu-", 0.1); // one peer in ten is remote
 * }</pre>
 */
public final class ZoneAwarePeerSelector implements PeerSelector {
  private final String zonePrefix;
  private final double remoteProbability;

  /**
   * Creates a selector for a node in the zone named by {@code zonePrefix}.
   *
   * @param zonePrefix the id prefix of peers in this node's zone, such as {@code "eu-"}
   * @param remoteProbability the chance, in [0, 1], that each pick goes to a remote zone
   * @throws IllegalArgumentException if the prefix is empty or the probability is out of range
   */
  public ZoneAwarePeerSelector(String zonePrefix, double remoteProbability) {
    Objects.requireNonNull(zonePrefix, "zonePrefix");
    if (zonePrefix.isEmpty()) {
      throw new IllegalArgumentException("zonePrefix must not be empty");
    }
    if (!(remoteProbability >= 0 && remoteProbability <= 1)) {
      throw new IllegalArgumentException(
          "remoteProbability must be in [0, 1], was " + remoteProbability);
    }
    this.zonePrefix = zonePrefix;
    this.remoteProbability = remoteProbability;
  }

  @Override
  public List<NodeId> select(PeerView view, int count, NodeId exclude, RandomSource random) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, was " + count);
    }
    List<NodeId> local = new ArrayList<>();
    List<NodeId> remote = new ArrayList<>();
    for (int i = 0; i < view.size(); i++) {
      NodeId peer = view.get(i);
      if (view.isLive(i) && !peer.equals(exclude)) {
        (isLocal(peer) ? local : remote).add(peer);
      }
    }
    int wanted = Math.min(count, local.size() + remote.size());
    List<NodeId> picked = new ArrayList<>(wanted);
    for (int j = 0; j < wanted; j++) {
      boolean goRemote = random.nextDouble() < remoteProbability;
      List<NodeId> side = goRemote ? remote : local;
      if (side.isEmpty()) {
        side = goRemote ? local : remote;
      }
      picked.add(takeRandom(side, random));
    }
    return picked;
  }

  /** True if {@code peer} is in this node's zone. */
  boolean isLocal(NodeId peer) {
    return peer.value().startsWith(zonePrefix);
  }

  /** Removes and returns a uniformly chosen peer, so one call never picks it twice. */
  private static NodeId takeRandom(List<NodeId> peers, RandomSource random) {
    int i = random.nextInt(peers.size());
    NodeId chosen = peers.get(i);
    // Swap-remove keeps the removal O(1); the order of the remaining peers does not matter.
    peers.set(i, peers.get(peers.size() - 1));
    peers.remove(peers.size() - 1);
    return chosen;
  }

  @Override
  public String toString() {
    return "ZoneAwarePeerSelector{zonePrefix=" + zonePrefix + ", remoteProbability="
        + remoteProbability + "}";
  }
}
