package io.gossipkit.api.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Internal: not API, may change at any time. The argument checks every configuration builder of
 * the kit makes, in one place so that each refuses a bad value with the same words: the setting's
 * name, the rule, and the value given.
 */
public final class Arguments {
  private Arguments() {}

  /** Returns {@code d} if it is longer than zero; otherwise throws, naming {@code name}. */
  public static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + d);
    }
    return d;
  }

  /**
   * Returns {@code d} if it is at least one millisecond, for settings kept in whole
   * milliseconds (a shorter one would round to zero); otherwise throws, naming {@code name}.
   */
  public static Duration atLeastOneMilli(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 ms, was " + d);
    }
    return d;
  }

  /** Returns {@code d} if it is zero or longer; otherwise throws, naming {@code name}. */
  public static Duration nonNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + d);
    }
    return d;
  }

  /** Returns {@code value} if it is at least {@code min}; otherwise throws, naming it. */
  public static int atLeast(String name, int min, int value) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
    }
    return value;
  }
}
