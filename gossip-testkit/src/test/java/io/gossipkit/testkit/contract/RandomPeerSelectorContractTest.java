package io.gossipkit.testkit.contract;

import io.gossipkit.api.PeerSelector;
import io.gossipkit.core.PeerSelectors;

/** Runs the peer selector contract against {@link PeerSelectors#random()}, including R1.6. */
class RandomPeerSelectorContractTest extends PeerSelectorContract {
  @Override
  protected PeerSelector newPeerSelector() {
    return PeerSelectors.random();
  }

  @Override
  protected boolean isUniform() {
    return true;
  }
}
