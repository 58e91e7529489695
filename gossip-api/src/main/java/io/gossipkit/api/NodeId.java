package io.gossipkit.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The stable name of one node in a cluster.
 *
 * <p>Ids are compared by value and ordered lexicographically; the order breaks ties between
 * versions written in the same hybrid-logical-clock instant (see {@link Version}). An id is at
 * most {@value #MAX_UTF8_BYTES} bytes of UTF-8 so that it always fits a length-checked wire field.
 */
public final class NodeId implements Comparable<NodeId> {
  /** Longest id accepted, in UTF-8 bytes. */
  public static final int MAX_UTF8_BYTES = 255;

  private final String value;
  private final int slot;

  private NodeId(String value, int slot) {
    this.value = value;
    this.slot = slot;
  }

  /**
   * Returns the id named {@code value}.
   *
   * @throws IllegalArgumentException if {@code value} is empty or longer than {@value
   *     #MAX_UTF8_BYTES} UTF-8 bytes
   */
  public static NodeId of(String value) {
    return withSlot(value, -1);
  }

  /**
   * Returns the id named {@code value} carrying a dense slot number.
   *
   * <p>The slot is a hint for whoever keeps members in an array (a simulator, a static
   * membership): it finds the member without hashing or parsing, which at a million simulated
   * nodes is a large part of delivering a message. It is not part of the id: {@link #equals} and
   * {@link #hashCode} ignore it, and it never goes on the wire.
   *
   * @param slot the index, at least 0, or -1 for none
   * @throws IllegalArgumentException if {@code value} is invalid or {@code slot < -1}
   */
  public static NodeId withSlot(String value, int slot) {
    Objects.requireNonNull(value, "value");
    if (slot < -1) {
      throw new IllegalArgumentException("slot must be >= -1, was " + slot);
    }
    if (value.isEmpty()) {
      throw new IllegalArgumentException("node id must not be empty");
    }
    if (value.length() > MAX_UTF8_BYTES / 3
        && value.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_BYTES) {
      throw new IllegalArgumentException(
          "node id must be at most " + MAX_UTF8_BYTES + " UTF-8 bytes, was "
              + value.getBytes(StandardCharsets.UTF_8).length);
    }
    return new NodeId(value, slot);
  }

  /** The slot given by {@link #withSlot}, or -1. */
  public int slot() {
    return slot;
  }

  /** The id as text. */
  public String value() {
    return value;
  }

  @Override
  public int compareTo(NodeId other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof NodeId && ((NodeId) o).value.equals(value));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
