package io.gossipkit.crypto;

import java.time.Duration;
import java.util.Objects;

/**
 * What an encrypting protector's {@code open} accepts besides a valid tag: the replay window per
 * sender session, how many sessions it tracks, how old or how far in the future a packet's
 * timestamp may be, and the largest packet it will look at.
 *
 * <pre>{@code
 * ReplayPolicy p = ReplayPolicy.builder().maxAge(Duration.ofSeconds(30)).build();
 * }</pre>
 *
 * <p>Defaults: a window of 2048 packets, 4096 sessions, packets at most 2 minutes old and 30
 * seconds in the future, packets of at most 1 MiB + 1 KiB. Mistakes throw at {@link
 * Builder#build()}. Why both a window and a timestamp are needed is in {@code docs/security.md}.
 */
public final class ReplayPolicy {
  private static final ReplayPolicy DEFAULTS = builder().build();

  private final int windowPackets;
  private final int maxSessions;
  private final Duration maxAge;
  private final Duration maxFutureSkew;
  private final int maxPacketBytes;

  private ReplayPolicy(Builder b) {
    windowPackets = b.windowPackets;
    maxSessions = b.maxSessions;
    maxAge = b.maxAge;
    maxFutureSkew = b.maxFutureSkew;
    maxPacketBytes = b.maxPacketBytes;
  }

  /** The defaults described above. */
  public static ReplayPolicy defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Packets per sender session the replay window remembers: a packet whose counter is this far
   * or further behind the newest one seen is refused.
   */
  public int windowPackets() {
    return windowPackets;
  }

  /** Sender sessions tracked at once; the least recently used is forgotten beyond it. */
  public int maxSessions() {
    return maxSessions;
  }

  /** Oldest a packet's timestamp may be, against the receiver's clock. */
  public Duration maxAge() {
    return maxAge;
  }

  /** Furthest a packet's timestamp may be ahead of the receiver's clock. */
  public Duration maxFutureSkew() {
    return maxFutureSkew;
  }

  /** Largest packet {@code open} looks at; anything larger is refused before decrypting. */
  public int maxPacketBytes() {
    return maxPacketBytes;
  }

  @Override
  public String toString() {
    return "ReplayPolicy[windowPackets=" + windowPackets + ", maxSessions=" + maxSessions
        + ", maxAge=" + maxAge + ", maxFutureSkew=" + maxFutureSkew + ", maxPacketBytes="
        + maxPacketBytes + "]";
  }

  /** Builds a {@link ReplayPolicy}; every setting has a default. */
  public static final class Builder {
    private int windowPackets = 2048;
    private int maxSessions = 4096;
    private Duration maxAge = Duration.ofMinutes(2);
    private Duration maxFutureSkew = Duration.ofSeconds(30);
    private int maxPacketBytes = (1 << 20) + 1024;

    private Builder() {}

    /** The replay window in packets: a multiple of 64 from 64 to 65,536. Default 2048. */
    public Builder windowPackets(int v) {
      windowPackets = v;
      return this;
    }

    /** Sender sessions tracked, from 1 to 1,048,576. Default 4096. */
    public Builder maxSessions(int v) {
      maxSessions = v;
      return this;
    }

    /** Oldest accepted timestamp, positive. Default 2 minutes. */
    public Builder maxAge(Duration v) {
      maxAge = Objects.requireNonNull(v, "maxAge");
      return this;
    }

    /** Furthest accepted timestamp ahead of the clock, zero or more. Default 30 seconds. */
    public Builder maxFutureSkew(Duration v) {
      maxFutureSkew = Objects.requireNonNull(v, "maxFutureSkew");
      return this;
    }

    /** Largest packet opened, at least 128 bytes. Default 1 MiB + 1 KiB. */
    public Builder maxPacketBytes(int v) {
      maxPacketBytes = v;
      return this;
    }

    /**
     * The policy.
     *
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public ReplayPolicy build() {
      if (windowPackets < 64 || windowPackets > 65_536 || windowPackets % 64 != 0) {
        throw new IllegalArgumentException(
            "windowPackets must be a multiple of 64 from 64 to 65536, was " + windowPackets);
      }
      if (maxSessions < 1 || maxSessions > 1 << 20) {
        throw new IllegalArgumentException(
            "maxSessions must be from 1 to 1048576, was " + maxSessions);
      }
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
      }
      if (maxFutureSkew.isNegative()) {
        throw new IllegalArgumentException("maxFutureSkew must be >= 0, was " + maxFutureSkew);
      }
      if (maxPacketBytes < 128) {
        throw new IllegalArgumentException("maxPacketBytes must be >= 128, was " + maxPacketBytes);
      }
      return new ReplayPolicy(this);
    }
  }
}
