package io.gossipkit.crypto.sign;

import io.gossipkit.api.CanonicalEntry;
import io.gossipkit.api.Entry;
import io.gossipkit.api.EntrySigner;
import io.gossipkit.api.NodeId;
import java.util.Objects;

/**
 * Signs one node's writes with its Ed25519 private key: pure Ed25519 (RFC 8032, no context, no
 * pre-hash) over {@link CanonicalEntry#encode(Entry)}, 64 bytes per write.
 *
 * <p>It signs only writes whose origin is its node, so a node handed another node's signer fails
 * when it is built, and nothing can make it sign on another's behalf. Thread-safe: each signature
 * uses its own BouncyCastle signer. Ed25519 signatures are deterministic: signing one write twice
 * gives the same bytes.
 *
 * <pre>{@code
 * EntrySigner signer = Ed25519Signer.of(NodeId.of("a"), privateKeyOfA);
 * }</pre>
 */
public final class Ed25519Signer implements EntrySigner {
  private final NodeId node;
  private final Ed25519PrivateKey key;

  private Ed25519Signer(NodeId node, Ed25519PrivateKey key) {
    this.node = node;
    this.key = key;
  }

  /** The signer of {@code node}'s writes, with {@code key}. */
  public static Ed25519Signer of(NodeId node, Ed25519PrivateKey key) {
    return new Ed25519Signer(
        Objects.requireNonNull(node, "node"), Objects.requireNonNull(key, "key"));
  }

  /** The node whose writes this signs. */
  public NodeId node() {
    return node;
  }

  /** The public key that checks this signer's signatures. */
  public Ed25519PublicKey publicKey() {
    return key.publicKey();
  }

  /**
   * Signs {@code entry}'s canonical bytes.
   *
   * @return the 64-byte Ed25519 signature
   * @throws IllegalArgumentException if the entry's origin is not this signer's node
   */
  @Override
  public byte[] sign(Entry entry) {
    NodeId origin = entry.version().origin();
    if (!origin.equals(node)) {
      throw new IllegalArgumentException(
          "the signer of node " + node + " does not sign writes of node " + origin);
    }
    byte[] message = CanonicalEntry.encode(entry);
    // BouncyCastle's signer buffers the message and is not thread-safe: one per call. It is a
    // small object next to the cost of the signature itself.
    org.bouncycastle.crypto.signers.Ed25519Signer signer =
        new org.bouncycastle.crypto.signers.Ed25519Signer();
    signer.init(true, key.params());
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  /** True only for this signer's node. */
  @Override
  public boolean signsFor(NodeId origin) {
    return node.equals(origin);
  }

  /** Names the node and the public key's fingerprint; never the private key. */
  @Override
  public String toString() {
    return "Ed25519Signer[node=" + node + ", public " + key.publicKey().fingerprint() + "]";
  }
}
