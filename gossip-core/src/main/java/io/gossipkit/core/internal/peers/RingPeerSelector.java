package io.gossipkit.core.internal.peers;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import java.util.List;

/**
 * Internal: may change at any time. Picks this node's first live successors on the closed ring,
 * for closed-loop anti-entropy; stateless, so one instance serves every node.
 *
 * <p>{@link PeerView} lists peers in ring order starting at the successor, so the selector walks
 * the view from index 0 and takes the first {@code count} live peers that are not {@code
 * exclude}. Dead peers are skipped rather than returned, so one failed node does not cut the ring:
 * its predecessor gossips with the next live node instead. The random source is never used.
 */
public final class RingPeerSelector implements PeerSelector {
  /** The one instance; the selector holds no state. */
  public static final RingPeerSelector INSTANCE = new RingPeerSelector();

  private RingPeerSelector() {}

  @Override
  public List<NodeId> select(PeerView view, int count, NodeId exclude, RandomSource random) {
    Eligibility.checkCount(count);
    int n = view.size();
    if (count == 1) {
      // The common case (one successor per round) allocates only the result.
      for (int i = 0; i < n; i++) {
        if (Eligibility.isEligible(view, i, exclude)) {
          return List.of(view.get(i));
        }
      }
      return List.of();
    }
    NodeId[] peers = new NodeId[Math.min(count, n)];
    int picked = 0;
    for (int i = 0; i < n && picked < peers.length; i++) {
      if (Eligibility.isEligible(view, i, exclude)) {
        peers[picked++] = view.get(i);
      }
    }
    if (picked == peers.length) {
      return List.of(peers);
    }
    NodeId[] trimmed = new NodeId[picked];
    System.arraycopy(peers, 0, trimmed, 0, picked);
    return List.of(trimmed);
  }

  @Override
  public String toString() {
    return "PeerSelectors.ring()";
  }
}
