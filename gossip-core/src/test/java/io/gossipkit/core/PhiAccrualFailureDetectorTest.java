package io.gossipkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.NodeId;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The phi arithmetic and the settings of {@link PhiAccrualFailureDetector}. */
class PhiAccrualFailureDetectorTest {
  private static final NodeId M = NodeId.of("m");
  private static final long T0 = 1_700_000_000_000L;

  /** Heartbeats of {@code member} at {@code t0} and every {@code interval} ms; returns the last. */
  private static long beat(PhiAccrualFailureDetector d, NodeId member, long interval, int n) {
    long t = T0;
    for (int i = 0; i < n; i++) {
      d.heartbeat(member, t);
      t += interval;
    }
    return t - interval;
  }

  /** Milliseconds of silence after {@code last} until {@code member} is unavailable. */
  private static long silenceUntilSuspected(PhiAccrualFailureDetector d, NodeId m, long last) {
    for (long s = 0; s < 10_000_000; s += 10) {
      if (!d.isAvailable(m, last + s)) {
        return s;
      }
    }
    throw new AssertionError("never suspected");
  }

  @Test
  void phiAtTheMeanIsTheChanceOfOneInTwo() {
    assertEquals(Math.log10(2), PhiAccrualFailureDetector.phi(1000, 1000, 100), 1e-3);
  }

  @Test
  void phiMatchesTheNormalTailWithinTheLogisticApproximation() {
    // P(X > mean + 3 std) = 0.00135 for a normal X: phi = 2.87.
    assertEquals(2.87, PhiAccrualFailureDetector.phi(1300, 1000, 100), 0.05);
    // P(X > mean + 5 std) = 2.87e-7: phi = 6.54 exactly; the approximation's tail is thinner, so
    // its phi is higher there (7.30): a long silence is suspected a little sooner, never later.
    double far = PhiAccrualFailureDetector.phi(1500, 1000, 100);
    assertTrue(far >= 6.54 && far < 7.5, "phi at 5 std: " + far);
    assertTrue(PhiAccrualFailureDetector.phi(100_000, 1000, 100) > 100);
  }

  @Test
  void phiGrowsWithTheSilence() {
    PhiAccrualFailureDetector d = PhiAccrualFailureDetector.builder().build();
    long last = beat(d, M, 1000, 50);
    double previous = -1;
    for (long s = 0; s <= 5000; s += 100) {
      double phi = d.phi(M, last + s);
      assertTrue(phi >= previous, "phi fell from " + previous + " to " + phi + " at +" + s);
      previous = phi;
    }
  }

  @Test
  void aMemberHeardFromOftenIsSuspectedSoonerThanOneHeardFromRarely() {
    PhiAccrualFailureDetector d = PhiAccrualFailureDetector.builder().build();
    NodeId often = NodeId.of("often");
    NodeId rarely = NodeId.of("rarely");
    long lastOften = beat(d, often, 100, 200);
    long lastRarely = beat(d, rarely, 10_000, 200);

    long oftenAfter = silenceUntilSuspected(d, often, lastOften);
    long rarelyAfter = silenceUntilSuspected(d, rarely, lastRarely);

    assertTrue(oftenAfter < 2_000, "heard every 100 ms, suspected after " + oftenAfter + " ms");
    assertTrue(rarelyAfter > 10_000, "heard every 10 s, suspected after " + rarelyAfter + " ms");
  }

  @Test
  void theAcceptablePauseDelaysSuspicionByItsLength() {
    PhiAccrualFailureDetector plain = PhiAccrualFailureDetector.builder().build();
    PhiAccrualFailureDetector patient = PhiAccrualFailureDetector.builder()
        .acceptableHeartbeatPause(Duration.ofSeconds(3)).build();
    long last = beat(plain, M, 1000, 50);
    beat(patient, M, 1000, 50);

    long delta = silenceUntilSuspected(patient, M, last) - silenceUntilSuspected(plain, M, last);

    assertEquals(3000, delta, 10);
  }

  @Test
  void onlyTheLatestMaxSamplesIntervalsCount() {
    PhiAccrualFailureDetector d = PhiAccrualFailureDetector.builder().maxSamples(10).build();
    long t = T0;
    for (int i = 0; i < 30; i++) {
      d.heartbeat(M, t);
      t += 100;
    }
    for (int i = 0; i < 11; i++) {
      d.heartbeat(M, t);
      t += 1000;
    }
    long last = t - 1000;

    // Every interval kept is 1000 ms: at a silence of 1000 ms phi is the value at the mean.
    assertEquals(Math.log10(2), d.phi(M, last + 1000), 1e-3);
  }

  @Test
  void veryRegularHeartbeatsAreJudgedWithTheMinimumDeviation() {
    PhiAccrualFailureDetector d = PhiAccrualFailureDetector.builder()
        .minStdDeviation(Duration.ofMillis(100)).maxSamples(50).build();
    long last = beat(d, M, 1000, 100); // the seeded intervals have left: deviation 0

    assertEquals(2.87, d.phi(M, last + 1300), 0.05);
  }

  @Test
  void membersPastMaxMembersAreNotTrackedAndStayAvailable() {
    PhiAccrualFailureDetector d = PhiAccrualFailureDetector.builder().maxMembers(2).build();
    NodeId third = NodeId.of("third");
    beat(d, NodeId.of("one"), 1000, 5);
    beat(d, NodeId.of("two"), 1000, 5);
    beat(d, third, 1000, 5);

    assertEquals(2, d.members());
    assertTrue(d.isAvailable(third, T0 + 1_000_000));
    assertFalse(d.isAvailable(NodeId.of("one"), T0 + 1_000_000));
  }

  @Test
  void theBuilderRefusesOutOfRangeSettingsNamingThem() {
    assertRefused("threshold", () -> PhiAccrualFailureDetector.builder().threshold(0));
    assertRefused("threshold", () -> PhiAccrualFailureDetector.builder().threshold(Double.NaN));
    assertRefused("maxSamples", () -> PhiAccrualFailureDetector.builder().maxSamples(1));
    assertRefused("minStdDeviation",
        () -> PhiAccrualFailureDetector.builder().minStdDeviation(Duration.ofNanos(10)));
    assertRefused("acceptableHeartbeatPause",
        () -> PhiAccrualFailureDetector.builder().acceptableHeartbeatPause(Duration.ofMillis(-1)));
    assertRefused("firstHeartbeatEstimate",
        () -> PhiAccrualFailureDetector.builder().firstHeartbeatEstimate(Duration.ZERO));
    assertRefused("maxMembers", () -> PhiAccrualFailureDetector.builder().maxMembers(0));
  }

  private static void assertRefused(String setting, Supplier<?> call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
    assertTrue(e.getMessage().startsWith(setting + " must be"), e.getMessage());
  }
}
