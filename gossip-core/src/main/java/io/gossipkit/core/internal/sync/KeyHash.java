package io.gossipkit.core.internal.sync;

import io.gossipkit.core.internal.EntryHash;

/**
 * Internal: may change at any time. A key's place in the key-hash tree of range sync: FNV-1a over
 * the key's UTF-16 code units, then the 64-bit finalizer of {@link EntryHash}. Part of the
 * protocol: every node must compute the same value for the same key, so this never changes
 * without a new message format.
 */
public final class KeyHash {
  private KeyHash() {}

  /** The key's unsigned 64-bit position. */
  public static long of(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h = (h ^ key.charAt(i)) * 0x100000001B3L;
    }
    return EntryHash.mix(h ^ key.length());
  }

  /** Orders (hash, key) pairs: unsigned hash first, then key, the order ranges are walked in. */
  static int compare(long hashA, String keyA, long hashB, String keyB) {
    int c = Long.compareUnsigned(hashA, hashB);
    return c != 0 ? c : keyA.compareTo(keyB);
  }

  /** First hash position of the tree node at {@code level} with {@code prefix}. */
  public static long start(int level, long prefix) {
    return level == 0 ? 0 : prefix << (64 - 4 * level);
  }

  /** Last hash position (inclusive) of the tree node at {@code level} with {@code prefix}. */
  public static long last(int level, long prefix) {
    if (level == 0) {
      return -1L;
    }
    // At level 16 the prefix is the whole hash (and a shift by 64 would be a shift by 0).
    return level >= 16 ? prefix : start(level, prefix) | (-1L >>> (4 * level));
  }

  /** The prefix at {@code level} of hash position {@code hash}. */
  static int index(int level, long hash) {
    return level == 0 ? 0 : (int) (hash >>> (64 - 4 * level));
  }
}
