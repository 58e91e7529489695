package io.gossipkit.core.internal.peers;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import java.util.Objects;
import java.util.Set;

/**
 * Internal: may change at any time. A view of the same peers in which some count as not live, so
 * a {@link io.gossipkit.api.PeerSelector} passes them over this time without a view of its own to
 * filter. The set is read at each {@link #isLive} call, not copied.
 */
public final class ExcludedPeersView implements PeerView {
  private final PeerView view;
  private final Set<NodeId> excluded;

  /** {@code view} with every peer in {@code excluded} shown as not live. */
  public ExcludedPeersView(PeerView view, Set<NodeId> excluded) {
    this.view = Objects.requireNonNull(view, "view");
    this.excluded = Objects.requireNonNull(excluded, "excluded");
  }

  @Override
  public int size() {
    return view.size();
  }

  @Override
  public NodeId get(int index) {
    return view.get(index);
  }

  @Override
  public boolean isLive(int index) {
    return view.isLive(index) && !excluded.contains(view.get(index));
  }
}
