package io.gossipkit.api.message;

import java.util.Arrays;

/**
 * One node of the key-hash tree, opened up: the summaries of its {@value #FAN_OUT} children.
 *
 * <p>The tree is fixed by the protocol, not by either replica: a key's place is its unsigned
 * 64-bit key hash (defined in docs/anti-entropy.md, the same on every node); the node at {@code level} {@code l} (0 to 15) with {@code prefix}
 * {@code p} covers every key whose hash starts with the {@code 4 * l} bits {@code p}; its child
 * {@code i} adds the four bits {@code i}. A summary is the XOR of the entry hashes under the
 * node and the number of entries there, so two replicas compare any range without listing it.
 * The node's own summary is implied: the XOR and the sum of its children's.
 *
 * @param level depth of the opened node, 0 (the root) to 15
 * @param prefix the node's {@code 4 * level} leading hash bits, right-aligned (0 for the root)
 * @param childHashes XOR of the entry hashes under each child, {@value #FAN_OUT} of them
 * @param childCounts entries under each child, {@value #FAN_OUT} of them, none negative
 */
public record RangeExpansion(int level, long prefix, long[] childHashes, int[] childCounts) {
  /** Children per node of the tree. */
  public static final int FAN_OUT = 16;

  /** Deepest level that may be opened: its children are single 64-bit hash values. */
  public static final int MAX_LEVEL = 15;

  /** Copies the arrays and checks their shape. */
  public RangeExpansion {
    if (level < 0 || level > MAX_LEVEL) {
      throw new IllegalArgumentException("level must be in [0, " + MAX_LEVEL + "], was " + level);
    }
    if (level == 0 ? prefix != 0 : (prefix >>> (4 * level)) != 0) {
      throw new IllegalArgumentException(
          "prefix " + Long.toHexString(prefix) + " has more than " + 4 * level + " bits");
    }
    childHashes = childHashes.clone();
    childCounts = childCounts.clone();
    if (childHashes.length != FAN_OUT || childCounts.length != FAN_OUT) {
      throw new IllegalArgumentException("an expansion has exactly " + FAN_OUT + " children, was "
          + childHashes.length + " hashes and " + childCounts.length + " counts");
    }
    for (int c : childCounts) {
      if (c < 0) {
        throw new IllegalArgumentException("child count must be >= 0, was " + c);
      }
    }
  }

  /** A copy of the child hashes. */
  @Override
  public long[] childHashes() {
    return childHashes.clone();
  }

  /** A copy of the child counts. */
  @Override
  public int[] childCounts() {
    return childCounts.clone();
  }

  /** Hash of child {@code i}, without copying. */
  public long childHash(int i) {
    return childHashes[i];
  }

  /** Entry count of child {@code i}, without copying. */
  public int childCount(int i) {
    return childCounts[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeExpansion
        && ((RangeExpansion) o).level == level
        && ((RangeExpansion) o).prefix == prefix
        && Arrays.equals(((RangeExpansion) o).childHashes, childHashes)
        && Arrays.equals(((RangeExpansion) o).childCounts, childCounts);
  }

  @Override
  public int hashCode() {
    return (31 * level + Long.hashCode(prefix)) * 31 * 31
        + 31 * Arrays.hashCode(childHashes) + Arrays.hashCode(childCounts);
  }

  @Override
  public String toString() {
    return "RangeExpansion{level=" + level + ", prefix=" + Long.toHexString(prefix)
        + ", childCounts=" + Arrays.toString(childCounts) + "}";
  }
}
