package io.gossipkit.core;

import static io.gossipkit.api.internal.Arguments.atLeast;
import static io.gossipkit.api.internal.Arguments.atLeastOneMilli;
import static io.gossipkit.api.internal.Arguments.nonNegative;

import io.gossipkit.api.FailureDetector;
import io.gossipkit.api.NodeId;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The phi accrual failure detector (Hayashibara et al., 2004): instead of a yes/no timeout it
 * keeps, per member, the recent intervals between heartbeats, and turns the time since the last
 * one into a suspicion level phi = -log10(P(a heartbeat arrives later than now)), under a normal
 * distribution fitted to those intervals. A member is unavailable once phi reaches the threshold:
 * phi 8 means the silence would be that long by chance once in 10^8 times.
 *
 * <p>It adapts to the traffic it sees: a member heard from every round is suspected after a few
 * silent rounds, one heard from every hundred rounds (a large cluster, fanout 1) only after a
 * few hundred. A member never heard from is available (phi 0), so a static member list starts
 * with everyone live. The normal distribution's tail is the logistic approximation Akka uses (one
 * {@code exp}): within 10^-4 of the exact probability, so phi is close to exact up to about 3
 * standard deviations (2.87) and higher beyond (7.3 instead of 6.5 at 5): a long silence is
 * suspected a little sooner than the exact tail says, never later.
 *
 * <p>Used by a node with a static member list ({@code GossipNodes.Builder.failureDetector}): every
 * authenticated message from a member is a heartbeat, and members judged unavailable are shown as
 * not live to the strategies, which then stop spending messages on them. SWIM membership detects
 * failures with its own probes instead.
 *
 * <p>Bounded: at most {@code maxSamples} intervals per member and {@code maxMembers} members;
 * heartbeats from further members are ignored (those members stay available). Not thread-safe:
 * like every protocol component it runs on one node's executor, with times from its clock.
 */
public final class PhiAccrualFailureDetector implements FailureDetector {
  private final double threshold;
  private final int maxSamples;
  private final double minStdDeviationMillis;
  private final long acceptablePauseMillis;
  private final long firstIntervalMillis;
  private final int maxMembers;
  private final Map<NodeId, History> histories = new HashMap<>();

  private PhiAccrualFailureDetector(Builder b) {
    threshold = b.threshold;
    maxSamples = b.maxSamples;
    minStdDeviationMillis = b.minStdDeviation.toMillis();
    acceptablePauseMillis = b.acceptableHeartbeatPause.toMillis();
    firstIntervalMillis = b.firstHeartbeatEstimate.toMillis();
    maxMembers = b.maxMembers;
  }

  /** A builder with the defaults listed on each setter. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void heartbeat(NodeId member, long nowMillis) {
    Objects.requireNonNull(member, "member");
    History h = histories.get(member);
    if (h == null) {
      if (histories.size() >= maxMembers) {
        return;
      }
      histories.put(member, new History(maxSamples, firstIntervalMillis, nowMillis));
      return;
    }
    // A clock step backwards or a duplicate delivery is no interval: only the latest time counts.
    if (nowMillis > h.last) {
      h.add(nowMillis - h.last);
      h.last = nowMillis;
    }
  }

  @Override
  public boolean isAvailable(NodeId member, long nowMillis) {
    return phi(member, nowMillis) < threshold;
  }

  @Override
  public void remove(NodeId member) {
    histories.remove(member);
  }

  /**
   * The suspicion level of {@code member} at {@code nowMillis}: 0 for a member never heard from
   * or heard from just now, growing without bound (up to infinity) as its silence lengthens
   * beyond what its heartbeat history makes likely.
   */
  public double phi(NodeId member, long nowMillis) {
    History h = histories.get(member);
    if (h == null) {
      return 0.0;
    }
    long silence = Math.max(0, nowMillis - h.last);
    double mean = h.mean() + acceptablePauseMillis;
    double std = Math.max(h.stdDeviation(), minStdDeviationMillis);
    return phi(silence, mean, std);
  }

  /** Phi of a silence of {@code silence} under a normal(mean, std), by the logistic formula. */
  static double phi(double silence, double mean, double std) {
    double y = (silence - mean) / std;
    double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
    if (silence > mean) {
      return -Math.log10(e / (1.0 + e));
    }
    return -Math.log10(1.0 - 1.0 / (1.0 + e));
  }

  /** Members with a heartbeat history. */
  public int members() {
    return histories.size();
  }

  @Override
  public String toString() {
    return "PhiAccrualFailureDetector{threshold=" + threshold + ", members=" + histories.size()
        + "}";
  }

  /** One member's last heartbeat and a ring of its latest intervals, with running sums. */
  private static final class History {
    private final long[] intervals;
    private int count;
    private int next;
    private double sum;
    private double sumOfSquares;
    long last;

    History(int maxSamples, long firstInterval, long now) {
      intervals = new long[maxSamples];
      // Seeded as Akka does: two intervals around the first estimate (std a quarter of it), so
      // a member heard from once is judged against the expected rate until its own shows.
      long spread = firstInterval / 4;
      add(firstInterval - spread);
      add(firstInterval + spread);
      last = now;
    }

    void add(long interval) {
      if (count == intervals.length) {
        long old = intervals[next];
        sum -= old;
        sumOfSquares -= (double) old * old;
      } else {
        count++;
      }
      intervals[next] = interval;
      next = next + 1 == intervals.length ? 0 : next + 1;
      sum += interval;
      sumOfSquares += (double) interval * interval;
    }

    double mean() {
      return sum / count;
    }

    double stdDeviation() {
      double m = mean();
      // Running sums can drift a hair below zero variance: clamp before the root.
      return Math.sqrt(Math.max(0.0, sumOfSquares / count - m * m));
    }
  }

  /** Settings of a {@link PhiAccrualFailureDetector}; every setter checks its argument. */
  public static final class Builder {
    private double threshold = 8.0;
    private int maxSamples = 200;
    private Duration minStdDeviation = Duration.ofMillis(100);
    private Duration acceptableHeartbeatPause = Duration.ZERO;
    private Duration firstHeartbeatEstimate = Duration.ofSeconds(1);
    private int maxMembers = 65_536;

    private Builder() {}

    /** Phi at which a member becomes unavailable; default 8, in (0, 100]. */
    public Builder threshold(double v) {
      if (!(v > 0 && v <= 100)) {
        throw new IllegalArgumentException("threshold must be in (0, 100], was " + v);
      }
      threshold = v;
      return this;
    }

    /** Intervals kept per member; default 200, in [2, 100000]. */
    public Builder maxSamples(int v) {
      if (v < 2 || v > 100_000) {
        throw new IllegalArgumentException("maxSamples must be in [2, 100000], was " + v);
      }
      maxSamples = v;
      return this;
    }

    /**
     * Lower bound of the fitted standard deviation; default 100 ms. Keeps very regular heartbeats
     * from making a few milliseconds of jitter look like a failure.
     */
    public Builder minStdDeviation(Duration v) {
      minStdDeviation = atLeastOneMilli("minStdDeviation", v);
      return this;
    }

    /** Silence tolerated on top of the mean interval (GC pauses, bursts); default 0. */
    public Builder acceptableHeartbeatPause(Duration v) {
      acceptableHeartbeatPause = nonNegative("acceptableHeartbeatPause", v);
      return this;
    }

    /**
     * The interval expected before a member's own history shows; default 1 s. Set it near the
     * gossip interval times the number of members over the fanout: how often a member is heard
     * from in a cluster of that size.
     */
    public Builder firstHeartbeatEstimate(Duration v) {
      firstHeartbeatEstimate = atLeastOneMilli("firstHeartbeatEstimate", v);
      return this;
    }

    /** Members tracked at most; heartbeats from more are ignored; default 65536, at least 1. */
    public Builder maxMembers(int v) {
      maxMembers = atLeast("maxMembers", 1, v);
      return this;
    }

    /** A new detector with these settings. */
    public PhiAccrualFailureDetector build() {
      return new PhiAccrualFailureDetector(this);
    }
  }
}
