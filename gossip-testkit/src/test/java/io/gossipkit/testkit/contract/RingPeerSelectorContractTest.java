package io.gossipkit.testkit.contract;

import io.gossipkit.api.PeerSelector;
import io.gossipkit.core.PeerSelectors;

/**
 * Runs the peer selector contract against {@link PeerSelectors#ring()}. A ring node talks to its
 * first live successors by design, so it declines R1.7: the ring as a whole, not one node's
 * selector, reaches every member.
 */
class RingPeerSelectorContractTest extends PeerSelectorContract {
  @Override
  protected PeerSelector newPeerSelector() {
    return PeerSelectors.ring();
  }

  @Override
  protected boolean reachesEveryLivePeer() {
    return false;
  }
}
