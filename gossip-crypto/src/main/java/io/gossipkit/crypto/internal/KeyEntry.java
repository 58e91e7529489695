package io.gossipkit.crypto.internal;

import io.gossipkit.crypto.AeadAlgorithm;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Internal: may change at any time. One installed key: its id, an optional algorithm tag and a
 * private copy of its 32 bytes, which {@link #destroy()} zeroes.
 *
 * <p>Readers never see the array itself, only a copy taken under the entry's lock, so a key
 * zeroed while a session key is being derived from it yields {@code null} (and the caller treats
 * the key as gone) instead of a derivation from half-zeroed bytes. Entries are compared by
 * identity: caches remember the entry a session key was derived from and discard it when the
 * keyring holds another entry under that id.
 */
public final class KeyEntry {
  /** Length of every key in bytes. */
  public static final int KEY_BYTES = 32;

  private final int id;
  private final AeadAlgorithm algorithm;
  private final byte[] key;
  private boolean destroyed;

  /** An entry holding a copy of {@code key}; {@code algorithm} may be {@code null} (any). */
  public KeyEntry(int id, AeadAlgorithm algorithm, byte[] key) {
    if (id < 0) {
      throw new IllegalArgumentException("key id must be >= 0, was " + id);
    }
    if (key == null || key.length != KEY_BYTES) {
      throw new IllegalArgumentException("key " + id + " must be " + KEY_BYTES + " bytes, was "
          + (key == null ? "null" : key.length + " bytes"));
    }
    this.id = id;
    this.algorithm = algorithm;
    this.key = key.clone();
  }

  /** The key id. */
  public int id() {
    return id;
  }

  /** The algorithm this key is tagged for, or {@code null} if untagged. */
  public AeadAlgorithm algorithm() {
    return algorithm;
  }

  /** A copy of the key bytes, or {@code null} once destroyed. The caller zeroes the copy. */
  public synchronized byte[] copyKey() {
    return destroyed ? null : key.clone();
  }

  /** Whether this entry holds the same key bytes and tag as {@code other}, in constant time. */
  public boolean sameKeyAs(KeyEntry other) {
    // Copies taken one lock at a time: never holding two entries' locks, so no lock order.
    byte[] mine = copyKey();
    byte[] theirs = other.copyKey();
    try {
      return mine != null && theirs != null && algorithm == other.algorithm
          && MessageDigest.isEqual(mine, theirs);
    } finally {
      if (mine != null) {
        Arrays.fill(mine, (byte) 0);
      }
      if (theirs != null) {
        Arrays.fill(theirs, (byte) 0);
      }
    }
  }

  /** Zeroes the key bytes; later {@link #copyKey()} calls return {@code null}. */
  public synchronized void destroy() {
    destroyed = true;
    Arrays.fill(key, (byte) 0);
  }

  /** Whether {@link #destroy()} has run. */
  public synchronized boolean isDestroyed() {
    return destroyed;
  }

  /** The id and tag only: never the key. */
  @Override
  public String toString() {
    return "key " + id + (algorithm == null ? "" : " (" + algorithm + ")")
        + (isDestroyed() ? " [destroyed]" : "");
  }
}
