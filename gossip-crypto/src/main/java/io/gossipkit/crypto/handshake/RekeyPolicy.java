package io.gossipkit.crypto.handshake;

/**
 * When a {@link SecureChannel} ratchets its keys: after {@link #maxBytes()} plaintext bytes or
 * {@link #maxFrames()} frames in one direction under one key, whichever comes first.
 *
 * <p>Both ends apply the same deterministic ratchet at the same frame, so the policy must match:
 * the initiator sends its policy in the first handshake message and the responder refuses a
 * different one ({@link HandshakeFailure#POLICY_MISMATCH}).
 *
 * <pre>{@code
 * RekeyPolicy p = RekeyPolicy.of(1L << 20, 1 << 10); // 1 MiB or 1024 frames
 * }</pre>
 */
public final class RekeyPolicy {
  /** Default byte volume per key: 2^30 (1 GiB). */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  /** Default frame count per key: 2^20. */
  public static final long DEFAULT_MAX_FRAMES = 1L << 20;

  private static final RekeyPolicy DEFAULTS =
      new RekeyPolicy(DEFAULT_MAX_BYTES, DEFAULT_MAX_FRAMES);

  private final long maxBytes;
  private final long maxFrames;

  private RekeyPolicy(long maxBytes, long maxFrames) {
    this.maxBytes = maxBytes;
    this.maxFrames = maxFrames;
  }

  /** 2^30 bytes or 2^20 frames, whichever first. */
  public static RekeyPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A policy that rekeys after {@code maxBytes} plaintext bytes or {@code maxFrames} frames.
   *
   * @throws IllegalArgumentException if either is below 1
   */
  public static RekeyPolicy of(long maxBytes, long maxFrames) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
    }
    if (maxFrames < 1) {
      throw new IllegalArgumentException("maxFrames must be >= 1, was " + maxFrames);
    }
    return new RekeyPolicy(maxBytes, maxFrames);
  }

  /** Plaintext bytes sealed under one key before the ratchet turns. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Frames sealed under one key before the ratchet turns. */
  public long maxFrames() {
    return maxFrames;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RekeyPolicy
        && ((RekeyPolicy) o).maxBytes == maxBytes
        && ((RekeyPolicy) o).maxFrames == maxFrames;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(maxBytes) * 31 + Long.hashCode(maxFrames);
  }

  @Override
  public String toString() {
    return "RekeyPolicy{maxBytes=" + maxBytes + ", maxFrames=" + maxFrames + '}';
  }
}
