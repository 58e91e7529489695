package io.gossipkit.api;

import java.util.Objects;

/**
 * The version of one write: a hybrid logical clock (HLC) timestamp plus the id of the node that
 * wrote it.
 *
 * <p>The timestamp packs wall-clock milliseconds in its upper 48 bits and a logical counter in its
 * lower 16 bits, so versions compare as plain longs and stay close to real time while still
 * ordering causally related writes correctly when clocks drift. Two versions with the same
 * timestamp are ordered by origin id, which makes the order total: every replica picks the same
 * winner.
 */
public final class Version implements Comparable<Version> {
  /** Bits of the timestamp that hold the logical counter. */
  public static final int LOGICAL_BITS = 16;

  private final long timestamp;
  private final NodeId origin;

  private Version(long timestamp, NodeId origin) {
    this.timestamp = timestamp;
    this.origin = origin;
  }

  /** Returns the version with the given packed HLC timestamp and origin. */
  public static Version of(long timestamp, NodeId origin) {
    if (timestamp < 0) {
      throw new IllegalArgumentException("timestamp must be >= 0, was " + timestamp);
    }
    return new Version(timestamp, Objects.requireNonNull(origin, "origin"));
  }

  /** Packs milliseconds and a logical counter into one HLC timestamp. */
  public static long pack(long millis, int logical) {
    if (logical < 0 || logical >= (1 << LOGICAL_BITS)) {
      throw new IllegalArgumentException("logical must be in [0, 65535], was " + logical);
    }
    return (millis << LOGICAL_BITS) | logical;
  }

  /** The packed HLC timestamp. */
  public long timestamp() {
    return timestamp;
  }

  /** Wall-clock milliseconds of the timestamp. */
  public long millis() {
    return timestamp >>> LOGICAL_BITS;
  }

  /** Logical counter of the timestamp. */
  public int logical() {
    return (int) (timestamp & ((1 << LOGICAL_BITS) - 1));
  }

  /** The node that wrote this version. */
  public NodeId origin() {
    return origin;
  }

  /** True if this version orders after {@code other}. */
  public boolean isNewerThan(Version other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Version o) {
    int c = Long.compare(timestamp, o.timestamp);
    return c != 0 ? c : origin.compareTo(o.origin);
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof Version
            && ((Version) o).timestamp == timestamp
            && ((Version) o).origin.equals(origin));
  }

  @Override
  public int hashCode() {
    return Long.hashCode(timestamp) * 31 + origin.hashCode();
  }

  @Override
  public String toString() {
    return millis() + "." + logical() + "@" + origin;
  }
}
