package io.gossipkit.crypto;

import java.util.Map;

/**
 * Counters of one encrypting protector: packets sealed, opened, and refused by reason. Every
 * {@link io.gossipkit.api.AuthenticationException} thrown by {@code open} is counted under exactly
 * one rejection reason.
 *
 * <p>Counters only grow; read them from any thread.
 */
public interface ProtectorMetrics {
  /** Why {@code open} refused a packet, each with its counter name. */
  enum Rejection {
    /** The tag did not verify: forged, altered, wrong key bytes or wrong associated data. */
    AUTH("rejected.auth"),
    /** A packet already opened, outside the replay window, or reflected back to its sender. */
    REPLAY("rejected.replay"),
    /** The sealed timestamp is too old, too far in the future, or predates a forgotten window. */
    STALE("rejected.stale"),
    /** The header names a key id not installed. */
    UNKNOWN_KEY("rejected.unknown_key"),
    /** Too short, too long, an unknown version or algorithm, or a malformed sealed part. */
    MALFORMED("rejected.malformed");

    private final String counterName;

    Rejection(String counterName) {
      this.counterName = counterName;
    }

    /** The counter's name, such as {@code "rejected.replay"}. */
    public String counterName() {
      return counterName;
    }
  }

  /** Packets sealed. */
  long sealed();

  /** Packets opened successfully. */
  long opened();

  /** Packets refused for {@code reason}. */
  long rejected(Rejection reason);

  /** Packets refused for any reason. */
  default long rejectedTotal() {
    long n = 0;
    for (Rejection r : Rejection.values()) {
      n += rejected(r);
    }
    return n;
  }

  /**
   * Every counter by name: {@code sealed}, {@code opened}, {@code rejected.auth}, {@code
   * rejected.replay}, {@code rejected.stale}, {@code rejected.unknown_key}, {@code
   * rejected.malformed}, and {@code sessions.evicted} (sender sessions forgotten to stay within
   * {@link ReplayPolicy#maxSessions()}).
   */
  Map<String, Long> snapshot();
}
