package io.gossipkit.core.internal;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.GossipMessage;

/**
 * Internal: may change at any time. A fast strategy (rumor mongering) backed by a slow one
 * (anti-entropy) run every {@code backupEvery} rounds: rumors give speed, anti-entropy guarantees
 * that whatever rumors missed is eventually repaired (Demers et al., section 1.5).
 */
public final class CompositeStrategy implements DisseminationStrategy {
  private final DisseminationStrategy fast;
  private final DisseminationStrategy backup;
  private final int backupEvery;
  private int round;

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
    if (++round % backupEvery == 0) {
      backup.onRound(ctx);
    }
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
