package io.gossipkit.api;

import java.util.List;
import java.util.Objects;

/**
 * A compact summary of a replica, sent first in an anti-entropy exchange.
 *
 * <p>{@code rootHash} is an order-independent hash over every (key, version, tombstone) the
 * replica holds; two replicas with equal root hashes agree and the exchange ends after one small
 * message. {@code versions} lists what the replica holds so the peer can compute the difference in
 * one step; it is empty when the replica is larger than the digest limit, in which case the
 * difference is found over a stream transport (see docs/ARCHITECTURE.md).
 *
 * @param rootHash order-independent hash of the replica
 * @param size number of entries (tombstones included) in the replica
 * @param versions the key versions the replica holds, or empty if it was too large to list
 */
public record Digest(long rootHash, int size, List<KeyVersion> versions) {
  /** An empty replica's digest. */
  public static final Digest EMPTY = new Digest(0L, 0, List.of());

  /** Checks the arguments. */
  public Digest {
    versions = List.copyOf(Objects.requireNonNull(versions, "versions"));
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
  }

  /** True if {@link #versions()} lists every entry of the replica. */
  public boolean isComplete() {
    return versions.size() == size;
  }
}
