package io.gossipkit.crypto;

import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.testkit.contract.PacketProtectorContract;

/**
 * A contract cluster over one {@link Keyring} shared by its members: rotation installs a fresh
 * key and uses it at once, as the keyring of every node would after both rotation steps.
 */
final class KeyringCluster implements PacketProtectorContract.Cluster {
  private final AeadAlgorithm algorithm;
  private final Keyring keys = Keyring.generate();
  private int nextId = 2;

  KeyringCluster(AeadAlgorithm algorithm) {
    this.algorithm = algorithm;
  }

  @Override
  public PacketProtector newMember(NodeId id, Clock clock) {
    return PacketProtectors.create(algorithm, keys, id, clock, ReplayPolicy.defaults());
  }

  @Override
  public void rotate() {
    int id = nextId++;
    keys.install(id, Keyring.randomKey());
    keys.use(id);
  }

  @Override
  public void retireOldKeys() {
    for (int id : keys.ids()) {
      if (id != keys.primaryId()) {
        keys.remove(id);
      }
    }
  }
}
