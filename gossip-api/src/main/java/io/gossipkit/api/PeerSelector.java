package io.gossipkit.api;

import java.util.List;

/**
 * Picks the peers one node contacts in one exchange.
 *
 * <p>Runs on the node's executor; must not block. A selector MUST never return this node (the
 * view never lists it), MUST NOT return {@code exclude}, MUST NOT return the same peer twice in one
 * call, and MUST return {@code min(count, eligible peers)} peers when that many are eligible
 * (rules R1.x of docs/contracts.md, checked by the testkit's {@code PeerSelectorContract}).
 * A stateful selector (one that walks the view) is created once per node.
 *
 * <p>Built-in selectors come from {@code io.gossipkit.core.PeerSelectors}.
 */
@FunctionalInterface
public interface PeerSelector {
  /**
   * Picks up to {@code count} peers from {@code view}.
   *
   * @param view the peers this node may contact
   * @param count how many to pick, at least 1
   * @param exclude a peer to leave out (the sender of the message being relayed), or null
   * @param random the node's random source
   * @return the chosen peers, distinct, possibly fewer than {@code count}
   */
  List<NodeId> select(PeerView view, int count, NodeId exclude, RandomSource random);
}
