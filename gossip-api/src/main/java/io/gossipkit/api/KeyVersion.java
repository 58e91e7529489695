package io.gossipkit.api;

import java.util.Objects;

/**
 * A key and the version a replica holds of it: the unit of a {@link Digest} and of rumor
 * feedback.
 *
 * @param key the key
 * @param version the version held
 */
public record KeyVersion(String key, Version version) {
  /** Checks that neither part is null. */
  public KeyVersion {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(version, "version");
  }
}
