package io.gossipkit.testkit.contract;

import io.gossipkit.api.MergePolicy;

/** Runs the {@link MergePolicyContract} against {@link MergePolicy#firstWriterWins()}. */
class FirstWriterWinsMergePolicyContractTest extends MergePolicyContract {
  @Override
  protected MergePolicy newMergePolicy() {
    return MergePolicy.firstWriterWins();
  }
}
