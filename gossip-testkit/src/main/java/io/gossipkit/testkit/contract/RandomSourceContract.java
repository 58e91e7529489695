package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.RandomSource;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link RandomSource} must pass: rules R10.1 to R10.7 of {@code
 * docs/contracts.md}. Peer selection, fanout coins and jitter all draw from the node's source:
 * a value out of range is an index out of bounds on the node's thread, a biased one starves
 * peers of gossip.
 *
 * <p>The statistical checks (in R10.1 and R10.3 to R10.5) are set so loosely that a correct
 * source fails them with probability below 10^-9 per run whatever its seed (each rule documents
 * its calculation), while a broken one (a value stuck, a bit never set, a value drawn 12 % too
 * often) fails. A source that says it is {@link #reproducible()} is also checked to repeat its
 * sequence from one seed. {@link #seed()} is passed to {@link #newRandomSource(long)} and
 * printed by every failure. Every rule runs under a 10 s timeout in its own thread.
 *
 * <pre>{@code
 * class MyRandomSourceContractTest extends RandomSourceContract {
 *   @Override
 *   protected RandomSource newRandomSource(long seed) {
 *     return new MyRandomSource(seed);
 *   }
 *
 *   @Override
 *   protected boolean reproducible() {
 *     return true; // claims R10.6: one seed, one sequence
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class RandomSourceContract {
  /** The bounds R10.1 draws with: the smallest, small odd and even ones, and the largest. */
  private static final int[] BOUNDS = {1, 2, 3, 7, 16, 1000, (1 << 30) + 1, Integer.MAX_VALUE};

  /**
   * Upper bound of Pearson's chi-square statistic in R10.4 (15 degrees of freedom). For a
   * uniform source, P(chi-square(15) > 80) = Q(7.5, 40), the regularized upper incomplete gamma
   * function, = 7.0e-11 (for example {@code scipy.stats.chi2.sf(80, 15)}); the 99.9th percentile
   * is 37.7 and the 10^-9 quantile 73.6. With 10,000 expected draws per cell the chi-square
   * approximation of the multinomial is close, and the margin of 80 over 73.6 covers what is left.
   */
  private static final double CHI_SQUARE_BOUND = 80.0;

  /**
   * Creates the source under test. A {@link #reproducible()} source is made from {@code seed};
   * others may ignore it.
   */
  protected abstract RandomSource newRandomSource(long seed);

  /**
   * Whether two sources made from one seed give one sequence; default false. Return true to have
   * R10.6 check it (and R10.7 skipped).
   */
  protected boolean reproducible() {
    return false;
  }

  /** The seed passed to {@link #newRandomSource(long)}; override to explore, print to replay. */
  protected long seed() {
    return 0x2A4D_0C0DL;
  }

  /**
   * R10.1: {@code nextInt(bound)} is in {@code [0, bound)} over 10,000 draws for each bound 1, 2,
   * 3, 7, 16, 1000, 2^30 + 1 and {@link Integer#MAX_VALUE}; bounds 2, 3 and 7 give every value
   * (a correct source misses one with probability below 7 * (6/7)^10000), and {@link
   * Integer#MAX_VALUE} gives values both below and at least 2^30 (missing a half: 2 * 2^-10000).
   *
   * <p>On failure: {@code nextInt() % bound} (negative for negative draws), an off-by-one
   * ({@code bound} itself returned), {@code (int) (nextDouble() * bound)} rounding up to {@code
   * bound} for large bounds, or a rejection loop that overflows near {@link Integer#MAX_VALUE}.
   */
  @Test
  public void required_r10_1_nextIntStaysInItsRange() {
    RandomSource random = newSource();
    for (int bound : BOUNDS) {
      boolean[] seen = new boolean[Math.min(bound, 8)];
      boolean low = false;
      boolean high = false;
      for (int i = 0; i < 10_000; i++) {
        int v = nextInt(random, bound);
        if (v < 0 || v >= bound) {
          fail("R10.1 seed " + seed() + ": nextInt(" + bound + ") returned " + v + " at draw " + i);
        }
        if (v < seen.length) {
          seen[v] = true;
        }
        low |= v < (1 << 30);
        high |= v >= (1 << 30);
      }
      if (bound <= 7) {
        for (int v = 0; v < bound; v++) {
          int missing = v;
          assertTrue(seen[v], () -> "R10.1 seed " + seed() + ": nextInt(" + bound
              + ") never returned " + missing + " in 10,000 draws");
        }
      }
      if (bound == Integer.MAX_VALUE) {
        assertTrue(low && high, "R10.1 seed " + seed() + ": nextInt(Integer.MAX_VALUE) returned"
            + (low ? " no value >= 2^30" : " no value < 2^30") + " in 10,000 draws");
      }
    }
  }

  /**
   * R10.2: {@code nextInt(bound)} throws {@link IllegalArgumentException} for bounds 0, -1 and
   * {@link Integer#MIN_VALUE}, and the source still works afterwards.
   *
   * <p>On failure: a missing argument check, so {@code nextInt(0)} divides by zero (an {@link
   * ArithmeticException}), loops forever, or returns 0, hiding the caller's empty-view bug.
   */
  @Test
  public void required_r10_2_nextIntRefusesANonPositiveBound() {
    RandomSource random = newSource();
    for (int bound : new int[] {0, -1, Integer.MIN_VALUE}) {
      try {
        int v = random.nextInt(bound);
        fail("R10.2: nextInt(" + bound + ") returned " + v + " instead of throwing");
      } catch (IllegalArgumentException expected) {
        // The required refusal.
      } catch (RuntimeException e) {
        fail("R10.2: nextInt(" + bound + ") threw " + e + ", not IllegalArgumentException", e);
      }
    }
    int v = nextInt(random, 10);
    assertTrue(v >= 0 && v < 10, "R10.2: nextInt(10) returned " + v + " after the refusals");
  }

  /**
   * R10.3: {@code nextDouble()} is in {@code [0, 1)} over 100,000 draws (never NaN, never 1.0),
   * comes within 0.01 of both ends, and averages within 0.01 of 0.5. A correct source misses an
   * end with probability 2 * 0.99^100000 (about 10^-436) and the mean bound is 11 standard
   * deviations (sqrt(1/12/100000) = 0.00091), about 10^-27.
   *
   * <p>On failure: {@code nextLong() / (double) Long.MAX_VALUE} (negative, or 1.0), {@code
   * nextInt() / 2^32} without masking the sign, or 64 random bits divided by 2^64 rounding up to
   * 1.0; use the top 53 bits times 2^-53.
   */
  @Test
  public void required_r10_3_nextDoubleIsInTheUnitInterval() {
    RandomSource random = newSource();
    double min = 1;
    double max = 0;
    double sum = 0;
    int draws = 100_000;
    for (int i = 0; i < draws; i++) {
      double d;
      try {
        d = random.nextDouble();
      } catch (RuntimeException e) {
        fail("R10.3 seed " + seed() + ": nextDouble() threw " + e, e);
        return;
      }
      if (!(d >= 0.0 && d < 1.0)) {
        fail("R10.3 seed " + seed() + ": nextDouble() returned " + d + " at draw " + i);
      }
      min = Math.min(min, d);
      max = Math.max(max, d);
      sum += d;
    }
    double mean = sum / draws;
    String summary = "min " + min + ", max " + max + ", mean " + mean + " over " + draws
        + " draws (seed " + seed() + ")";
    assertTrue(min < 0.01 && max > 0.99, "R10.3: nextDouble() never came near an end: " + summary);
    assertTrue(Math.abs(mean - 0.5) < 0.01, "R10.3: nextDouble() is skewed: " + summary);
  }

  /**
   * R10.4: 160,000 draws of {@code nextInt(16)} pass Pearson's chi-square test against the
   * uniform distribution (10,000 expected per value, 15 degrees of freedom) with the statistic
   * at most 80. A correct source exceeds it with probability P(chi-square(15) > 80) = Q(7.5, 40)
   * (the regularized upper incomplete gamma function) = 7.0e-11, below the 10^-9 aimed at (the
   * 10^-9 quantile is 73.6; the margin covers the chi-square approximation of the multinomial,
   * close anyway at 10,000 expected per cell). A source drawing one value 12 % more often than the
   * others fails with probability 0.99998, one that never draws a value always.
   *
   * <p>On failure: look at the printed counts. One value never or always drawn: a constant or a
   * broken mask; a smooth skew: {@code (int) (nextDouble() * 16)} from a poor double, or low bits
   * of a weak generator (an LCG's lowest bits cycle with a short period: use the high bits).
   */
  @Test
  public void required_r10_4_nextIntPassesAChiSquareTest() {
    RandomSource random = newSource();
    int cells = 16;
    int draws = 160_000;
    long[] counts = new long[cells];
    for (int i = 0; i < draws; i++) {
      int v = nextInt(random, cells);
      if (v < 0 || v >= cells) {
        fail("R10.4 seed " + seed() + ": nextInt(16) returned " + v + " (R10.1)");
      }
      counts[v]++;
    }
    double expected = (double) draws / cells;
    double chiSquare = 0;
    for (long observed : counts) {
      chiSquare += (observed - expected) * (observed - expected) / expected;
    }
    double statistic = chiSquare;
    assertTrue(statistic <= CHI_SQUARE_BOUND, () -> String.format(
        "R10.4 seed %d: chi-square %.1f > %.1f (15 dof) for nextInt(16) over %d draws, counts %s",
        seed(), statistic, CHI_SQUARE_BOUND, draws, Arrays.toString(counts)));
  }

  /**
   * R10.5: over 4,096 draws {@code nextLong()} returns negative and non-negative values, and
   * every one of its 64 bits is set at least once and cleared at least once. A correct source
   * fails with probability at most 130 * 2^-4096.
   *
   * <p>On failure: the printed masks show the bits never set or never cleared: a long built from
   * {@code nextInt()} sign-extended into the high half, from two 31-bit draws, or from {@code
   * nextInt(bound)} (never negative).
   */
  @Test
  public void required_r10_5_nextLongSetsEveryBit() {
    RandomSource random = newSource();
    long anySet = 0;
    long allSet = -1L;
    boolean negative = false;
    boolean nonNegative = false;
    for (int i = 0; i < 4_096; i++) {
      long v;
      try {
        v = random.nextLong();
      } catch (RuntimeException e) {
        fail("R10.5 seed " + seed() + ": nextLong() threw " + e, e);
        return;
      }
      anySet |= v;
      allSet &= v;
      negative |= v < 0;
      nonNegative |= v >= 0;
    }
    assertTrue(negative && nonNegative, "R10.5 seed " + seed() + ": nextLong() returned only "
        + (negative ? "negative" : "non-negative") + " values in 4,096 draws");
    assertEquals(-1L, anySet, "R10.5 seed " + seed() + ": bits never set in 4,096 draws: 0x"
        + Long.toHexString(~anySet));
    assertEquals(0L, allSet, "R10.5 seed " + seed() + ": bits never cleared in 4,096 draws: 0x"
        + Long.toHexString(allSet));
  }

  /**
   * R10.6 (optional): two sources made from {@link #seed()} give the same 3,000 values, drawing
   * {@code nextInt}, {@code nextDouble} and {@code nextLong} in turn, while a source made from
   * {@code seed() + 1} differs within them. Runs only if {@link #reproducible()} is true.
   *
   * <p>On failure: the source mixes in something besides its seed (the time, a shared or
   * static generator, an identity hash), or, if both seeds give one sequence, ignores its seed.
   */
  @Test
  public void optional_r10_6_oneSeedGivesOneSequence() {
    Assumptions.assumeTrue(reproducible(), "reproducible() is false: the source does not claim"
        + " R10.6");
    RandomSource a = newSource();
    RandomSource b = newSource();
    RandomSource other = newRandomSource(seed() + 1);
    assertNotNull(other, "newRandomSource(seed) returned null");
    boolean differs = false;
    for (int i = 0; i < 1_000; i++) {
      int bound = 1 + (i % 100);
      int ia = nextInt(a, bound);
      assertEquals(ia, nextInt(b, bound), "R10.6 seed " + seed() + ": nextInt(" + bound
          + ") differs at step " + i);
      double da = a.nextDouble();
      assertEquals(da, b.nextDouble(), "R10.6 seed " + seed() + ": nextDouble() differs at step "
          + i);
      long la = a.nextLong();
      assertEquals(la, b.nextLong(), "R10.6 seed " + seed() + ": nextLong() differs at step " + i);
      // Non-short-circuit |: the other source draws all three values every step.
      differs |= nextInt(other, bound) != ia | other.nextDouble() != da | other.nextLong() != la;
    }
    assertTrue(differs, "R10.6: seeds " + seed() + " and " + (seed() + 1)
        + " gave the same 3,000 values: the seed is ignored");
  }

  /**
   * R10.7 (optional): two sources of a kind that is not reproducible differ within their first
   * 16 {@code nextLong()} values (a correct one repeats them with probability 2^-1024). Runs
   * only if {@link #reproducible()} is false.
   *
   * <p>On failure: every source starts from one fixed seed (a constant, or a seed read from a
   * clock too coarse to tell two sources apart), so every node of a cluster would make the same
   * choices.
   */
  @Test
  public void optional_r10_7_unseededSourcesDiffer() {
    Assumptions.assumeFalse(reproducible(), "reproducible() is true: R10.6 applies instead");
    RandomSource a = newSource();
    RandomSource b = newSource();
    long[] first = new long[16];
    long[] second = new long[16];
    for (int i = 0; i < 16; i++) {
      first[i] = a.nextLong();
      second[i] = b.nextLong();
    }
    assertFalse(Arrays.equals(first, second), "R10.7: two sources gave the same 16 values "
        + Arrays.toString(first));
  }

  // ------------------------------------------------------------------ helpers

  private RandomSource newSource() {
    RandomSource random = newRandomSource(seed());
    assertNotNull(random, "newRandomSource(seed) returned null");
    return random;
  }

  private int nextInt(RandomSource random, int bound) {
    try {
      return random.nextInt(bound);
    } catch (RuntimeException e) {
      return fail("seed " + seed() + ": nextInt(" + bound + ") threw " + e, e);
    }
  }
}
