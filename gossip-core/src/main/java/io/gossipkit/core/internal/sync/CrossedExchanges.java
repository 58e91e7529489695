package io.gossipkit.core.internal.sync;

import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.RangeEntries;
import io.gossipkit.api.message.RangeExpansion;
import io.gossipkit.api.message.RangeSummaries;
import io.gossipkit.api.message.RangeVersions;
import java.util.HashMap;
import java.util.Map;

/**
 * Internal: may change at any time. Settles two push-pull range exchanges that two nodes opened
 * with each other at about the same moment, before either saw the other's: each would repair the
 * whole difference, so it would cross the wire twice. The node whose id is lower gives its own
 * exchange up and answers only the peer's.
 *
 * <p>Both nodes see the crossing: each receives the other's opening (a root {@link
 * RangeSummaries} from an initiator) within a gossip interval of sending its own. The lower id
 * then ignores the peer's further answers in the exchange it opened (messages not from an
 * initiator); the peer's own exchange, which needs both directions of the link just as the
 * abandoned one did, repairs both ways. Nothing is given up on a one-way link: the crossing is
 * only seen once the peer's opening has arrived, and an abandoned exchange costs at most one
 * round's delay if the other one is lost later. Exchanges that repair one direction each (push or
 * pull) are complementary, and both run.
 *
 * <p>One instance belongs to one node's anti-entropy and is used on its engine thread. Bounded:
 * at most {@link #MAX_PEERS} peers are remembered in each of its two maps, old entries making
 * room when they are full; past that, openings are not tracked and crossings not settled (both
 * exchanges run, as without this class).
 */
public final class CrossedExchanges {
  /** Most peers remembered as recently opened to; more are not recorded (only a bound). */
  static final int MAX_PEERS = 4096;

  /** Peers this node opened a push-pull range exchange with, by the time it did. */
  private final Map<NodeId, Long> opened = new HashMap<>();
  /**
   * Peers whose answers in the exchange this node opened are ignored (it was crossed), by the
   * time it was given up. Forgotten when this node opens any exchange with the peer again, and,
   * when the set is full, once older than {@link #STALE_INTERVALS} gossip intervals: the
   * abandoned exchange's answers arrive within a round trip or a batch, not minutes later.
   */
  private final Map<NodeId, Long> abandoned = new HashMap<>();

  /** Gossip intervals after which an abandoned exchange is long over. */
  static final int STALE_INTERVALS = 100;

  /**
   * Records that this node starts an exchange with {@code peer} other than a range opening (a
   * listing, when its replica is small): whatever exchange with the peer it gave up is over, and
   * the answers to the new one must not be dropped as the old one's.
   */
  public void forget(NodeId peer) {
    abandoned.remove(peer);
  }

  /** Records that this node opened a range exchange with {@code peer} now. */
  public void opened(GossipContext ctx, NodeId peer, Exchange exchange) {
    abandoned.remove(peer);
    if (exchange != Exchange.PUSH_PULL) {
      return;
    }
    long now = ctx.now();
    if (opened.size() >= MAX_PEERS && !opened.containsKey(peer)) {
      long recent = now - ctx.config().gossipInterval().toMillis();
      opened.values().removeIf(at -> at <= recent);
      if (opened.size() >= MAX_PEERS) {
        return;
      }
    }
    opened.put(peer, now);
  }

  /**
   * Looks at a range message from {@code from} before it is handled: returns true if it belongs
   * to an exchange this node gave up, and must be ignored. Counts each crossing settled as {@code
   * sync.crossed_abandoned}.
   */
  public boolean drops(GossipContext ctx, NodeId from, GossipMessage m) {
    if (m instanceof RangeSummaries && isOpening((RangeSummaries) m)) {
      Long at = opened.remove(from);
      long now = ctx.now();
      long interval = ctx.config().gossipInterval().toMillis();
      if (at != null && at > now - interval && ctx.self().compareTo(from) < 0) {
        if (abandoned.size() >= MAX_PEERS && !abandoned.containsKey(from)) {
          // Peers that left keep their entries until here: old ones go, so settling is not
          // turned off for good once MAX_PEERS peers have ever crossed.
          long stale = now - STALE_INTERVALS * interval;
          abandoned.values().removeIf(t -> t <= stale);
        }
        if (abandoned.size() < MAX_PEERS || abandoned.containsKey(from)) {
          // Crossed: the peer's exchange carries both directions. This node answers it (the
          // caller handles m as usual) and stops its own.
          abandoned.put(from, now);
          ctx.count("sync.crossed_abandoned", 1);
        }
      }
      return false;
    }
    return !fromInitiator(m) && abandoned.containsKey(from);
  }

  private static boolean isOpening(RangeSummaries m) {
    if (!m.fromInitiator() || m.exchange() != Exchange.PUSH_PULL || m.expansions().size() != 1) {
      return false;
    }
    RangeExpansion root = m.expansions().get(0);
    return root.level() == 0 && root.prefix() == 0;
  }

  private static boolean fromInitiator(GossipMessage m) {
    if (m instanceof RangeSummaries) {
      return ((RangeSummaries) m).fromInitiator();
    }
    if (m instanceof RangeVersions) {
      return ((RangeVersions) m).fromInitiator();
    }
    return m instanceof RangeEntries && ((RangeEntries) m).fromInitiator();
  }
}
