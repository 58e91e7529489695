package io.gossipkit.crypto;

import io.gossipkit.testkit.contract.PacketProtectorContract;
import java.time.Duration;

/**
 * The packet protector contract for one {@link AeadAlgorithm} of {@link PacketProtectors}, its
 * members sharing a {@link Keyring} and the default {@link ReplayPolicy}: each algorithm's test
 * is a subclass naming it.
 */
abstract class KeyringProtectorContract extends PacketProtectorContract {
  private final AeadAlgorithm algorithm;

  KeyringProtectorContract(AeadAlgorithm algorithm) {
    this.algorithm = algorithm;
  }

  @Override
  protected Cluster newCluster() {
    return new KeyringCluster(algorithm);
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
