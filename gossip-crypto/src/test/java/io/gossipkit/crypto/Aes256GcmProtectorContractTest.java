package io.gossipkit.crypto;

import io.gossipkit.testkit.contract.PacketProtectorContract;
import java.time.Duration;

/** AES-256-GCM passes the packet protector contract, as a user's protector would. */
class Aes256GcmProtectorContractTest extends PacketProtectorContract {
  @Override
  protected Cluster newCluster() {
    return new KeyringCluster(AeadAlgorithm.AES_256_GCM);
  }

  @Override
  protected int maxPacketBytes() {
    return ReplayPolicy.defaults().maxPacketBytes();
  }

  @Override
  protected Duration maxPacketAge() {
    return ReplayPolicy.defaults().maxAge();
  }
}
