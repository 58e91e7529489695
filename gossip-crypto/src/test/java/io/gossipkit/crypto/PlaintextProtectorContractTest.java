package io.gossipkit.crypto;

import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.testkit.contract.PacketProtectorContract;

/**
 * {@link PacketProtector#plaintext()} passes the rules that apply to it: round trips, overhead,
 * rotation (there are no keys) and never throwing; it says it does not authenticate, so every
 * rule about refusing altered, foreign, replayed or stale packets is skipped.
 */
class PlaintextProtectorContractTest extends PacketProtectorContract {
  @Override
  protected Cluster newCluster() {
    return new Cluster() {
      @Override
      public PacketProtector newMember(NodeId id, Clock clock) {
        return PacketProtectors.byName("plaintext", null, id, clock);
      }

      @Override
      public void rotate() {}

      @Override
      public void retireOldKeys() {}
    };
  }

  @Override
  protected boolean authenticates() {
    return false;
  }
}
