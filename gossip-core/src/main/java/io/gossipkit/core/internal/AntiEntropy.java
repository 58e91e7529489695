package io.gossipkit.core.internal;

import io.gossipkit.api.Digest;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.ReplicaStore;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.RangeEntries;
import io.gossipkit.api.message.RangeVersions;
import io.gossipkit.api.message.SyncDigest;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import io.gossipkit.core.internal.peers.FilteredPeersView;
import io.gossipkit.core.internal.sync.RangeSync;
import io.gossipkit.core.internal.sync.SyncState;
import io.gossipkit.core.internal.sync.WireSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Internal: may change at any time. Anti-entropy: each round a node compares its whole replica
 * with a peer's and the two repair their difference.
 *
 * <p>The exchange is at most three messages: the initiator's {@link SyncDigest}; if the root
 * hashes differ, the peer's {@link SyncReply} with what the initiator lacks (pull) and the keys it
 * wants (push); then the initiator's {@link SyncEntries}. Replicas that agree exchange one digest.
 * Push, pull and push-pull differ only in which directions are repaired; the digest arithmetic is
 * the store's, shared with every other user of digests.
 *
 * <p>That digest lists every key, so its cost follows the replica's size. When a replica is too
 * large to list cheaply (more than {@code maxDigestEntries} entries, or a listing over {@link
 * #MAX_LISTING_BYTES} or over the {@linkplain GossipContext#messageBudget() message budget}), and
 * while a replica is returning from a long absence, the exchange is {@link RangeSync} instead,
 * whose cost follows the difference; docs/anti-entropy.md says why both exist. Replies are split
 * to fit the budget.
 *
 * <p>A peer whose range stream with this node is still running is left out of this node's
 * selection: a second exchange would stream the same difference again beside the first. A stream
 * runs while its messages keep coming: a listing from the peer ({@link RangeVersions}, which this
 * node answers with entries), or a chunk from it that asks to continue ({@link RangeEntries} not
 * {@code done}), within the last gossip interval. The peer then counts as not live for the
 * selector; once its stream has been quiet for an interval it is chosen again. Two push-pull
 * range exchanges that this node and a peer opened at the same moment are settled by {@code
 * CrossedExchanges}: only one of them runs. Both records live with the node's replica ({@link
 * SyncState}), not here: one strategy instance may serve many nodes (a simulation shares one).
 */
public final class AntiEntropy implements DisseminationStrategy {
  private final Exchange exchange;
  private final PeerSelector selector;
  private final int fanout;

  /**
   * Largest listing sent: two openings of range sync's root ({@link WireSize#EXPANSION} bytes
   * each, what replicas that agree exchange under range sync). A longer listing costs replicas
   * that agree more than range sync would, by as much as the listing is long (a thousand keys
   * listed over TCP were 29 KB per exchange, against about 200 bytes); a shorter one saves range
   * sync's descent for a few bytes. A cycle of the simulator's synchronous model (a handful of
   * short keys) still fits, so Demers' cycle counts are measured on the listing as before.
   */
  static final int MAX_LISTING_BYTES = 2 * WireSize.EXPANSION;

  /** Most peers remembered as streaming; more are not recorded (only a bound). */
  private static final int MAX_STREAMING = 4096;

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
    List<NodeId> peers = selector.select(withoutStreaming(ctx), f, null, ctx.random());
    if (peers.isEmpty()) {
      return;
    }
    Digest d = ctx.store().digest(ctx.config().maxDigestEntries());
    VersionedStore ranged = rangeStore(ctx, d);
    for (int i = 0; i < peers.size(); i++) {
      if (ranged != null) {
        ranged.syncState().crossings().opened(ctx, peers.get(i), exchange);
        RangeSync.open(ctx, ranged, peers.get(i), exchange, true);
      } else {
        forgetCrossing(ctx, peers.get(i));
        ctx.send(peers.get(i), new SyncDigest(exchange, d));
      }
    }
  }

  /**
   * A listing starts a new exchange with {@code peer}: a range exchange this node gave up with
   * it (see {@link CrossedExchanges}) is over, and the peer may answer the listing with range
   * messages that must not be dropped as that one's.
   */
  private static void forgetCrossing(GossipContext ctx, NodeId peer) {
    if (ctx.store() instanceof VersionedStore) {
      SyncState sync = ((VersionedStore) ctx.store()).syncStateIfMade();
      if (sync != null) {
        sync.crossings().forget(peer);
      }
    }
  }

  /** The peers, with those whose range stream is still running shown as not live. */
  private PeerView withoutStreaming(GossipContext ctx) {
    PeerView view = ctx.peers();
    SyncState sync = ctx.store() instanceof VersionedStore
        ? ((VersionedStore) ctx.store()).syncStateIfMade() : null;
    if (sync == null || !sync.hasStreaming()) {
      return view;
    }
    Map<NodeId, Long> streaming = sync.streaming();
    long quietSince = ctx.now() - ctx.config().gossipInterval().toMillis();
    streaming.values().removeIf(last -> last <= quietSince);
    if (streaming.isEmpty()) {
      return view;
    }
    return FilteredPeersView.excluding(view, streaming.keySet());
  }

  /** Notes that {@code message} from {@code from} keeps a range stream running. */
  private static void noteStream(
      GossipContext ctx, SyncState sync, NodeId from, GossipMessage message) {
    boolean continues = message instanceof RangeVersions
        || (message instanceof RangeEntries && !((RangeEntries) message).done());
    if (!continues) {
      return;
    }
    Map<NodeId, Long> streaming = sync.streaming();
    if (streaming.size() < MAX_STREAMING || streaming.containsKey(from)) {
      streaming.put(from, ctx.now());
    }
  }

  /**
   * The replica, if this exchange must be range sync: the digest {@code d} is incomplete or its
   * listing over {@link #MAX_LISTING_BYTES} or the budget, or the replica is returning; null for
   * the listing exchange. Null too for a store that is not a {@link VersionedStore}, which only the
   * listing exchange serves.
   */
  private static VersionedStore rangeStore(GossipContext ctx, Digest d) {
    if (!(ctx.store() instanceof VersionedStore)) {
      return null;
    }
    VersionedStore store = (VersionedStore) ctx.store();
    if (!d.isComplete() || isReturning(ctx, store)) {
      return store;
    }
    long limit = Math.min(ctx.messageBudget(), MAX_LISTING_BYTES);
    long bytes = WireSize.SYNC_HEADER + 8L;
    List<KeyVersion> vs = d.versions();
    for (int i = 0; i < vs.size() && bytes <= limit; i++) {
      bytes += WireSize.keyVersion(vs.get(i));
    }
    return bytes > limit ? store : null;
  }

  private static boolean isReturning(GossipContext ctx, VersionedStore store) {
    return store.isReturning(ctx.now(), ctx.config().tombstoneTtl().toMillis());
  }

  /** Notes that a peer was heard from, for the tombstone rule (see {@link SyncState}). */
  private static void contact(GossipContext ctx) {
    if (ctx.store() instanceof VersionedStore) {
      ((VersionedStore) ctx.store()).contact(ctx.now(), ctx.config().tombstoneTtl().toMillis());
    }
  }

  @Override
  public void onLocalUpdate(GossipContext ctx, Entry entry) {
    // Anti-entropy spreads writes on its next round; nothing to do now.
  }

  @Override
  public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {
    if (message instanceof SyncDigest) {
      contact(ctx);
      onDigest(ctx, from, (SyncDigest) message);
    } else if (message instanceof SyncReply) {
      contact(ctx);
      SyncReply reply = (SyncReply) message;
      applyAll(ctx, reply.entries());
      if (!reply.wanted().isEmpty()) {
        RangeSync.sendEntries(ctx, from, lookup(ctx, reply.wanted()));
      }
    } else if (message instanceof SyncEntries) {
      contact(ctx);
      applyAll(ctx, ((SyncEntries) message).entries());
    } else if (RangeSync.handles(message) && ctx.store() instanceof VersionedStore) {
      contact(ctx);
      VersionedStore store = (VersionedStore) ctx.store();
      SyncState sync = store.syncState();
      if (sync.crossings().drops(ctx, from, message)) {
        return;
      }
      noteStream(ctx, sync, from, message);
      RangeSync.onMessage(ctx, store, from, message);
    }
  }

  private static void onDigest(GossipContext ctx, NodeId from, SyncDigest sync) {
    ReplicaStore store = ctx.store();
    Digest theirs = sync.digest();
    if (theirs.rootHash() == store.rootHash()) {
      if (store instanceof VersionedStore) {
        ((VersionedStore) store).agreed();
      }
      return;
    }
    if (store instanceof VersionedStore
        && (!theirs.isComplete()
            || store.size() > ctx.config().maxDigestEntries()
            || isReturning(ctx, (VersionedStore) store))) {
      // Too large to answer from a listing, or returning: answer with range sync instead.
      RangeSync.open(ctx, (VersionedStore) store, from, sync.exchange(), false);
      return;
    }
    if (!theirs.isComplete()) {
      ctx.count("sync.digest_too_large", 1);
      return;
    }
    Exchange x = sync.exchange();
    List<Entry> forThem = x.pulls() ? cap(ctx, store.newerThan(theirs)) : List.of();
    List<String> wanted = x.pushes() ? cap(ctx, store.olderThan(theirs)) : List.of();
    if (forThem.isEmpty() && wanted.isEmpty()) {
      return;
    }
    if (WireSize.SYNC_HEADER + replyBytes(forThem, wanted) <= ctx.messageBudget()) {
      ctx.send(from, new SyncReply(forThem, wanted));
      return;
    }
    // Over the budget: the wanted keys in one reply, the entries in budget-sized others.
    ctx.send(from, new SyncReply(List.of(), wanted));
    RangeSync.sendEntries(ctx, from, forThem);
  }

  private static long replyBytes(List<Entry> entries, List<String> keys) {
    long bytes = 0;
    for (int i = 0; i < entries.size(); i++) {
      bytes += WireSize.entry(entries.get(i));
    }
    for (int i = 0; i < keys.size(); i++) {
      bytes += WireSize.string(keys.get(i));
    }
    return bytes;
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
