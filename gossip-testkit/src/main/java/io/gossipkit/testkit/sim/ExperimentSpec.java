package io.gossipkit.testkit.sim;

import io.gossipkit.api.Exchange;
import io.gossipkit.core.StopRule;
import java.util.Objects;

/**
 * What an {@link Experiment} runs: the cluster, the strategy and its parameters, the network and
 * how many seeded runs. Built by {@link #builder()}; the defaults are Demers et al.'s Table 1
 * setting (1000 nodes, push rumor mongering, feedback + counter, k = 2, synchronous cycles).
 *
 * @param nodes cluster size
 * @param mode the strategy
 * @param exchange push, pull or push-pull
 * @param stopRule when rumors lose interest
 * @param k the stop rule's counter or inverse coin probability
 * @param fanout peers per round
 * @param loss message loss probability
 * @param updates writes injected at the start, each on a random node under its own key
 * @param valueBytes bytes per written value
 * @param runs independent runs, each from its own seed derived from {@code seed}
 * @param seed the root seed
 * @param timing cycles or asynchronous
 * @param backupEvery rounds between backup anti-entropy rounds in composite mode
 * @param maxCycles a run stops after this many cycles even if not finished
 * @param peers how nodes pick peers
 */
public record ExperimentSpec(
    int nodes,
    Mode mode,
    Exchange exchange,
    StopRule stopRule,
    int k,
    int fanout,
    double loss,
    int updates,
    int valueBytes,
    int runs,
    long seed,
    Timing timing,
    int backupEvery,
    long maxCycles,
    PeerChoice peers) {

  /** Checks every field. */
  public ExperimentSpec {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(stopRule, "stopRule");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(peers, "peers");
    check("nodes", nodes, 2);
    check("k", k, 1);
    check("fanout", fanout, 1);
    check("updates", updates, 1);
    check("valueBytes", valueBytes, 0);
    check("runs", runs, 1);
    check("backupEvery", backupEvery, 1);
    if (maxCycles < 1) {
      throw new IllegalArgumentException("maxCycles must be >= 1, was " + maxCycles);
    }
    if (!(loss >= 0 && loss < 1)) {
      throw new IllegalArgumentException("loss must be in [0, 1), was " + loss);
    }
  }

  private static void check(String name, long v, long min) {
    if (v < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + v);
    }
  }

  /** A builder with Demers' Table 1 defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link ExperimentSpec}. */
  public static final class Builder {
    private int nodes = 1000;
    private Mode mode = Mode.RUMOR;
    private Exchange exchange = Exchange.PUSH;
    private StopRule stopRule = StopRule.FEEDBACK_COUNTER;
    private int k = 2;
    private int fanout = 1;
    private double loss;
    private int updates = 1;
    private int valueBytes = 16;
    private int runs = 1;
    private long seed = 1;
    private Timing timing = Timing.CYCLES;
    private int backupEvery = 10;
    private long maxCycles = 100_000;
    private PeerChoice peers = PeerChoice.RANDOM;

    private Builder() {}

    /** Cluster size. */
    public Builder nodes(int v) {
      nodes = v;
      return this;
    }

    /** The strategy. */
    public Builder mode(Mode v) {
      mode = v;
      return this;
    }

    /** Push, pull or push-pull. */
    public Builder exchange(Exchange v) {
      exchange = v;
      return this;
    }

    /** The rumor stop rule. */
    public Builder stopRule(StopRule v) {
      stopRule = v;
      return this;
    }

    /** The stop rule's k. */
    public Builder k(int v) {
      k = v;
      return this;
    }

    /** Peers per round. */
    public Builder fanout(int v) {
      fanout = v;
      return this;
    }

    /** Message loss probability. */
    public Builder loss(double v) {
      loss = v;
      return this;
    }

    /** Writes injected at the start. */
    public Builder updates(int v) {
      updates = v;
      return this;
    }

    /** Bytes per value. */
    public Builder valueBytes(int v) {
      valueBytes = v;
      return this;
    }

    /** Independent runs. */
    public Builder runs(int v) {
      runs = v;
      return this;
    }

    /** Root seed. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Timing. */
    public Builder timing(Timing v) {
      timing = v;
      return this;
    }

    /** Backup anti-entropy period, in rounds, for composite mode. */
    public Builder backupEvery(int v) {
      backupEvery = v;
      return this;
    }

    /** Cycle limit per run. */
    public Builder maxCycles(long v) {
      maxCycles = v;
      return this;
    }

    /** How nodes pick peers; uniformly at random by default. */
    public Builder peers(PeerChoice v) {
      peers = v;
      return this;
    }

    /** Builds the spec. */
    public ExperimentSpec build() {
      return new ExperimentSpec(
          nodes, mode, exchange, stopRule, k, fanout, loss, updates, valueBytes, runs, seed,
          timing, backupEvery, maxCycles, peers);
    }
  }
}
