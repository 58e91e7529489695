package io.gossipkit.testkit.contract;

import io.gossipkit.api.MergePolicy;

/** Runs the {@link MergePolicyContract} against {@link MergePolicy#lastWriterWins()}. */
class LastWriterWinsMergePolicyContractTest extends MergePolicyContract {
  @Override
  protected MergePolicy newMergePolicy() {
    return MergePolicy.lastWriterWins();
  }
}
