package io.gossipkit.core.internal.sync;

import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.RangeEntries;
import io.gossipkit.api.message.RangeExpansion;
import io.gossipkit.api.message.RangeSummaries;
import io.gossipkit.api.message.RangeVersions;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.core.internal.VersionedStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal: may change at any time. Range sync: anti-entropy whose cost follows the difference
 * between two replicas, not their size.
 *
 * <p>Both replicas index their keys in the same 16-ary tree over key hashes ({@link RangeIndex}).
 * The initiator sends its root opened up ({@link RangeSummaries}); each side compares the other's
 * child summaries with its own and opens, in its reply, only the children that differ, so the
 * descent alternates sides and costs O(16 d log16 n) summaries for d differing keys of n. A
 * differing node stops the descent once either side holds at most {@value #LEAF_KEYS} entries
 * under it: the side with few entries lists them ({@link RangeVersions}) and the other answers with
 * bounded chunks of what the lister lacks plus the keys it lacks itself ({@link RangeEntries});
 * the lister pushes those in {@link SyncEntries} and asks for the next batch. A side holding
 * nothing under a node is streamed to directly. A fresh replica thus receives the whole state as
 * a stream of batches of chunks, each batch requested by the receiver: flow control without any
 * session state.
 *
 * <p>Stateless: every message carries the exchange, the sender's role and everything the answer
 * needs, so nothing is kept between messages, lost messages end their branch (the next round
 * repairs it), and no peer can make a node hold state for it. Every message is at most the
 * context's {@linkplain GossipContext#messageBudget() budget}; every list at most {@code
 * maxEntriesPerMessage}. Runs on the node's executor.
 */
public final class RangeSync {
  /** Entries under a differing node at which its side lists them instead of descending. */
  static final int LEAF_KEYS = 32;

  /**
   * Most messages one incoming message may cause. Legitimate answers stay far below it (opening
   * 256 nodes that each need a listing is the largest seen); it bounds what a peer can make this
   * node send with one message. What is cut is counted as {@code sync.truncated} and left to a
   * later round.
   */
  static final int MAX_REPLIES = 1024;

  /**
   * Chunks one answer to a listing may send. The sender builds the batch whole, then sends it,
   * and its first chunk (not its last) says where to continue: the receiver asks for the next
   * batch as soon as this one starts arriving, so the sender builds it right after this one
   * instead of idling a round trip per batch (which also bounded a stream at one batch per round
   * trip on a slow link). A stream thus waits for its receiver once per batch with at most two
   * batches in flight, {@code 2 * BATCH_CHUNKS * messageBudget} bytes (2 MiB at the default 64
   * KiB messages, 8 MiB at 256 KiB): keep that under a stream transport's outbound buffer, or a
   * slow link refuses a batch's tail and the stream resumes only at the next round. Measured by
   * {@code gossip bench sync} (256 KiB chunks, an 8 MiB outbound buffer): 16 chunks against 8,
   * ten interleaved pairs, 16 faster in nine, medians 417 -> 468 and 423 -> 530 MB/s in two
   * series; 8 chunks with the larger buffer alone gained nothing (median 410). With the
   * continuation on the last chunk (four runs each): 4 chunks 257-307 MB/s, 8 chunks 274-306, 16
   * chunks 304-359; a chunk per request left the sender idle for a round trip per chunk.
   */
  static final int BATCH_CHUNKS = 16;

  private RangeSync() {}

  /** True for the messages {@link #onMessage} handles. */
  public static boolean handles(GossipMessage m) {
    return m instanceof RangeSummaries || m instanceof RangeVersions || m instanceof RangeEntries;
  }

  /**
   * Opens an exchange with {@code peer}: sends this replica's root, opened up.
   *
   * @param asInitiator true if this node initiates {@code exchange}; false if it answers a peer's
   *     digest by switching to range sync
   */
  public static void open(
      GossipContext ctx, VersionedStore store, NodeId peer, Exchange exchange, boolean asInitiator) {
    Reply r = new Reply(ctx, store, peer, exchange, asInitiator, 0);
    r.expansion(0, 0);
    r.finish();
  }

  /** Handles one range-sync message from {@code from}. */
  public static void onMessage(
      GossipContext ctx, VersionedStore store, NodeId from, GossipMessage message) {
    if (message instanceof RangeSummaries) {
      RangeSummaries m = (RangeSummaries) message;
      Reply r = new Reply(ctx, store, from, m.exchange(), !m.fromInitiator(), m.collectedUpTo());
      r.onSummaries(m.expansions());
      r.finish();
    } else if (message instanceof RangeVersions) {
      RangeVersions m = (RangeVersions) message;
      Reply r = new Reply(ctx, store, from, m.exchange(), !m.fromInitiator(), m.collectedUpTo());
      r.answer(m.from(), m.to(), m.end(), m.versions());
      r.finish();
    } else if (message instanceof RangeEntries) {
      RangeEntries m = (RangeEntries) message;
      Reply r = new Reply(ctx, store, from, m.exchange(), !m.fromInitiator(), m.collectedUpTo());
      r.onEntries(m);
      r.finish();
    }
  }

  /** Sends {@code entries} to {@code to} as {@link SyncEntries}, each within the budget. */
  public static void sendEntries(GossipContext ctx, NodeId to, List<Entry> entries) {
    int budget = ctx.messageBudget();
    int max = ctx.config().maxEntriesPerMessage();
    List<Entry> chunk = new ArrayList<>();
    int bytes = WireSize.SYNC_HEADER;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      int size = WireSize.entry(e);
      if (WireSize.SYNC_HEADER + size > budget) {
        // Fits no message over this transport: counted, and left to a transport with room.
        ctx.count("sync.entry_too_large", 1);
        continue;
      }
      if (bytes + size > budget || chunk.size() == max) {
        ctx.send(to, new SyncEntries(chunk));
        chunk = new ArrayList<>();
        bytes = WireSize.SYNC_HEADER;
      }
      chunk.add(e);
      bytes += size;
    }
    if (!chunk.isEmpty()) {
      ctx.send(to, new SyncEntries(chunk));
    }
  }

  /** Everything one incoming message's answer needs, and the answer being built. */
  private static final class Reply {
    private final GossipContext ctx;
    private final VersionedStore store;
    private final RangeIndex index;
    private final NodeId peer;
    private final Exchange exchange;
    /** This node's role flag in what it sends: true if it is the initiator. */
    private final boolean mine;
    private final boolean peerWantsMine;
    private final boolean iWantPeers;
    private final long peerWatermark;
    private final boolean returning;
    private final long horizon;
    private final int budget;
    private final int maxList;
    private final int maxExpansions;
    private List<RangeExpansion> expansions = new ArrayList<>();
    private final List<String> forget = new ArrayList<>();
    private final WireSize.Sizer sizer = new WireSize.Sizer();
    private int replies;

    Reply(GossipContext ctx, VersionedStore store, NodeId peer, Exchange exchange,
        boolean iAmInitiator, long peerWatermark) {
      this.ctx = ctx;
      this.store = store;
      this.index = store.rangeIndex();
      this.peer = peer;
      this.exchange = exchange;
      this.mine = iAmInitiator;
      // The initiator pulls from the responder when the exchange pulls, and pushes to it when it
      // pushes.
      this.peerWantsMine = iAmInitiator ? exchange.pushes() : exchange.pulls();
      this.iWantPeers = iAmInitiator ? exchange.pulls() : exchange.pushes();
      this.peerWatermark = peerWatermark;
      long ttl = ctx.config().tombstoneTtl().toMillis();
      long now = ctx.now();
      this.returning = store.isReturning(now, ttl);
      this.horizon = now - ttl;
      this.budget = ctx.messageBudget();
      this.maxList = ctx.config().maxEntriesPerMessage();
      this.maxExpansions =
          Math.max(1, Math.min(maxList, (budget - WireSize.RANGE_HEADER) / WireSize.EXPANSION));
    }

    private void reply(GossipMessage m) {
      if (replies++ < MAX_REPLIES) {
        ctx.send(peer, m);
      } else {
        ctx.count("sync.truncated", 1);
      }
    }

    private long watermark() {
      return store.watermark(ctx.now());
    }

    // ------------------------------------------------------------------ descent

    void onSummaries(List<RangeExpansion> theirs) {
      long[] mh = new long[RangeExpansion.FAN_OUT];
      int[] mc = new int[RangeExpansion.FAN_OUT];
      for (int k = 0; k < theirs.size(); k++) {
        RangeExpansion e = theirs.get(k);
        index.expand(e.level(), e.prefix(), mh, mc);
        long myHash = 0;
        long theirHash = 0;
        long myCount = 0;
        long theirCount = 0;
        for (int i = 0; i < RangeExpansion.FAN_OUT; i++) {
          myHash ^= mh[i];
          theirHash ^= e.childHash(i);
          myCount += mc[i];
          theirCount += e.childCount(i);
        }
        if (myHash == theirHash && myCount == theirCount) {
          if (e.level() == 0) {
            store.agreed();
          }
          continue;
        }
        if (leaf(e.level(), e.prefix(), myCount, theirCount)) {
          continue;
        }
        for (int i = 0; i < RangeExpansion.FAN_OUT; i++) {
          if (mh[i] == e.childHash(i) && mc[i] == e.childCount(i)) {
            continue;
          }
          int level = e.level() + 1;
          long prefix = (e.prefix() << 4) | i;
          if (!leaf(level, prefix, mc[i], e.childCount(i))) {
            expansion(level, prefix);
          }
        }
      }
    }

    /**
     * Settles a differing node without descending when either side holds few entries under it;
     * returns false if the descent must go on.
     */
    private boolean leaf(int level, long prefix, long myCount, long theirCount) {
      long start = KeyHash.start(level, prefix);
      long last = KeyHash.last(level, prefix);
      if (theirCount == 0) {
        // The peer holds nothing here: stream it everything, as if it had listed nothing.
        if (peerWantsMine && myCount > 0) {
          answer(start, last, last, List.of());
        }
        return true;
      }
      if (myCount <= LEAF_KEYS || level > RangeExpansion.MAX_LEVEL) {
        if (myCount > 0 || iWantPeers) {
          sendVersions(start, last);
        }
        return true;
      }
      return false;
    }

    void expansion(int level, long prefix) {
      long[] h = new long[RangeExpansion.FAN_OUT];
      int[] c = new int[RangeExpansion.FAN_OUT];
      index.expand(level, prefix, h, c);
      if (expansions.size() == maxExpansions) {
        flushExpansions();
      }
      expansions.add(new RangeExpansion(level, prefix, h, c));
    }

    private void flushExpansions() {
      if (!expansions.isEmpty()) {
        reply(new RangeSummaries(exchange, mine, watermark(), expansions));
        expansions = new ArrayList<>();
      }
    }

    // ------------------------------------------------------------------ listing

    /** Lists this replica's versions from {@code from} on, as far as one message holds. */
    void sendVersions(long from, long end) {
      RangeIndex.Cursor c = index.cursor(from, end);
      List<KeyVersion> list = new ArrayList<>();
      List<KeyVersion> group = new ArrayList<>();
      int bytes = WireSize.RANGE_HEADER;
      long to = end;
      boolean have = c.next();
      while (have) {
        long g = c.hash();
        group.clear();
        int groupBytes = 0;
        while (have && c.hash() == g) {
          Entry e = c.entry();
          KeyVersion kv = new KeyVersion(e.key(), e.version());
          group.add(kv);
          groupBytes += WireSize.keyVersion(kv);
          have = c.next();
        }
        if ((bytes + groupBytes > budget || list.size() + group.size() > maxList)
            && !list.isEmpty()) {
          // The rest is listed when the peer's answer asks to continue from g.
          to = g - 1;
          break;
        }
        list.addAll(group);
        bytes += groupBytes;
      }
      reply(new RangeVersions(exchange, mine, watermark(), from, to, end, list));
    }

    // ------------------------------------------------------------------ answering a listing

    /**
     * Answers the peer's listing of {@code [from, to]}: a batch of up to {@value #BATCH_CHUNKS}
     * chunks of the entries it lacks there and the keys this replica lacks or holds older. The
     * batch is built whole, then sent, its first chunk saying where to continue: see {@link
     * #BATCH_CHUNKS}.
     */
    void answer(long from, long to, long end, List<KeyVersion> theirs) {
      int n = 0;
      long[] hashes = new long[theirs.size()];
      KeyVersion[] kvs = new KeyVersion[theirs.size()];
      Map<String, KeyVersion> byKey = new HashMap<>(Math.max(4, theirs.size() * 2));
      for (int i = 0; i < theirs.size(); i++) {
        KeyVersion kv = theirs.get(i);
        long h = KeyHash.of(kv.key());
        // A listed key outside the interval is the peer's mistake: ignored, counted.
        if (Long.compareUnsigned(h, from) >= 0 && Long.compareUnsigned(h, to) <= 0) {
          hashes[n] = h;
          kvs[n++] = kv;
          byKey.put(kv.key(), kv);
        }
      }
      if (n < theirs.size()) {
        ctx.count("sync.dropped_out_of_range", theirs.size() - n);
      }
      sortByHash(hashes, kvs, n);

      Chunk chunk = new Chunk();
      List<Chunk> full = new ArrayList<>();
      List<Entry> groupEntries = new ArrayList<>();
      List<String> groupMissing = new ArrayList<>();
      List<String> groupWanted = new ArrayList<>();
      boolean more = false;
      long resume = 0;
      // Without entries to give, only the peer's list needs a look, not this replica's range.
      RangeIndex.Cursor c = peerWantsMine ? index.cursor(from, to) : null;
      boolean haveMine = c != null && c.next();
      int j = 0;
      while (haveMine || j < n) {
        long g;
        if (!haveMine) {
          g = hashes[j];
        } else if (j >= n || Long.compareUnsigned(c.hash(), hashes[j]) <= 0) {
          g = c.hash();
        } else {
          g = hashes[j];
        }
        groupEntries.clear();
        groupMissing.clear();
        groupWanted.clear();
        int groupBytes = 0;
        while (haveMine && c.hash() == g) {
          Entry e = c.entry();
          KeyVersion tv = n == 0 ? null : byKey.get(e.key());
          if (tv == null ? !withhold(e) : e.version().compareTo(tv.version()) > 0) {
            groupEntries.add(e);
            groupBytes += sizer.entry(e);
          }
          haveMine = c.next();
        }
        while (j < n && hashes[j] == g) {
          KeyVersion kv = kvs[j++];
          if (!iWantPeers) {
            continue;
          }
          Entry held = store.get(kv.key());
          if (held == null) {
            groupMissing.add(kv.key());
            groupBytes += WireSize.string(kv.key());
          } else if (kv.version().compareTo(held.version()) > 0) {
            groupWanted.add(kv.key());
            groupBytes += WireSize.string(kv.key());
          }
        }
        if (groupEntries.isEmpty() && groupMissing.isEmpty() && groupWanted.isEmpty()) {
          continue;
        }
        if (!chunk.fits(groupBytes, groupEntries, groupMissing, groupWanted)) {
          if (!chunk.isEmpty()) {
            if (full.size() + 1 == BATCH_CHUNKS) {
              // The batch is full: this group starts the next one, when the peer asks.
              more = true;
              resume = g;
              break;
            }
            full.add(chunk);
            chunk = new Chunk();
          }
          if (!chunk.fits(groupBytes, groupEntries, groupMissing, groupWanted)) {
            // This group alone overflows an empty chunk: keep what fits, count the rest.
            groupBytes = trim(groupEntries, groupMissing, groupWanted);
          }
        }
        chunk.add(groupBytes, groupEntries, groupMissing, groupWanted);
      }
      boolean done = !more && to == end;
      if (!more && !done) {
        resume = to + 1;
      }
      if (!chunk.isEmpty() || (!done && full.isEmpty())) {
        // The last chunk; empty only when it must still say where to continue.
        full.add(chunk);
      }
      for (int i = 0; i < full.size(); i++) {
        // Only the first chunk asks for more; the others are done as far as the peer is
        // concerned.
        reply(i == 0 && !done ? full.get(i).message(resume, end, false)
            : full.get(i).message(end, end, true));
      }
    }

    /** One chunk of an answer being filled up to the budget and the list limit. */
    private final class Chunk {
      final List<Entry> entries = new ArrayList<>();
      final List<String> missing = new ArrayList<>();
      final List<String> wanted = new ArrayList<>();
      int bytes = WireSize.RANGE_HEADER;

      boolean isEmpty() {
        return bytes == WireSize.RANGE_HEADER;
      }

      boolean fits(int groupBytes, List<Entry> es, List<String> ms, List<String> ws) {
        return bytes + groupBytes <= budget
            && entries.size() + es.size() <= maxList
            && missing.size() + ms.size() <= maxList
            && wanted.size() + ws.size() <= maxList;
      }

      void add(int groupBytes, List<Entry> es, List<String> ms, List<String> ws) {
        // One at a time: addAll copies its argument into a fresh array first, per group.
        for (int i = 0; i < es.size(); i++) {
          entries.add(es.get(i));
        }
        for (int i = 0; i < ms.size(); i++) {
          missing.add(ms.get(i));
        }
        for (int i = 0; i < ws.size(); i++) {
          wanted.add(ws.get(i));
        }
        bytes += groupBytes;
      }

      RangeEntries message(long resume, long end, boolean done) {
        return new RangeEntries(exchange, mine, watermark(), resume, end, done, entries, missing,
            wanted);
      }
    }

    /** Trims one oversized group to the budget; returns the bytes kept. */
    private int trim(List<Entry> es, List<String> ms, List<String> ws) {
      int bytes = WireSize.RANGE_HEADER;
      int kept = 0;
      List<Entry> keep = new ArrayList<>();
      for (Entry e : es) {
        int size = WireSize.entry(e);
        if (bytes + size <= budget && keep.size() < maxList) {
          keep.add(e);
          bytes += size;
        } else {
          ctx.count(WireSize.RANGE_HEADER + size > budget
              ? "sync.entry_too_large" : "sync.truncated", 1);
        }
      }
      es.clear();
      es.addAll(keep);
      kept = trimKeys(ms, bytes);
      bytes = trimKeys(ws, kept);
      return bytes - WireSize.RANGE_HEADER;
    }

    private int trimKeys(List<String> keys, int bytes) {
      int i = 0;
      while (i < keys.size() && i < maxList && bytes + WireSize.string(keys.get(i)) <= budget) {
        bytes += WireSize.string(keys.get(i));
        i++;
      }
      if (i < keys.size()) {
        ctx.count("sync.truncated", keys.size() - i);
        keys.subList(i, keys.size()).clear();
      }
      return bytes;
    }

    // ------------------------------------------------------------------ receiving a chunk

    void onEntries(RangeEntries m) {
      if (!m.done()) {
        // Ask for the next batch before applying this chunk, and send the request now rather
        // than after the apply, so the peer builds the batch meanwhile.
        sendVersions(m.resume(), m.end());
        ctx.flush();
      }
      if (iWantPeers) {
        List<Entry> got = m.entries();
        reserveFor(got);
        for (int i = 0; i < got.size(); i++) {
          ctx.apply(got.get(i));
        }
      }
      if (!peerWantsMine) {
        return;
      }
      List<Entry> push = new ArrayList<>();
      for (String key : m.missing()) {
        Entry e = store.get(key);
        if (e != null && !withhold(e)) {
          push.add(e);
        }
      }
      for (String key : m.wanted()) {
        Entry e = store.get(key);
        if (e != null) {
          push.add(e);
        }
      }
      sendEntries(ctx, peer, push);
    }

    /**
     * Sizes the replica for the stream {@code got} is part of. A chunk's entries are in hash
     * order and key hashes are uniform, so the share of the hash space between its first and
     * last entry estimates the sender's total: k entries over 1/500 of the space, about 500 k.
     * The estimate is bounded by {@value #RESERVE_FACTOR} times what this replica will hold after
     * the chunk, so a peer can make it reserve room only in proportion to entries it really
     * sent; a full sync reaches its size in a few chunks instead of twenty doublings.
     */
    private void reserveFor(List<Entry> got) {
      int k = got.size();
      if (k < MIN_ESTIMATE_ENTRIES) {
        // Too few to estimate from (two close hashes in a leaf's answer would promise millions):
        // the answers of a diff exchange, or a stream over datagram-sized chunks.
        return;
      }
      long first = KeyHash.of(got.get(0).key());
      long last = KeyHash.of(got.get(k - 1).key());
      if (Long.compareUnsigned(last, first) <= 0) {
        return;
      }
      double estimate = k * (0x1p64 / unsigned(last - first));
      long bound = RESERVE_FACTOR * ((long) store.size() + k);
      store.reserve((int) Math.min(Math.min(estimate, bound), Integer.MAX_VALUE / 2));
    }

    // ------------------------------------------------------------------ the tombstone rule

    /**
     * True if {@code e}, which the peer lacks, must not be handed to it: this replica is
     * returning, {@code e} is older than the tombstone TTL, and the peer has collected tombstones
     * at least as new, so its lack may be a collected delete. Such an entry is forgotten here
     * instead of spread (counted as {@code sync.stale_dropped}).
     */
    private boolean withhold(Entry e) {
      long t = e.version().millis();
      if (returning && t < horizon && peerWatermark >= t) {
        forget.add(e.key());
        return true;
      }
      return false;
    }

    void finish() {
      flushExpansions();
      for (int i = 0; i < forget.size(); i++) {
        if (store.forget(forget.get(i)) != null) {
          ctx.count("sync.stale_dropped", 1);
        }
      }
    }
  }

  /** How many times its size a stream may make a replica reserve room for; see reserveFor. */
  static final int RESERVE_FACTOR = 8;

  /** Fewest entries in a chunk to estimate a stream's size from (about 12% error at 64). */
  static final int MIN_ESTIMATE_ENTRIES = 64;

  private static double unsigned(long v) {
    return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
  }

  /** Sorts the first n (hash, kv) pairs by unsigned hash, then key. */
  private static void sortByHash(long[] hashes, KeyVersion[] kvs, int n) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> KeyHash.compare(hashes[a], kvs[a].key(), hashes[b], kvs[b].key()));
    long[] h = new long[n];
    KeyVersion[] k = new KeyVersion[n];
    for (int i = 0; i < n; i++) {
      h[i] = hashes[order[i]];
      k[i] = kvs[order[i]];
    }
    System.arraycopy(h, 0, hashes, 0, n);
    System.arraycopy(k, 0, kvs, 0, n);
  }
}
