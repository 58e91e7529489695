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
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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
 * at most {@link #MAX_PEERS} peers are remembered in each of its two sets; past that, openings
 * are not tracked and crossings not settled (both exchanges run, as without this class).
 */
public final class CrossedExchanges {
  /** Most peers remembered as recently opened to; more are not recorded (only a bound). */
  static final int MAX_PEERS = 4096;

  /** Peers this node opened a push-pull range exchange with, by the time it did. */
  private final Map<NodeId, Long> opened = new HashMap<>();
  /** Peers whose answers in the exchange this node opened are ignored: it was crossed. */
  private final Set<NodeId> abandoned = new HashSet<>();

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
      if (at != null
          && at > ctx.now() - ctx.config().gossipInterval().toMillis()
          && ctx.self().compareTo(from) < 0
          && abandoned.size() < MAX_PEERS) {
        // Crossed: the peer's exchange carries both directions. This node answers it (the caller
        // handles m as usual) and stops its own.
        abandoned.add(from);
        ctx.count("sync.crossed_abandoned", 1);
      }
      return false;
    }
    return !fromInitiator(m) && abandoned.contains(from);
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
