package io.gossipkit.testkit.contract;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Exchange;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.RumorOptions;
import io.gossipkit.core.StopRule;
import io.gossipkit.core.Strategies;
import java.util.function.Supplier;

/** The built-in strategy AntiEntropyPull passes the dissemination strategy contract, as a user's would. */
class AntiEntropyPullStrategyContractTest extends DisseminationStrategyContract {
  @Override
  protected Supplier<DisseminationStrategy> newStrategy() {
    return Strategies.antiEntropy(Exchange.PULL);
  }

}
