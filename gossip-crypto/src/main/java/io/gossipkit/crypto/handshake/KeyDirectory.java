package io.gossipkit.crypto.handshake;

import io.gossipkit.api.NodeId;
import io.gossipkit.crypto.sign.Ed25519PublicKey;
import io.gossipkit.crypto.sign.SigningKeyDirectory;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps a node id to its Ed25519 public key, for {@link AuthMode#ED25519} handshakes.
 *
 * <p>Called on the transport's event loop during a handshake; implementations must be thread-safe
 * and must not block. A node the directory does not know fails the handshake with {@link
 * HandshakeFailure#UNKNOWN_PEER}; so does a key that is not 32 bytes or not a valid point.
 *
 * <pre>{@code
 * KeyDirectory dir = KeyDirectory.of(Map.of(NodeId.of("a"), pubA, NodeId.of("b"), pubB));
 * // or the same file that lists who may sign entries:
 * KeyDirectory dir = KeyDirectory.from(SigningKeyDirectory.load(Path.of("nodes.keys")));
 * }</pre>
 */
@FunctionalInterface
public interface KeyDirectory {
  /** The 32-byte Ed25519 public key of {@code node}, or empty if the node is unknown. */
  Optional<byte[]> publicKey(NodeId node);

  /**
   * The handshake view of a {@link SigningKeyDirectory}: each node's Ed25519 key authenticates
   * its handshakes as well as its signed entries, so one key file (and one place to rotate a
   * key) serves both. Reads {@code keys} at each call, so a live directory's changes apply to the
   * next handshake.
   */
  static KeyDirectory from(SigningKeyDirectory keys) {
    Objects.requireNonNull(keys, "keys");
    return node -> {
      Ed25519PublicKey key = keys.publicKey(node);
      return key == null ? Optional.empty() : Optional.of(key.encoded());
    };
  }

  /**
   * An immutable directory holding a copy of {@code keys}.
   *
   * @throws IllegalArgumentException if a key is not a valid 32-byte Ed25519 public key
   */
  static KeyDirectory of(Map<NodeId, byte[]> keys) {
    Map<NodeId, byte[]> copy = new HashMap<>();
    for (Map.Entry<NodeId, byte[]> e : keys.entrySet()) {
      NodeId node = Objects.requireNonNull(e.getKey(), "node id");
      byte[] key = Objects.requireNonNull(e.getValue(), "public key of " + node);
      if (Primitives.ed25519Public(key) == null) {
        throw new IllegalArgumentException(
            "public key of " + node + " must be a valid 32-byte Ed25519 key, was "
                + key.length + " bytes");
      }
      copy.put(node, key.clone());
    }
    return node -> {
      byte[] k = copy.get(node);
      return k == null ? Optional.empty() : Optional.of(k.clone());
    };
  }
}
