package io.gossipkit.testkit.contract;

import io.gossipkit.api.RandomSource;

/** Runs the {@link RandomSourceContract} against {@link RandomSource#seeded}, R10.6 included. */
class SeededRandomSourceContractTest extends RandomSourceContract {
  @Override
  protected RandomSource newRandomSource(long seed) {
    return RandomSource.seeded(seed);
  }

  @Override
  protected boolean reproducible() {
    return true;
  }
}
