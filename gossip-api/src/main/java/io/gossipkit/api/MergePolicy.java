package io.gossipkit.api;

/**
 * Resolves two versions of one key into the one every replica keeps.
 *
 * <p>Replicas converge only if the merge is a join: commutative ({@code merge(a, b)} equals
 * {@code merge(b, a)}), associative and idempotent ({@code merge(a, a)} equals {@code a}); the
 * testkit's {@code MergePolicyContract} checks all three (rules R3.x of docs/contracts.md). Runs on
 * the node's executor; must not block and must not throw.
 *
 * <pre>{@code
 * GossipNode node = GossipNodes.builder(config).mergePolicy(MergePolicy.lastWriterWins()) ...
 * }</pre>
 */
@FunctionalInterface
public interface MergePolicy {
  /**
   * Merges two entries for the same key.
   *
   * @param local the entry this replica holds
   * @param incoming the entry received
   * @return the entry to keep: {@code local}, {@code incoming}, or a new merged entry
   */
  Entry merge(Entry local, Entry incoming);

  /**
   * Last writer wins: the entry with the greater version (hybrid logical clock, then origin id).
   * A delete is a write like any other, so a later delete wins over an earlier put and vice versa.
   */
  static MergePolicy lastWriterWins() {
    return (local, incoming) -> incoming.version().compareTo(local.version()) > 0 ? incoming : local;
  }

  /**
   * First writer wins: the entry with the smaller version. Once a key is written, later puts and
   * deletes to it lose everywhere; use it for write-once registrations.
   */
  static MergePolicy firstWriterWins() {
    return (local, incoming) -> incoming.version().compareTo(local.version()) < 0 ? incoming : local;
  }
}
