package io.gossipkit.core.internal.peers;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Internal: may change at any time. Wraps a selector so that the {@code exclude} peer (the sender
 * of a relayed message) is never returned, even if the wrapped selector ignores {@code exclude}.
 *
 * <p>The delegate's answer is returned as is when it leaves the peer out, so a well-behaved
 * delegate costs one {@code contains} check. Otherwise the excluded peer is dropped and the
 * answer is topped up from a second call asking for {@code count + 1}: of {@code count + 1}
 * distinct peers at most one is the excluded one, so the second call always has enough.
 * Duplicates are dropped while merging. Stateless itself; as thread-safe as its delegate.
 */
public final class ExcludingSenderPeerSelector implements PeerSelector {
  private final PeerSelector delegate;

  /**
   * Wraps {@code delegate}.
   *
   * @param delegate the selector whose answers are filtered
   */
  public ExcludingSenderPeerSelector(PeerSelector delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public List<NodeId> select(PeerView view, int count, NodeId exclude, RandomSource random) {
    Eligibility.checkCount(count);
    List<NodeId> first = delegate.select(view, count, exclude, random);
    if (exclude == null || !first.contains(exclude)) {
      return first;
    }
    List<NodeId> merged = new ArrayList<>(count);
    addAllowed(merged, first, count, exclude);
    // Guards the overflow only; a count that large already asks for every peer.
    int more = count == Integer.MAX_VALUE ? count : count + 1;
    addAllowed(merged, delegate.select(view, more, exclude, random), count, exclude);
    return List.copyOf(merged);
  }

  private static void addAllowed(List<NodeId> into, List<NodeId> from, int count, NodeId exclude) {
    for (int j = 0; j < from.size() && into.size() < count; j++) {
      NodeId peer = from.get(j);
      if (peer != null && !peer.equals(exclude) && !into.contains(peer)) {
        into.add(peer);
      }
    }
  }

  @Override
  public String toString() {
    return "PeerSelectors.excludingSender(" + delegate + ")";
  }
}
