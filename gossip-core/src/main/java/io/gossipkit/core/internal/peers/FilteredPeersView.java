package io.gossipkit.core.internal.peers;

import io.gossipkit.api.Clock;
import io.gossipkit.api.FailureDetector;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Internal: may change at any time. A view of the same peers in which some more count as not
 * live, so a {@link io.gossipkit.api.PeerSelector} passes them over without a view of its own to
 * filter. The test is asked at each {@link #isLive} call, never cached, so the view follows what
 * it reads (a set that changes, a detector's judgement as time passes).
 */
public final class FilteredPeersView implements PeerView {
  private final PeerView view;
  private final Predicate<NodeId> live;

  private FilteredPeersView(PeerView view, Predicate<NodeId> live) {
    this.view = Objects.requireNonNull(view, "view");
    this.live = live;
  }

  /** {@code view} with every peer in {@code excluded} (read, not copied) shown as not live. */
  public static PeerView excluding(PeerView view, Set<NodeId> excluded) {
    Objects.requireNonNull(excluded, "excluded");
    return new FilteredPeersView(view, id -> !excluded.contains(id));
  }

  /**
   * {@code view} with every peer {@code detector} finds unavailable at {@code clock}'s time shown
   * as not live; used, like the detector, on the node's executor only.
   */
  public static PeerView judgedBy(PeerView view, FailureDetector detector, Clock clock) {
    Objects.requireNonNull(detector, "detector");
    Objects.requireNonNull(clock, "clock");
    return new FilteredPeersView(view, id -> detector.isAvailable(id, clock.millis()));
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
    return view.isLive(index) && live.test(view.get(index));
  }
}
