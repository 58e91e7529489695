package io.gossipkit.api;

/**
 * Signs a node's own writes, so that whoever relays them can neither forge nor alter them
 * unnoticed.
 *
 * <p>The engine calls {@link #sign} once per local put or delete, on the node's executor, before
 * the write is stored or sent; the entry it stores and spreads is
 * {@code entry.withSignature(sign(entry))}. A signature covers {@link
 * CanonicalEntry#encode(Entry)} and nothing else, and is checked by an {@link EntryVerifier} on
 * every node that receives the write. The built-in implementation is gossip-crypto's
 * {@code io.gossipkit.crypto.sign.Ed25519Signer}.
 *
 * <p>Implementations should be thread-safe (one may be shared by nodes in one process), must not
 * block for long (they run on the node's only thread), and must never log or expose their key.
 *
 * <pre>{@code
 * GossipNodes.builder(config).id("a").signer(Ed25519Signer.of(NodeId.of("a"), privateKey)) ...
 * }</pre>
 */
public interface EntrySigner {
  /**
   * Signs the canonical bytes of {@code entry}, a write whose origin is this signer's node.
   *
   * @return exactly {@link Entry#SIGNATURE_BYTES} bytes
   * @throws IllegalArgumentException if this signer holds no key for the entry's origin; the
   *     write is then refused: nothing is stored or sent, and {@code put} or {@code delete}
   *     throws an {@link IllegalStateException} caused by this one
   */
  byte[] sign(Entry entry);

  /**
   * True if this signer can sign writes whose origin is {@code origin}. Node builders call it
   * once, so that a node given another node's key fails when it is built rather than at its
   * first write. The default says yes to every origin.
   */
  default boolean signsFor(NodeId origin) {
    return true;
  }
}
