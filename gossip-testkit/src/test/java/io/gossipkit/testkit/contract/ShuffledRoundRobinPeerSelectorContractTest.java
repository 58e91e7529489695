package io.gossipkit.testkit.contract;

import io.gossipkit.api.PeerSelector;
import io.gossipkit.core.PeerSelectors;

/**
 * Runs the peer selector contract against {@link PeerSelectors#shuffledRoundRobin()}. It claims
 * R1.6: a walk that picks each peer once per pass is uniform in its counts.
 */
class ShuffledRoundRobinPeerSelectorContractTest extends PeerSelectorContract {
  @Override
  protected PeerSelector newPeerSelector() {
    return PeerSelectors.shuffledRoundRobin();
  }

  @Override
  protected boolean isUniform() {
    return true;
  }
}
