package io.gossipkit.core.internal;

import io.gossipkit.api.Entry;

/**
 * Internal: may change at any time. The 64-bit hash of one entry's identity (key, version,
 * tombstone), combined by XOR into a replica's root hash. XOR makes the root independent of
 * insertion order and updatable in O(1) per change; a strong 64-bit mix of each element keeps
 * accidental cancellation negligible.
 */
public final class EntryHash {
  private EntryHash() {}

  /** Hash of the entry's key, version and tombstone flag; the value is covered by the version. */
  public static long of(Entry e) {
    String key = e.key();
    long h = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < key.length(); i++) {
      h = (h ^ key.charAt(i)) * 0x100000001B3L;
    }
    h = mix(h ^ e.version().timestamp());
    h = mix(h ^ e.version().origin().hashCode());
    return e.isTombstone() ? mix(h ^ 0x5bd1e995L) : h;
  }

  /** Stafford's variant 13 of the MurmurHash3 finalizer. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
