package io.gossipkit.crypto;

import io.gossipkit.testkit.contract.PacketProtectorContract;
import java.time.Duration;

/** XChaCha20-Poly1305 passes the packet protector contract, as a user's protector would. */
class XChaCha20Poly1305ProtectorContractTest extends PacketProtectorContract {
  @Override
  protected Cluster newCluster() {
    return new KeyringCluster(AeadAlgorithm.XCHACHA20_POLY1305);
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
