package io.gossipkit.core.internal;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.message.GossipMessage;

/**
 * Internal: may change at any time. A fast strategy (rumor mongering) backed by a slow one
 * (anti-entropy) run every {@code backupEvery} rounds, and once as soon as a peer is live:
 * rumors give speed, anti-entropy guarantees that whatever rumors missed is eventually repaired
 * (Demers et al., section 1.5), and a node that starts empty gets the state at once.
 */
public final class CompositeStrategy implements DisseminationStrategy {
  private final DisseminationStrategy fast;
  private final DisseminationStrategy backup;
  private final int backupEvery;
  private int round;
  /** Whether the backup has run once since a peer was first live; see {@link #onRound}. */
  private boolean synced;

  /** Combines {@code fast} every round with {@code backup} every {@code backupEvery} rounds. */
  public CompositeStrategy(DisseminationStrategy fast, DisseminationStrategy backup, int backupEvery) {
    this.fast = fast;
    this.backup = backup;
    this.backupEvery = Math.max(1, backupEvery);
  }

  @Override
  public void onRound(GossipContext ctx) {
    if (!fast.isIdle()) {
      fast.onRound(ctx);
    }
    // The backup also runs at the first round that finds a live peer: a node that starts with an
    // empty replica (a new member, a restarted process) gets the state at once, as memberlist's
    // join push-pull gives it, instead of after up to backupEvery rounds (30 s on LAN timing)
    // with nothing but the rumors still hot.
    boolean first = !synced && hasLivePeer(ctx);
    if (first) {
      synced = true;
    }
    if (++round % backupEvery == 0 || first) {
      backup.onRound(ctx);
    }
  }

  private static boolean hasLivePeer(GossipContext ctx) {
    PeerView peers = ctx.peers();
    for (int i = 0, n = peers.size(); i < n; i++) {
      if (peers.isLive(i)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void onLocalUpdate(GossipContext ctx, Entry entry) {
    fast.onLocalUpdate(ctx, entry);
    backup.onLocalUpdate(ctx, entry);
  }

  @Override
  public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {
    fast.onMessage(ctx, from, message);
    backup.onMessage(ctx, from, message);
  }

  @Override
  public boolean isQuiescent() {
    return fast.isQuiescent() && backup.isQuiescent();
  }
}
