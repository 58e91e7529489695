package io.gossipkit.testkit.contract;

import io.gossipkit.api.FailureDetector;
import io.gossipkit.core.PhiAccrualFailureDetector;
import java.time.Duration;

/**
 * Runs the {@link FailureDetectorContract} against a {@link PhiAccrualFailureDetector} tuned for
 * a member heard from every 50 ms (a small cluster, gossiping fast), with a pause allowance.
 */
class FastPhiAccrualFailureDetectorContractTest extends FailureDetectorContract {
  @Override
  protected FailureDetector newDetector() {
    return PhiAccrualFailureDetector.builder()
        .threshold(5)
        .minStdDeviation(Duration.ofMillis(5))
        .acceptableHeartbeatPause(Duration.ofMillis(100))
        .firstHeartbeatEstimate(Duration.ofMillis(50))
        .build();
  }

  @Override
  protected long heartbeatIntervalMillis() {
    return 50;
  }
}
