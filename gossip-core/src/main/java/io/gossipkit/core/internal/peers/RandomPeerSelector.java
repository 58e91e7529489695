package io.gossipkit.core.internal.peers;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import java.util.List;

/**
 * Internal: may change at any time. Picks a uniform random set of distinct live peers, leaving out
 * {@code exclude}; stateless, so one instance serves every node.
 *
 * <p>This is the hot path of a simulation (about 15 million calls for a million nodes), so the
 * method picks the cheapest exact sampler for each shape of call:
 *
 * <ul>
 *   <li>{@code count == 1}: draw one index, re-draw (bounded) while it hits a dead or excluded
 *       peer; no array is allocated.
 *   <li>small {@code count} against a large view: rejection sampling into a small array, with a
 *       linear duplicate check that beats any hash set at these sizes.
 *   <li>{@code count} near the view size, or when rejection ran out of attempts: one scan of the
 *       eligible indexes, then a partial Fisher-Yates shuffle of the first {@code count}.
 * </ul>
 *
 * <p>Every path samples uniformly among eligible peers: a draw's acceptance does not depend on
 * which peers were drawn before, so stopping rejection early and falling back keeps the result
 * uniform.
 */
public final class RandomPeerSelector implements PeerSelector {
  /** The one instance; the selector holds no state. */
  public static final RandomPeerSelector INSTANCE = new RandomPeerSelector();

  /**
   * Draws before a single pick gives up and scans. With half the view dead the scan runs once in
   * 4 billion calls; with 90% dead about once in 30.
   */
  static final int SINGLE_PICK_ATTEMPTS = 32;

  /** Largest count sampled by rejection; above it the quadratic duplicate check costs too much. */
  static final int SMALL_COUNT = 32;

  private RandomPeerSelector() {}

  @Override
  public List<NodeId> select(PeerView view, int count, NodeId exclude, RandomSource random) {
    Eligibility.checkCount(count);
    int n = view.size();
    if (n == 0) {
      return List.of();
    }
    if (count == 1) {
      return selectOne(view, n, exclude, random);
    }
    // Rejection needs a view much larger than count, or most draws would be duplicates.
    if (count <= SMALL_COUNT && count * 4 <= n) {
      List<NodeId> picked = selectByRejection(view, n, count, exclude, random);
      if (picked != null) {
        return picked;
      }
    }
    return selectByShuffle(view, count, exclude, random);
  }

  private static List<NodeId> selectOne(PeerView view, int n, NodeId exclude, RandomSource random) {
    for (int attempt = 0; attempt < SINGLE_PICK_ATTEMPTS; attempt++) {
      int i = random.nextInt(n);
      if (view.isLive(i)) {
        NodeId peer = view.get(i);
        if (exclude == null || !exclude.equals(peer)) {
          return List.of(peer);
        }
      }
    }
    // Mostly dead, or only the excluded peer: count the eligible ones, then take the r-th, which
    // is uniform and allocates nothing.
    int eligible = 0;
    for (int i = 0; i < n; i++) {
      if (Eligibility.isEligible(view, i, exclude)) {
        eligible++;
      }
    }
    if (eligible == 0) {
      return List.of();
    }
    int target = random.nextInt(eligible);
    for (int i = 0; i < n; i++) {
      if (Eligibility.isEligible(view, i, exclude) && target-- == 0) {
        return List.of(view.get(i));
      }
    }
    throw new IllegalStateException("view changed during select: " + view);
  }

  /** Returns the picks, or null when the attempts ran out (many dead peers) and a scan must run. */
  private static List<NodeId> selectByRejection(
      PeerView view, int n, int count, NodeId exclude, RandomSource random) {
    int[] indexes = new int[count];
    NodeId[] peers = new NodeId[count];
    int picked = 0;
    int attempts = 4 * count + SINGLE_PICK_ATTEMPTS;
    for (int attempt = 0; attempt < attempts && picked < count; attempt++) {
      int i = random.nextInt(n);
      if (contains(indexes, picked, i) || !Eligibility.isEligible(view, i, exclude)) {
        continue;
      }
      indexes[picked] = i;
      peers[picked] = view.get(i);
      picked++;
    }
    return picked == count ? List.of(peers) : null;
  }

  private static boolean contains(int[] values, int length, int value) {
    for (int j = 0; j < length; j++) {
      if (values[j] == value) {
        return true;
      }
    }
    return false;
  }

  private static List<NodeId> selectByShuffle(
      PeerView view, int count, NodeId exclude, RandomSource random) {
    int[] eligible = Eligibility.eligibleIndexes(view, exclude);
    int m = eligible.length;
    int k = Math.min(count, m);
    NodeId[] peers = new NodeId[k];
    for (int j = 0; j < k; j++) {
      int r = j + random.nextInt(m - j);
      int chosen = eligible[r];
      eligible[r] = eligible[j];
      eligible[j] = chosen;
      peers[j] = view.get(chosen);
    }
    return List.of(peers);
  }

  @Override
  public String toString() {
    return "PeerSelectors.random()";
  }
}
