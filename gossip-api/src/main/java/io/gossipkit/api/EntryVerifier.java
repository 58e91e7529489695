package io.gossipkit.api;

/**
 * Checks an entry's origin signature: that the node named by {@code entry.version().origin()}
 * signed exactly this write (see {@link CanonicalEntry}).
 *
 * <p>The engine asks it about every received entry that carries a signature, and about every
 * received entry when {@link GossipConfig#requireSignatures()} is set, before the entry can change
 * the replica or advance the node's clock (entries the replica would not take anyway, such as a
 * copy of a write it already holds, are skipped). What the engine does with each {@link Result} is
 * described there. The built-in implementation is gossip-crypto's {@code
 * io.gossipkit.crypto.sign.Ed25519Verifier}.
 *
 * <p>Runs on the node's executor, once per entry received: it must be fast, must not block, and
 * must not throw (an exception is treated as {@link Result#INVALID}). Implementations should be
 * thread-safe, since one may be shared by several nodes.
 */
public interface EntryVerifier {
  /** What a verification found. */
  enum Result {
    /** The signature is the origin's signature of exactly this write: apply it. */
    VALID,
    /**
     * The signature does not verify under the origin's key: the write was altered or forged on
     * the way. Never applied; counted as {@code dropped.bad_signature}.
     */
    INVALID,
    /**
     * The entry is signed but no key is known for its origin. Dropped and counted as {@code
     * dropped.unknown_signer} when signatures are required; otherwise applied as if unsigned and
     * counted as {@code signatures.unverified}.
     */
    UNKNOWN_ORIGIN,
    /**
     * The entry carries no signature. Dropped and counted as {@code dropped.unsigned} when
     * signatures are required; otherwise applied.
     */
    UNSIGNED
  }

  /**
   * Verifies {@code entry}'s signature against its origin's public key.
   *
   * @return {@link Result#UNSIGNED} if the entry carries no signature, {@link
   *     Result#UNKNOWN_ORIGIN} if no key is known for its origin, else {@link Result#VALID} or
   *     {@link Result#INVALID}; never null
   */
  Result verify(Entry entry);
}
