package io.gossipkit.testkit.contract;

import io.gossipkit.api.PeerSelector;
import io.gossipkit.core.PeerSelectors;

/**
 * Runs the peer selector contract against {@link PeerSelectors#excludingSender} wrapped around a
 * delegate that ignores {@code exclude} (it passes null to {@link PeerSelectors#random()}), so R1.1
 * passes only through the wrapper's filtering and top-up.
 */
class ExcludingSenderPeerSelectorContractTest extends PeerSelectorContract {
  @Override
  protected PeerSelector newPeerSelector() {
    PeerSelector ignoresExclude =
        (view, count, exclude, random) -> PeerSelectors.random().select(view, count, null, random);
    return PeerSelectors.excludingSender(ignoresExclude);
  }

  @Override
  protected boolean isUniform() {
    // Dropping the sender and topping up from a fresh uniform draw keeps every other peer equally
    // likely.
    return true;
  }
}
