package io.gossipkit.api;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * The only source of randomness the engine uses.
 *
 * <p>The simulator gives every run one seeded source so the run reproduces from its seed;
 * production nodes use a source seeded from {@link SecureRandom}. Protocol code never creates its
 * own {@code Random}.
 */
public interface RandomSource {
  /** A uniform int in {@code [0, bound)}; {@code bound} must be positive. */
  int nextInt(int bound);

  /** A uniform double in {@code [0, 1)}. */
  double nextDouble();

  /** A uniform long. */
  long nextLong();

  /** A fast source that reproduces its sequence from {@code seed}. Not thread-safe. */
  static RandomSource seeded(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return new RandomSource() {
      @Override
      public int nextInt(int bound) {
        return r.nextInt(bound);
      }

      @Override
      public double nextDouble() {
        return r.nextDouble();
      }

      @Override
      public long nextLong() {
        return r.nextLong();
      }
    };
  }

  /** A fast source seeded once from {@link SecureRandom}, for production nodes. */
  static RandomSource fromSecureSeed() {
    return seeded(new SecureRandom().nextLong());
  }
}
