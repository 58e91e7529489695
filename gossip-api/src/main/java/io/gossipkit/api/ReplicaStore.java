package io.gossipkit.api;

import java.util.List;
import java.util.function.Consumer;

/**
 * A node's replica as dissemination strategies see it: read access plus the digest arithmetic
 * that every anti-entropy variant shares.
 *
 * <p>Writes go through {@link GossipContext#apply(Entry)} so that the merge policy, listeners and
 * metrics see every change. Runs on the node's executor.
 */
public interface ReplicaStore {
  /** The entry for {@code key}, tombstones included, or null. */
  Entry get(String key);

  /** Number of entries, tombstones included. */
  int size();

  /** Order-independent hash of every entry: equal on two replicas iff they agree (whp). */
  long rootHash();

  /** This replica's digest, listing its versions if it holds at most {@code maxListed} entries. */
  Digest digest(int maxListed);

  /** Entries this replica holds newer than {@code remote} does (or that {@code remote} lacks). */
  List<Entry> newerThan(Digest remote);

  /** Keys {@code remote} holds newer than this replica does (or that this replica lacks). */
  List<String> olderThan(Digest remote);

  /** Calls {@code action} for every entry, tombstones included, in no particular order. */
  void forEach(Consumer<Entry> action);
}
