package io.gossipkit.testkit.contract;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.core.RumorOptions;
import io.gossipkit.core.StopRule;
import io.gossipkit.core.Strategies;
import java.util.function.Supplier;

/** Rumor mongering with lazy pushes (offers and requests) passes the dissemination strategy contract. */
class RumorLazyPushStrategyContractTest extends DisseminationStrategyContract {
  @Override
  protected Supplier<DisseminationStrategy> newStrategy() {
    return Strategies.rumorMongering(
        RumorOptions.builder().stopRule(StopRule.FEEDBACK_COUNTER).lazyPayload(true).build());
  }

  @Override
  protected boolean guaranteesConvergence() {
    return false;
  }
}
