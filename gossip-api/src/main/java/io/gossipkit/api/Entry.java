package io.gossipkit.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * One replicated key: its value, the version that wrote it, and whether it is a tombstone.
 *
 * <p>A tombstone records a delete so that the delete itself spreads and wins over older writes;
 * its value is empty. Tombstones are collected after the configured time to live
 * ({@link GossipConfig#tombstoneTtl()}). Entries are immutable: the value array is never modified
 * after construction, so one instance may be shared between replicas in a simulation.
 */
public final class Entry {
  private static final byte[] EMPTY = new byte[0];

  private final String key;
  private final byte[] value;
  private final Version version;
  private final boolean tombstone;

  private Entry(String key, byte[] value, Version version, boolean tombstone) {
    this.key = key;
    this.value = value;
    this.version = version;
    this.tombstone = tombstone;
  }

  /** A live entry. The value array is copied. */
  public static Entry of(String key, byte[] value, Version version) {
    return new Entry(
        Objects.requireNonNull(key, "key"),
        Objects.requireNonNull(value, "value").clone(),
        Objects.requireNonNull(version, "version"),
        false);
  }

  /** A tombstone: the record of a delete. */
  public static Entry tombstone(String key, Version version) {
    return new Entry(
        Objects.requireNonNull(key, "key"), EMPTY, Objects.requireNonNull(version, "version"), true);
  }

  /**
   * Internal: wraps {@code value} without copying. Only for codecs that have just allocated the
   * array themselves; callers must never modify it afterwards.
   */
  public static Entry wrap(String key, byte[] value, Version version, boolean tombstone) {
    return new Entry(key, tombstone ? EMPTY : value, version, tombstone);
  }

  /** The key. */
  public String key() {
    return key;
  }

  /** A copy of the value; empty for a tombstone. */
  public byte[] value() {
    return value.clone();
  }

  /** The value's length in bytes, without copying it. */
  public int valueLength() {
    return value.length;
  }

  /** Internal: the value array itself, for codecs. Callers must not modify it. */
  public byte[] valueUnsafe() {
    return value;
  }

  /** The version of the write that produced this entry. */
  public Version version() {
    return version;
  }

  /** True if this entry records a delete. */
  public boolean isTombstone() {
    return tombstone;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof Entry)) {
      return false;
    }
    Entry e = (Entry) o;
    return tombstone == e.tombstone
        && key.equals(e.key)
        && version.equals(e.version)
        && Arrays.equals(value, e.value);
  }

  @Override
  public int hashCode() {
    return (key.hashCode() * 31 + version.hashCode()) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return key + "=" + (tombstone ? "<deleted>" : value.length + "B") + "@" + version;
  }
}
