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
 *
 * <p>An entry may carry its origin's signature ({@link #isSigned()}): {@value #SIGNATURE_BYTES}
 * bytes made by an {@link EntrySigner} over {@link CanonicalEntry#encode(Entry)}, which a relaying
 * node can neither forge nor alter unnoticed (see {@link EntryVerifier}). The signature is an
 * attestation about the write, not part of it: {@link #equals}, {@link #hashCode} and every
 * replica hash ignore it, so a signed and an unsigned copy of one write are the same write and two
 * replicas that hold one each agree. Where signatures are required, only signed copies are ever
 * applied, so the distinction cannot matter there.
 */
public final class Entry {
  /** Length of a signature: that of Ed25519 (RFC 8032), so every codec can bound the field. */
  public static final int SIGNATURE_BYTES = 64;

  private static final byte[] EMPTY = new byte[0];

  private final String key;
  private final byte[] value;
  private final Version version;
  private final boolean tombstone;
  // EMPTY (this very instance) when unsigned, so isSigned() is an identity check that reads no
  // array. With compressed references the field fits the object's padding: no larger entries.
  private final byte[] signature;

  private Entry(String key, byte[] value, Version version, boolean tombstone, byte[] signature) {
    this.key = key;
    this.value = value;
    this.version = version;
    this.tombstone = tombstone;
    this.signature = signature;
  }

  /** A live entry. The value array is copied. */
  public static Entry of(String key, byte[] value, Version version) {
    return new Entry(
        Objects.requireNonNull(key, "key"),
        Objects.requireNonNull(value, "value").clone(),
        Objects.requireNonNull(version, "version"),
        false,
        EMPTY);
  }

  /** A tombstone: the record of a delete. */
  public static Entry tombstone(String key, Version version) {
    return new Entry(
        Objects.requireNonNull(key, "key"),
        EMPTY,
        Objects.requireNonNull(version, "version"),
        true,
        EMPTY);
  }

  /**
   * Internal: wraps {@code value} without copying. Only for codecs that have just allocated the
   * array themselves; callers must never modify it afterwards.
   */
  public static Entry wrap(String key, byte[] value, Version version, boolean tombstone) {
    return new Entry(key, tombstone ? EMPTY : value, version, tombstone, EMPTY);
  }

  /**
   * Internal: wraps {@code value} and {@code signature} without copying. Only for codecs that
   * have just allocated both arrays themselves; callers must never modify them afterwards.
   *
   * @param signature empty for an unsigned entry, else exactly {@value #SIGNATURE_BYTES} bytes
   * @throws IllegalArgumentException if the signature has any other length
   */
  public static Entry wrap(
      String key, byte[] value, Version version, boolean tombstone, byte[] signature) {
    return new Entry(key, tombstone ? EMPTY : value, version, tombstone, checkSignature(signature));
  }

  private static byte[] checkSignature(byte[] signature) {
    int n = Objects.requireNonNull(signature, "signature").length;
    if (n == 0) {
      return EMPTY;
    }
    if (n != SIGNATURE_BYTES) {
      throw new IllegalArgumentException(
          "signature must be 0 or " + SIGNATURE_BYTES + " bytes, was " + n);
    }
    return signature;
  }

  /**
   * This write carrying {@code signature} instead of whatever signature it had. The value is
   * shared, not copied (entries never modify it); the signature is copied.
   *
   * @param signature {@value #SIGNATURE_BYTES} bytes, or empty for an unsigned copy
   * @throws IllegalArgumentException if the signature is neither empty nor {@value
   *     #SIGNATURE_BYTES} bytes long
   */
  public Entry withSignature(byte[] signature) {
    Objects.requireNonNull(signature, "signature");
    byte[] copy = checkSignature(signature.length == 0 ? EMPTY : signature.clone());
    return new Entry(key, value, version, tombstone, copy);
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

  /** True if this entry carries a signature; {@link EntryVerifier} says whether it is valid. */
  public boolean isSigned() {
    return signature != EMPTY;
  }

  /** A copy of the signature: {@value #SIGNATURE_BYTES} bytes, or empty if unsigned. */
  public byte[] signature() {
    // A zero-length array cannot be modified, so the shared one is safe to hand out.
    return signature == EMPTY ? EMPTY : signature.clone();
  }

  /** Internal: the signature array itself (empty if unsigned), for codecs. Do not modify it. */
  public byte[] signatureUnsafe() {
    return signature;
  }

  /**
   * True if {@code o} is an entry for the same write: same key, version, tombstone flag and value.
   * The signature is not compared: it attests the write, it is not part of it (see the class
   * comment).
   */
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

  /** A hash of what {@link #equals} compares; the signature is not part of it. */
  @Override
  public int hashCode() {
    return (key.hashCode() * 31 + version.hashCode()) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    // Never the value or the signature: both may be sensitive, and neither helps reading a log.
    return key + "=" + (tombstone ? "<deleted>" : value.length + "B") + "@" + version
        + (isSigned() ? " signed" : "");
  }
}
