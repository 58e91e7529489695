package io.gossipkit.crypto.handshake;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of handshake outcomes: one per {@link HandshakeFailure} plus the number established.
 *
 * <p>One instance is shared by every handshake made from one {@link HandshakeConfig}; it is
 * thread-safe, so handshakes on several event loops may update it at once.
 */
public final class HandshakeMetrics {
  private final AtomicLongArray failures = new AtomicLongArray(HandshakeFailure.values().length);
  private final AtomicLong established = new AtomicLong();

  /** New counters, all zero. */
  public HandshakeMetrics() {}

  /** How many rejections had reason {@code failure}. */
  public long failures(HandshakeFailure failure) {
    return failures.get(failure.ordinal());
  }

  /** How many rejections there were, of any reason. */
  public long totalFailures() {
    long sum = 0;
    for (int i = 0; i < failures.length(); i++) {
      sum += failures.get(i);
    }
    return sum;
  }

  /** How many handshakes reached {@link HandshakeState#ESTABLISHED}. */
  public long established() {
    return established.get();
  }

  void recordFailure(HandshakeFailure failure) {
    failures.incrementAndGet(failure.ordinal());
  }

  void recordEstablished() {
    established.incrementAndGet();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("HandshakeMetrics{established=").append(established());
    for (HandshakeFailure f : HandshakeFailure.values()) {
      long n = failures(f);
      if (n != 0) {
        sb.append(", ").append(f).append('=').append(n);
      }
    }
    return sb.append('}').toString();
  }
}
