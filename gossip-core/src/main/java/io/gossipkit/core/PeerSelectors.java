package io.gossipkit.core;

import io.gossipkit.api.PeerSelector;
import io.gossipkit.core.internal.peers.ExcludingSenderPeerSelector;
import io.gossipkit.core.internal.peers.RandomPeerSelector;
import io.gossipkit.core.internal.peers.RingPeerSelector;
import io.gossipkit.core.internal.peers.ShuffledRoundRobinPeerSelector;

/**
 * Static factories for the built-in {@link PeerSelector}s.
 *
 * <p>Every selector here passes the testkit's {@code PeerSelectorContract} (rules R1.x of
 * docs/contracts.md): it never returns {@code exclude}, never returns a peer twice
 * in one call, returns only live peers of the view ({@link io.gossipkit.api.PeerView#isLive}),
 * returns {@code min(count, eligible)} peers where eligible means live and not {@code exclude},
 * and returns an empty list for an empty view; {@link #random()} and {@link
 * #shuffledRoundRobin()} also reach every live peer, the first uniformly at random. The wrapper
 * {@link #excludingSender} keeps these rules when its delegate keeps all but R1.1. No selector
 * loops without bound: a view whose only live peer is {@code exclude} gives an empty list.
 * Selectors run on the node's executor and never block; they throw {@link
 * IllegalArgumentException} for a {@code count} below 1.
 *
 * <pre>{@code
 * PeerSelector antiEntropy = PeerSelectors.ring();
 * PeerSelector rumors = PeerSelectors.excludingSender(PeerSelectors.random());
 * PeerSelector probes = PeerSelectors.shuffledRoundRobin(); // one per node
 * List<NodeId> targets = rumors.select(context.peers(), config.fanout(), sender, context.random());
 * }</pre>
 */
public final class PeerSelectors {
  private PeerSelectors() {}

  /**
   * Returns the uniform random selector: {@code count} distinct live peers, each set equally
   * likely. Stateless and shared: the same instance serves every node.
   *
   * <p>Built for the hot path: a call with {@code count == 1} costs one {@code nextInt} draw in
   * the common case (re-drawn, a bounded number of times, when it hits a dead or excluded peer).
   */
  public static PeerSelector random() {
    return RandomPeerSelector.INSTANCE;
  }

  /**
   * Returns a new shuffled round-robin selector, to be created once per node: it walks a random
   * permutation of the view so every live peer is picked once per pass, and reshuffles when the
   * pass is exhausted or the view changes size (memberlist's probing order).
   *
   * <p>Stateful and not thread-safe: give each node its own instance, used only on its executor.
   * The permutation is allocated on the first call, {@code 4 * view.size()} bytes.
   */
  public static PeerSelector shuffledRoundRobin() {
    return new ShuffledRoundRobinPeerSelector();
  }

  /**
   * Returns the closed-ring selector, for closed-loop anti-entropy: the first {@code count} live
   * peers in ring order, starting at this node's successor (the order of {@link
   * io.gossipkit.api.PeerView}). Dead peers are skipped, so one failure does not stall the ring.
   * Stateless and shared; it never uses the random source.
   */
  public static PeerSelector ring() {
    return RingPeerSelector.INSTANCE;
  }

  /**
   * Wraps {@code delegate} so that {@code exclude} is never returned even if the delegate ignores
   * it; the answer is topped up from the delegate (asked for {@code count + 1}) to keep its size.
   * Use it around a selector whose handling of {@code exclude} is unknown, such as a third-party
   * one.
   *
   * @param delegate the selector to filter
   * @throws NullPointerException if {@code delegate} is null
   */
  public static PeerSelector excludingSender(PeerSelector delegate) {
    return new ExcludingSenderPeerSelector(delegate);
  }
}
