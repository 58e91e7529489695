package io.gossipkit.crypto.internal;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Internal: may change at any time. An immutable snapshot of a keyring: the installed entries by
 * id and the primary's id. A keyring swaps whole snapshots, so a reader sees either all of a change
 * or none of it.
 */
public final class KeySet {
  private final SortedMap<Integer, KeyEntry> entries;
  private final KeyEntry primary;

  /**
   * A snapshot of {@code entries} sealing with {@code primaryId}.
   *
   * @throws IllegalArgumentException if {@code primaryId} is not among the entries
   */
  public KeySet(Map<Integer, KeyEntry> entries, int primaryId) {
    this.entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    this.primary = this.entries.get(primaryId);
    if (primary == null) {
      throw new IllegalArgumentException("primary key " + primaryId + " is not installed");
    }
  }

  /** The entry that seals. */
  public KeyEntry primary() {
    return primary;
  }

  /** The entry with {@code id}, or {@code null}. */
  public KeyEntry get(int id) {
    return entries.get(id);
  }

  /** Every entry by id, in id order (unmodifiable). */
  public SortedMap<Integer, KeyEntry> entries() {
    return entries;
  }
}
