package io.gossipkit.crypto.handshake;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * A {@link SecureRandom} that is not secure at all: it replays a sequence from a seed, so tests
 * and fuzz harnesses get the same ephemeral keys, and so the same messages, on every run. Only for
 * tests.
 */
public final class DeterministicRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;

  private transient SplittableRandom r;

  /** A source replaying the sequence of {@code seed}. */
  public DeterministicRandom(long seed) {
    this.r = new SplittableRandom(seed);
  }

  /** Restarts the sequence of {@code seed}. */
  public synchronized void reseed(long seed) {
    r = new SplittableRandom(seed);
  }

  @Override
  public synchronized void nextBytes(byte[] bytes) {
    for (int i = 0; i < bytes.length; ) {
      long v = r.nextLong();
      for (int j = 0; j < 8 && i < bytes.length; j++, i++) {
        bytes[i] = (byte) (v >>> (8 * j));
      }
    }
  }

  @Override
  public void setSeed(long seed) {
    // SecureRandom's constructor calls this before r exists; later calls are ignored on purpose.
  }
}
