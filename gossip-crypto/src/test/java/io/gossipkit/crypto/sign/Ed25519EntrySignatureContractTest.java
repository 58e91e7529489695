package io.gossipkit.crypto.sign;

import io.gossipkit.api.EntrySigner;
import io.gossipkit.api.EntryVerifier;
import io.gossipkit.api.NodeId;
import io.gossipkit.testkit.contract.EntrySignatureContract;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the {@link EntrySignatureContract} against {@link Ed25519Signer} and {@link
 * Ed25519Verifier} over an immutable {@link SigningKeyDirectory}, as a user's signer would be.
 * Keys come from a generator seeded from {@link #seed()} and a count of clusters, so a failure
 * reproduces with the same keys.
 */
class Ed25519EntrySignatureContractTest extends EntrySignatureContract {
  private int clusters;

  @Override
  protected Cluster newCluster() {
    SecureRandom random = Ed25519SignatureTest.seeded(seed() * 31 + clusters++);
    Map<NodeId, Ed25519KeyPair> keys = new ConcurrentHashMap<>();
    return new Cluster() {
      @Override
      public EntrySigner signerOf(NodeId node) {
        return Ed25519Signer.of(node, keyOf(node).privateKey());
      }

      @Override
      public EntryVerifier verifierTrusting(Set<NodeId> nodes) {
        Map<NodeId, Ed25519PublicKey> trusted = new HashMap<>();
        for (NodeId node : nodes) {
          trusted.put(node, keyOf(node).publicKey());
        }
        return Ed25519Verifier.of(SigningKeyDirectory.of(trusted));
      }

      private Ed25519KeyPair keyOf(NodeId node) {
        return keys.computeIfAbsent(node, n -> Ed25519KeyPair.generate(random));
      }
    };
  }

}
