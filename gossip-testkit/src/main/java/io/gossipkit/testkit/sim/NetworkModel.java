package io.gossipkit.testkit.sim;

/**
 * The simulated network's faults: loss, duplication and, in asynchronous timing, latency (which
 * also reorders messages). Partitions and crashes are driven by the {@link Simulation} itself.
 *
 * @param loss probability that a message is lost, in [0, 1]
 * @param duplicate probability that a delivered message is delivered twice, in [0, 1]
 * @param minLatencyMillis least one-way latency (asynchronous timing only)
 * @param meanLatencyMillis mean one-way latency; the excess over the minimum is exponential
 */
public record NetworkModel(
    double loss, double duplicate, long minLatencyMillis, long meanLatencyMillis) {
  /** A perfect network: no loss, no duplicates, 1 ms latency. */
  public static final NetworkModel PERFECT = new NetworkModel(0, 0, 1, 1);

  /** Checks the arguments. */
  public NetworkModel {
    if (!(loss >= 0 && loss <= 1)) {
      throw new IllegalArgumentException("loss must be in [0, 1], was " + loss);
    }
    if (!(duplicate >= 0 && duplicate <= 1)) {
      throw new IllegalArgumentException("duplicate must be in [0, 1], was " + duplicate);
    }
    if (minLatencyMillis < 0 || meanLatencyMillis < minLatencyMillis) {
      throw new IllegalArgumentException(
          "latency must satisfy 0 <= min <= mean, was min=" + minLatencyMillis + " mean="
              + meanLatencyMillis);
    }
  }

  /** This model with message loss {@code p}. */
  public NetworkModel withLoss(double p) {
    return new NetworkModel(p, duplicate, minLatencyMillis, meanLatencyMillis);
  }
}
