package io.gossipkit.core.internal;

import io.gossipkit.api.Digest;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.ReplicaStore;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.SyncDigest;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import java.util.ArrayList;
import java.util.List;

/**
 * Internal: may change at any time. Anti-entropy: each round a node compares its whole replica
 * with a peer's and the two repair their difference.
 *
 * <p>The exchange is at most three messages: the initiator's {@link SyncDigest}; if the root
 * hashes differ, the peer's {@link SyncReply} with what the initiator lacks (pull) and the keys it
 * wants (push); then the initiator's {@link SyncEntries}. Replicas that agree exchange one digest.
 * Push, pull and push-pull differ only in which directions are repaired; the digest arithmetic is
 * the store's, shared with every other user of digests.
 */
public final class AntiEntropy implements DisseminationStrategy {
  private final Exchange exchange;
  private final PeerSelector selector;
  private final int fanout;

  /**
   * One node's anti-entropy.
   *
   * @param exchange which directions to repair
   * @param selector the node's peer selector
   * @param fanout peers per round, or 0 for the configuration's fanout
   */
  public AntiEntropy(Exchange exchange, PeerSelector selector, int fanout) {
    this.exchange = exchange;
    this.selector = selector;
    this.fanout = fanout;
  }

  @Override
  public void onRound(GossipContext ctx) {
    int f = fanout > 0 ? fanout : ctx.config().fanout();
    List<NodeId> peers = selector.select(ctx.peers(), f, null, ctx.random());
    if (peers.isEmpty()) {
      return;
    }
    SyncDigest digest =
        new SyncDigest(exchange, ctx.store().digest(ctx.config().maxDigestEntries()));
    for (int i = 0; i < peers.size(); i++) {
      ctx.send(peers.get(i), digest);
    }
  }

  @Override
  public void onLocalUpdate(GossipContext ctx, Entry entry) {
    // Anti-entropy spreads writes on its next round; nothing to do now.
  }

  @Override
  public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {
    if (message instanceof SyncDigest) {
      onDigest(ctx, from, (SyncDigest) message);
    } else if (message instanceof SyncReply) {
      SyncReply reply = (SyncReply) message;
      applyAll(ctx, reply.entries());
      if (!reply.wanted().isEmpty()) {
        ctx.send(from, new SyncEntries(lookup(ctx, reply.wanted())));
      }
    } else if (message instanceof SyncEntries) {
      applyAll(ctx, ((SyncEntries) message).entries());
    }
  }

  private static void onDigest(GossipContext ctx, NodeId from, SyncDigest sync) {
    ReplicaStore store = ctx.store();
    Digest theirs = sync.digest();
    if (theirs.rootHash() == store.rootHash()) {
      return;
    }
    if (!theirs.isComplete()) {
      // Too large to list in a datagram: the difference is found over a stream transport.
      ctx.count("sync.digest_too_large", 1);
      return;
    }
    Exchange x = sync.exchange();
    List<Entry> forThem = x.pulls() ? cap(ctx, store.newerThan(theirs)) : List.of();
    List<String> wanted = x.pushes() ? cap(ctx, store.olderThan(theirs)) : List.of();
    if (!forThem.isEmpty() || !wanted.isEmpty()) {
      ctx.send(from, new SyncReply(forThem, wanted));
    }
  }

  private static <T> List<T> cap(GossipContext ctx, List<T> list) {
    int max = ctx.config().maxEntriesPerMessage();
    if (list.size() <= max) {
      return list;
    }
    // The rest is repaired by later rounds; count it so a persistent backlog is visible.
    ctx.count("sync.truncated", list.size() - max);
    return list.subList(0, max);
  }

  private static List<Entry> lookup(GossipContext ctx, List<String> keys) {
    List<Entry> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      Entry e = ctx.store().get(k);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  private static void applyAll(GossipContext ctx, List<Entry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      ctx.apply(entries.get(i));
    }
  }

  @Override
  public boolean isQuiescent() {
    // Periodic and without backlog: nothing is pending between rounds.
    return true;
  }
}
