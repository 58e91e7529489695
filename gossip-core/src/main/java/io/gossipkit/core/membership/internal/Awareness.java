package io.gossipkit.core.membership.internal;

/**
 * Internal: may change at any time. Lifeguard's local health score (hashicorp/memberlist {@code
 * awareness.go}): 0 is healthy, up to a maximum; a node that misses acks and nacks it should have
 * had, or must refute suspicions of itself, is likely the slow one, so it raises its score and
 * stretches its probe interval and timeout by {@code score + 1}, instead of accusing others.
 *
 * <p>Runs on the node's executor.
 */
public final class Awareness {
  private final int max;
  private int score;

  /** A healthy node whose score never exceeds {@code max} (memberlist: 8). */
  public Awareness(int max) {
    this.max = max;
  }

  /** Adds {@code delta} to the score, kept within {@code [0, max]}. */
  public void apply(int delta) {
    score = Math.max(0, Math.min(max, score + delta));
  }

  /** The score: 0 healthy, larger worse. */
  public int score() {
    return score;
  }

  /** {@code millis} stretched by the score: {@code millis * (score + 1)}. */
  public long scale(long millis) {
    return millis * (score + 1);
  }
}
