package io.gossipkit.core.internal;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.RumorOffer;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.RumorRequest;
import io.gossipkit.core.RumorOptions;
import io.gossipkit.core.StopRule;
import io.gossipkit.core.internal.peers.RingPeerSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Internal: may change at any time. Rumor mongering (Demers et al., 1987): a node keeps each new
 * update "hot" and sends it to random peers each round until it loses interest by the configured
 * {@link StopRule}.
 *
 * <p>A contact is unnecessary when its recipient already knew the rumor before the current clock
 * instant. In the synchronous-cycle simulator one cycle is one instant, which gives exactly Demers'
 * rule: a contact is unnecessary only if the recipient knew the update before the cycle began.
 *
 * <p>With {@link RumorOptions#lazyPayload()} pushes are lazy (as in Plumtree): a node that learns a
 * rumor sends its value at once to its ring successor only, and offers it by key and version
 * ({@link RumorOffer}) to its other peers, in that forward and in every later round; a peer that
 * lacks it asks ({@link RumorRequest}) and gets the value. Every node sending the value on to its
 * successor the moment it learns it covers the whole ring without waiting for a round, and a value
 * crosses the network about once per node instead of once per contact.
 *
 * <p>State is allocated only while the node has hot rumors, so a cold node costs a few bytes.
 */
public final class RumorMongering implements DisseminationStrategy {
  /** One hot rumor: the entry, the stop-rule count, and when this node learned it. */
  private static final class Hot {
    Entry entry;
    long learnedAt;
    int count;
    int sends;

    Hot set(Entry e, long learned) {
      entry = e;
      learnedAt = learned;
      count = 0;
      sends = 0;
      return this;
    }
  }

  /** Offered versions remembered as requested, per node in lazy mode. */
  private static final int REQUEST_MEMORY = 32;

  private final RumorOptions options;
  private final PeerSelector selector;
  /**
   * Hot rumors, first {@code hotCount} used. The one-slot array and its record are made with the
   * strategy, so they sit next to the engine in memory: with one rumor in flight, the common case,
   * a visit to this node touches one neighbourhood instead of three scattered objects.
   */
  private Hot[] hot = {new Hot()};
  private int hotCount;
  private List<Entry> batch;
  /**
   * Lazy mode: offered versions this node asked for recently, so that several offers of one rumor
   * arriving together cause one request, not one value per offer. A small ring: the oldest falls out.
   */
  private KeyVersion[] requested;
  private long[] requestedAt;
  private int requestedNext;

  /** One node's rumor mongering under the shared {@code options}. */
  public RumorMongering(RumorOptions options, PeerSelector selector) {
    this.options = options;
    this.selector = selector;
  }

  @Override
  public void onRound(GossipContext ctx) {
    Exchange exchange = options.exchange();
    List<Entry> rumors = exchange.pushes() ? batch(ctx) : List.of();
    if (rumors.isEmpty() && !exchange.pulls()) {
      return;
    }
    List<NodeId> targets = selector.select(ctx.peers(), fanout(ctx), null, ctx.random());
    boolean wantFeedback = options.stopRule().usesFeedback();
    if (options.lazyPayload() && !rumors.isEmpty()) {
      RumorOffer offer = new RumorOffer(keyVersions(rumors), wantFeedback);
      for (int i = 0; i < targets.size(); i++) {
        ctx.send(targets.get(i), offer);
        if (exchange.pulls()) {
          ctx.send(targets.get(i), new RumorPush(List.of(), wantFeedback, true));
        }
        afterSend(ctx, rumors);
      }
      return;
    }
    for (int i = 0; i < targets.size(); i++) {
      ctx.send(targets.get(i), new RumorPush(rumors, wantFeedback, exchange.pulls()));
      if (!rumors.isEmpty()) {
        afterSend(ctx, rumors);
      }
    }
  }

  @Override
  public void onLocalUpdate(GossipContext ctx, Entry entry) {
    addHot(ctx, entry);
    if (ctx.config().eagerPush()) {
      forward(ctx, List.of(entry), null);
    }
  }

  @Override
  public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {
    if (message instanceof RumorPush) {
      onPush(ctx, from, (RumorPush) message);
    } else if (message instanceof RumorReply) {
      onReply(ctx, from, (RumorReply) message);
    } else if (message instanceof RumorOffer) {
      onOffer(ctx, from, (RumorOffer) message);
    } else if (message instanceof RumorRequest) {
      onRequest(ctx, from, (RumorRequest) message);
    }
  }

  /** Asks for the offered versions this node lacks; acknowledges the others if asked to. */
  private void onOffer(GossipContext ctx, NodeId from, RumorOffer offer) {
    List<KeyVersion> offered = offer.offered();
    List<KeyVersion> wanted = null;
    List<KeyVersion> known = null;
    long necessary = 0;
    long now = ctx.now();
    for (int i = 0; i < offered.size(); i++) {
      KeyVersion kv = offered.get(i);
      if (heldAtLeast(ctx, kv) != null) {
        if (offer.wantFeedback()) {
          if (known == null) {
            known = new ArrayList<>(2);
          }
          if (learnedAt(kv) == now) {
            necessary |= 1L << known.size();
          }
          known.add(kv);
        }
      } else if (!recentlyRequested(kv, now, ctx)) {
        if (wanted == null) {
          wanted = new ArrayList<>(2);
        }
        wanted.add(kv);
      }
    }
    if (wanted != null) {
      ctx.send(from, new RumorRequest(wanted));
      ctx.count("rumors.requested", wanted.size());
    }
    if (known != null) {
      ctx.send(from, new RumorReply(List.of(), known, necessary, false));
    }
  }

  /** Sends the requested values (or newer versions of their keys) this node still holds. */
  private void onRequest(GossipContext ctx, NodeId from, RumorRequest request) {
    List<KeyVersion> wanted = request.wanted();
    List<Entry> entries = new ArrayList<>(Math.min(wanted.size(), maxBatch(ctx)));
    for (int i = 0; i < wanted.size() && entries.size() < maxBatch(ctx); i++) {
      Entry mine = heldAtLeast(ctx, wanted.get(i));
      if (mine != null) {
        entries.add(mine);
      }
    }
    if (!entries.isEmpty()) {
      ctx.send(from, new RumorPush(entries, options.stopRule().usesFeedback(), false));
    }
  }

  /** This replica's entry for {@code kv}'s key if it is {@code kv}'s version or newer, else null. */
  private static Entry heldAtLeast(GossipContext ctx, KeyVersion kv) {
    Entry mine = ctx.store().get(kv.key());
    return mine != null && mine.version().compareTo(kv.version()) >= 0 ? mine : null;
  }

  /**
   * True if {@code kv} was asked for less than a gossip interval ago; otherwise remembers that it
   * is being asked for now. After an interval a lost request or answer is asked for again.
   */
  private boolean recentlyRequested(KeyVersion kv, long now, GossipContext ctx) {
    if (requested == null) {
      requested = new KeyVersion[REQUEST_MEMORY];
      requestedAt = new long[REQUEST_MEMORY];
    }
    long retryAfter = Math.max(1, ctx.config().gossipInterval().toMillis());
    for (int i = 0; i < requested.length; i++) {
      if (kv.equals(requested[i]) && now - requestedAt[i] < retryAfter) {
        return true;
      }
    }
    requested[requestedNext] = kv;
    requestedAt[requestedNext] = now;
    requestedNext = (requestedNext + 1) % requested.length;
    return false;
  }

  private void onPush(GossipContext ctx, NodeId from, RumorPush push) {
    List<Entry> received = push.entries();
    long necessary = receive(ctx, from, received);
    if (push.pull() || push.wantFeedback()) {
      List<Entry> mine = push.pull() ? batchExcluding(ctx, received) : List.of();
      List<KeyVersion> acked = push.wantFeedback() ? keyVersions(received) : List.of();
      boolean wantBack = !mine.isEmpty() && options.stopRule().usesFeedback();
      if (!mine.isEmpty() || !acked.isEmpty()) {
        ctx.send(from, new RumorReply(mine, acked, necessary, wantBack));
      }
      if (!mine.isEmpty()) {
        afterSend(ctx, mine);
      }
    }
  }

  private void onReply(GossipContext ctx, NodeId from, RumorReply reply) {
    List<KeyVersion> acked = reply.acked();
    for (int i = 0; i < acked.size(); i++) {
      feedback(ctx, acked.get(i), reply.wasNew(i));
    }
    List<Entry> received = reply.entries();
    if (!received.isEmpty()) {
      long necessary = receive(ctx, from, received);
      if (reply.wantFeedback()) {
        ctx.send(from, new RumorReply(List.of(), keyVersions(received), necessary, false));
      }
    }
  }

  /** Applies received rumors; returns the bit mask of necessary contacts. */
  private long receive(GossipContext ctx, NodeId from, List<Entry> received) {
    long necessary = 0;
    long now = ctx.now();
    List<Entry> fresh = null;
    for (int i = 0; i < received.size(); i++) {
      Entry e = received.get(i);
      boolean isNew = ctx.apply(e);
      if (isNew) {
        addHot(ctx, e);
        if (fresh == null) {
          fresh = new ArrayList<>(2);
        }
        fresh.add(e);
      }
      if ((isNew || learnedAt(e) == now) && i < RumorReply.MAX_ACKED) {
        necessary |= 1L << i;
      }
    }
    if (fresh != null && ctx.config().eagerPush()) {
      forward(ctx, fresh, from);
    }
    return necessary;
  }

  /** Forwards new rumors at once, so in real time they spread at network latency. */
  private void forward(GossipContext ctx, List<Entry> fresh, NodeId from) {
    List<Entry> rumors = fresh.size() > maxBatch(ctx) ? fresh.subList(0, maxBatch(ctx)) : fresh;
    boolean wantFeedback = options.stopRule().usesFeedback();
    if (options.lazyPayload()) {
      // The value to the ring successor, an offer to the others: the successor chain alone reaches
      // every node, the offers make the chain short.
      List<NodeId> next = RingPeerSelector.INSTANCE.select(ctx.peers(), 1, from, ctx.random());
      NodeId successor = next.isEmpty() ? null : next.get(0);
      if (successor != null) {
        ctx.send(successor, new RumorPush(rumors, wantFeedback, false));
        afterSend(ctx, rumors);
      }
      List<NodeId> others = selector.select(ctx.peers(), fanout(ctx), from, ctx.random());
      RumorOffer offer = null;
      int offers = 0;
      for (int i = 0; i < others.size() && offers < fanout(ctx) - 1; i++) {
        NodeId peer = others.get(i);
        if (peer.equals(successor)) {
          continue;
        }
        if (offer == null) {
          offer = new RumorOffer(keyVersions(rumors), wantFeedback);
        }
        ctx.send(peer, offer);
        offers++;
      }
      return;
    }
    List<NodeId> targets = selector.select(ctx.peers(), fanout(ctx), from, ctx.random());
    for (int i = 0; i < targets.size(); i++) {
      ctx.send(targets.get(i), new RumorPush(rumors, wantFeedback, false));
      afterSend(ctx, rumors);
    }
  }

  private void feedback(GossipContext ctx, KeyVersion kv, boolean wasNew) {
    int i = indexOf(kv);
    if (i < 0) {
      return;
    }
    Hot h = hot[i];
    StopRule rule = options.stopRule();
    if (wasNew) {
      if (rule == StopRule.FEEDBACK_COUNTER && options.resetOnNecessary()) {
        h.count = 0;
      }
      return;
    }
    if (rule == StopRule.FEEDBACK_COUNTER) {
      if (++h.count >= options.k()) {
        removeHot(i, ctx, "rumors.cooled");
      }
    } else if (rule == StopRule.FEEDBACK_COIN && ctx.random().nextInt(options.k()) == 0) {
      removeHot(i, ctx, "rumors.cooled");
    }
  }

  /** Counts one transmission of each rumor; blind rules lose interest here. */
  private void afterSend(GossipContext ctx, List<Entry> sent) {
    StopRule rule = options.stopRule();
    for (int s = 0; s < sent.size(); s++) {
      int i = indexOf(sent.get(s));
      if (i < 0) {
        continue;
      }
      Hot h = hot[i];
      h.sends++;
      if (rule == StopRule.BLIND_COUNTER) {
        if (++h.count >= options.k()) {
          removeHot(i, ctx, "rumors.cooled");
        }
      } else if (rule == StopRule.BLIND_COIN && ctx.random().nextInt(options.k()) == 0) {
        removeHot(i, ctx, "rumors.cooled");
      }
    }
  }

  private void addHot(GossipContext ctx, Entry e) {
    // A newer version of a key replaces the older rumor about it.
    for (int i = 0; i < hotCount; i++) {
      if (hot[i].entry.key().equals(e.key())) {
        removeHot(i, ctx, null);
        break;
      }
    }
    if (hotCount == hot.length) {
      if (hotCount >= options.maxHot()) {
        removeHot(0, ctx, "rumors.dropped_hot_overflow");
      } else {
        hot = Arrays.copyOf(hot, Math.min(options.maxHot(), hotCount * 2));
      }
    }
    Hot h = hot[hotCount];
    if (h == null) {
      h = new Hot();
    }
    hot[hotCount++] = h.set(e, ctx.now());
    batch = null;
    ctx.wake();
  }

  private void removeHot(int i, GossipContext ctx, String counter) {
    Hot removed = hot[i];
    removed.entry = null;
    System.arraycopy(hot, i + 1, hot, i, hotCount - i - 1);
    hotCount--;
    // The freed record stays in the first free slot, so the next rumor reuses it.
    hot[hotCount] = removed;
    batch = null;
    if (counter != null) {
      ctx.count(counter, 1);
    }
  }

  private int indexOf(KeyVersion kv) {
    for (int i = 0; i < hotCount; i++) {
      Entry e = hot[i].entry;
      if (e.key().equals(kv.key()) && e.version().equals(kv.version())) {
        return i;
      }
    }
    return -1;
  }

  private int indexOf(Entry entry) {
    for (int i = 0; i < hotCount; i++) {
      Entry e = hot[i].entry;
      if (e == entry || (e.key().equals(entry.key()) && e.version().equals(entry.version()))) {
        return i;
      }
    }
    return -1;
  }

  private long learnedAt(KeyVersion kv) {
    int i = indexOf(kv);
    return i < 0 ? Long.MIN_VALUE : hot[i].learnedAt;
  }

  private long learnedAt(Entry e) {
    for (int i = 0; i < hotCount; i++) {
      Entry h = hot[i].entry;
      if (h == e || (h.key().equals(e.key()) && h.version().equals(e.version()))) {
        return hot[i].learnedAt;
      }
    }
    return Long.MIN_VALUE;
  }

  private int fanout(GossipContext ctx) {
    return options.fanout() > 0 ? options.fanout() : ctx.config().fanout();
  }

  private static int maxBatch(GossipContext ctx) {
    return Math.min(RumorReply.MAX_ACKED, ctx.config().maxEntriesPerMessage());
  }

  /**
   * The hot rumors to send this round: all of them, or, if there are too many, the least sent,
   * newest first among equals.
   */
  private List<Entry> batch(GossipContext ctx) {
    if (hotCount == 0) {
      return List.of();
    }
    if (batch != null) {
      return batch;
    }
    int max = maxBatch(ctx);
    if (hotCount == 1) {
      batch = List.of(hot[0].entry);
    } else if (hotCount <= max) {
      Entry[] es = new Entry[hotCount];
      for (int i = 0; i < hotCount; i++) {
        es[i] = hot[i].entry;
      }
      batch = List.of(es);
    } else {
      Hot[] sorted = Arrays.copyOf(hot, hotCount);
      // Least sent first, and among equals the newest: a fresh rumor has the most nodes left to
      // reach, and a newer write of a key supersedes what older rumors carry.
      Arrays.sort(
          sorted,
          (a, b) -> a.sends != b.sends
              ? Integer.compare(a.sends, b.sends)
              : Long.compare(b.learnedAt, a.learnedAt));
      Entry[] es = new Entry[max];
      for (int i = 0; i < max; i++) {
        es[i] = sorted[i].entry;
      }
      // Not cached: send counts change every round, so the least-sent set does too.
      return List.of(es);
    }
    return batch;
  }

  private List<Entry> batchExcluding(GossipContext ctx, List<Entry> exclude) {
    List<Entry> all = batch(ctx);
    if (exclude.isEmpty() || all.isEmpty()) {
      return all;
    }
    List<Entry> out = new ArrayList<>(all.size());
    for (Entry e : all) {
      if (!exclude.contains(e)) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<KeyVersion> keyVersions(List<Entry> entries) {
    int n = Math.min(entries.size(), RumorReply.MAX_ACKED);
    if (n == 1) {
      Entry e = entries.get(0);
      return List.of(new KeyVersion(e.key(), e.version()));
    }
    List<KeyVersion> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      out.add(new KeyVersion(e.key(), e.version()));
    }
    return out;
  }

  @Override
  public boolean isIdle() {
    return hotCount == 0 && !options.exchange().pulls();
  }

  @Override
  public boolean isQuiescent() {
    return hotCount == 0;
  }

  /** Number of hot rumors, for tests. */
  public int hotCount() {
    return hotCount;
  }
}
