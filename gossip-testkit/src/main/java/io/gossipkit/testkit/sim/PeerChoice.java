package io.gossipkit.testkit.sim;

import io.gossipkit.api.PeerSelector;
import io.gossipkit.core.PeerSelectors;
import java.util.function.Supplier;

/** How every node of an {@link Experiment} picks its peers. */
public enum PeerChoice {
  /** Uniformly at random among live peers (Demers' model). */
  RANDOM,
  /** The closed ring: each node's next live successors; dead members are skipped. */
  RING,
  /** Every peer once per pass, in a per-node random order (memberlist's probe order). */
  ROUND_ROBIN;

  /** Supplies each node's selector; stateless selectors are shared. */
  public Supplier<PeerSelector> selectors() {
    switch (this) {
      case RING:
        return PeerSelectors::ring;
      case ROUND_ROBIN:
        return PeerSelectors::shuffledRoundRobin;
      default:
        return PeerSelectors::random;
    }
  }
}
