package io.gossipkit.core.internal.peers;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import java.util.BitSet;
import java.util.List;

/**
 * Internal: may change at any time. Walks a random permutation of the view so that every live peer
 * is picked once per pass, and reshuffles when the pass ends or the view changes size.
 *
 * <p>This is memberlist's probe order: random enough that no two nodes gang up on one peer, yet a
 * peer is never left waiting more than two passes. Dead and excluded peers are skipped in the
 * walk, so each call costs at most two passes over the view.
 *
 * <p>Stateful and not thread-safe: create one per node; it runs on that node's executor. The
 * permutation ({@code 4 * size} bytes) is allocated on the first call, not at construction, so
 * nodes configured with this selector but never gossiping cost nothing.
 */
public final class ShuffledRoundRobinPeerSelector implements PeerSelector {
  /** Above this many earlier picks, a bit set beats the linear duplicate check. */
  private static final int LINEAR_CHECK_LIMIT = 16;

  private int[] order;
  private int orderSize = -1;
  private int next;

  /** Creates a selector for one node; its permutation is drawn on the first call. */
  public ShuffledRoundRobinPeerSelector() {}

  @Override
  public List<NodeId> select(PeerView view, int count, NodeId exclude, RandomSource random) {
    Eligibility.checkCount(count);
    int n = view.size();
    if (n == 0) {
      return List.of();
    }
    boolean reshuffled = false;
    if (n != orderSize || next >= orderSize) {
      // A size change makes the old permutation's indexes point at other peers (or out of range).
      reshuffle(n, random);
      reshuffled = true;
    }
    int want = Math.min(count, n);
    int[] indexes = new int[want];
    int picked = 0;
    // Picks made before a mid-call reshuffle; only those can come round again in this call.
    int earlierPass = 0;
    BitSet earlier = null;
    while (picked < want) {
      if (next >= orderSize) {
        if (reshuffled) {
          break; // A whole fresh pass found fewer eligible peers than wanted.
        }
        reshuffle(n, random);
        reshuffled = true;
        earlierPass = picked;
        if (earlierPass > LINEAR_CHECK_LIMIT) {
          earlier = new BitSet(n);
          for (int j = 0; j < earlierPass; j++) {
            earlier.set(indexes[j]);
          }
        }
      }
      int i = order[next++];
      if (!Eligibility.isEligible(view, i, exclude)
          || pickedEarlier(indexes, earlierPass, earlier, i)) {
        continue;
      }
      indexes[picked++] = i;
    }
    NodeId[] peers = new NodeId[picked];
    for (int j = 0; j < picked; j++) {
      peers[j] = view.get(indexes[j]);
    }
    return List.of(peers);
  }

  private static boolean pickedEarlier(int[] indexes, int length, BitSet earlier, int i) {
    if (earlier != null) {
      return earlier.get(i);
    }
    for (int j = 0; j < length; j++) {
      if (indexes[j] == i) {
        return true;
      }
    }
    return false;
  }

  private void reshuffle(int n, RandomSource random) {
    if (order == null || order.length < n) {
      order = new int[n];
    }
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    orderSize = n;
    next = 0;
  }

  @Override
  public String toString() {
    return "PeerSelectors.shuffledRoundRobin()";
  }
}
