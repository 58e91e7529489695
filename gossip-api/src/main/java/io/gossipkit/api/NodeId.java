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

  private NodeId(String value) {
    this.value = value;
  }

  /**
   * Returns the id named {@code value}.
   *
   * @throws IllegalArgumentException if {@code value} is empty or longer than {@value
   *     #MAX_UTF8_BYTES} UTF-8 bytes
   */
  public static NodeId of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("node id must not be empty");
    }
    if (value.length() > MAX_UTF8_BYTES / 3
        && value.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_BYTES) {
      throw new IllegalArgumentException(
          "node id must be at most " + MAX_UTF8_BYTES + " UTF-8 bytes, was "
              + value.getBytes(StandardCharsets.UTF_8).length);
    }
    return new NodeId(value);
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
