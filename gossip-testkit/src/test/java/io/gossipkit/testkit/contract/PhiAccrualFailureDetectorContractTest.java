package io.gossipkit.testkit.contract;

import io.gossipkit.api.FailureDetector;
import io.gossipkit.core.PhiAccrualFailureDetector;

/** Runs the {@link FailureDetectorContract} against {@link PhiAccrualFailureDetector}'s defaults. */
class PhiAccrualFailureDetectorContractTest extends FailureDetectorContract {
  @Override
  protected FailureDetector newDetector() {
    return PhiAccrualFailureDetector.builder().build();
  }
}
