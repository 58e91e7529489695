package io.gossipkit.testkit.contract;

import io.gossipkit.api.RandomSource;

/**
 * Runs the {@link RandomSourceContract} against {@link RandomSource#fromSecureSeed()}: a new
 * seed every run, so the statistical rules meet a different sequence each time (each fails a
 * correct source with probability below 10^-9), and R10.7 checks two sources differ.
 */
class SecureSeedRandomSourceContractTest extends RandomSourceContract {
  @Override
  protected RandomSource newRandomSource(long seed) {
    return RandomSource.fromSecureSeed();
  }
}
