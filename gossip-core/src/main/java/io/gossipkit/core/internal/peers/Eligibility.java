package io.gossipkit.core.internal.peers;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;

/**
 * Internal: may change at any time. The one rule of which peers a built-in selector may return,
 * shared so that every selector and its fallback scan agree on it.
 */
final class Eligibility {
  private Eligibility() {}

  /** Rejects a count the {@code PeerSelector} contract forbids; the engine's fanout is >= 1. */
  static void checkCount(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, was " + count);
    }
  }

  /**
   * True if the peer at {@code index} is live and is not {@code exclude}. Liveness is read first
   * because it is the cheaper check and rules out most ineligible peers in a churning cluster.
   */
  static boolean isEligible(PeerView view, int index, NodeId exclude) {
    return view.isLive(index) && (exclude == null || !exclude.equals(view.get(index)));
  }

  /**
   * Lists the indexes of all eligible peers, in view order; used by the fallback paths, which are
   * O(size) by design and run only when cheap sampling could not finish.
   *
   * @return a fresh array holding exactly the eligible indexes
   */
  static int[] eligibleIndexes(PeerView view, NodeId exclude) {
    int n = view.size();
    int[] all = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (isEligible(view, i, exclude)) {
        all[m++] = i;
      }
    }
    if (m == n) {
      return all;
    }
    int[] trimmed = new int[m];
    System.arraycopy(all, 0, trimmed, 0, m);
    return trimmed;
  }
}
