package io.gossipkit.core;

import io.gossipkit.api.Clock;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.Scheduler;
import java.util.Objects;

/**
 * Everything engines may share: configuration, merge policy, clock, scheduler, random source,
 * outgoing message sink and observer.
 *
 * <p>A production node has one environment of its own; a simulation shares one among all its
 * engines, which is what lets a million engines fit in a few hundred megabytes. Immutable.
 */
public final class EngineEnvironment {
  final GossipConfig config;
  final MergePolicy mergePolicy;
  final Clock clock;
  final Scheduler scheduler;
  final RandomSource random;
  final MessageSink sink;
  final EngineObserver observer;
  final long intervalMillis;
  final long tombstoneTtlMillis;
  final double jitter;
  final Counters counters = new Counters();

  private EngineEnvironment(Builder b) {
    config = b.config;
    mergePolicy = b.mergePolicy;
    clock = b.clock;
    scheduler = b.scheduler;
    random = b.random;
    sink = b.sink;
    observer = b.observer;
    intervalMillis = config.gossipInterval().toMillis();
    tombstoneTtlMillis = config.tombstoneTtl().toMillis();
    jitter = b.jitter;
  }

  /** A builder; config, clock, scheduler, random and sink are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The counters of every engine sharing this environment. */
  public Counters counters() {
    return counters;
  }

  /** The shared configuration. */
  public GossipConfig config() {
    return config;
  }

  /** Builds an {@link EngineEnvironment}. */
  public static final class Builder {
    private GossipConfig config;
    private MergePolicy mergePolicy = MergePolicy.lastWriterWins();
    private Clock clock;
    private Scheduler scheduler;
    private RandomSource random;
    private MessageSink sink;
    private EngineObserver observer;
    private double jitter = 0.1;

    private Builder() {}

    /** The node configuration. */
    public Builder config(GossipConfig v) {
      config = Objects.requireNonNull(v, "config");
      return this;
    }

    /** The merge policy; last-writer-wins by default. */
    public Builder mergePolicy(MergePolicy v) {
      mergePolicy = Objects.requireNonNull(v, "mergePolicy");
      return this;
    }

    /** The clock. */
    public Builder clock(Clock v) {
      clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    /** The scheduler. */
    public Builder scheduler(Scheduler v) {
      scheduler = Objects.requireNonNull(v, "scheduler");
      return this;
    }

    /** The random source. */
    public Builder random(RandomSource v) {
      random = Objects.requireNonNull(v, "random");
      return this;
    }

    /** Where outgoing messages go. */
    public Builder sink(MessageSink v) {
      sink = Objects.requireNonNull(v, "sink");
      return this;
    }

    /** An observer of every replica change, or null. */
    public Builder observer(EngineObserver v) {
      observer = v;
      return this;
    }

    /**
     * Fraction of the gossip interval by which each round's timer varies at random, in [0, 0.5];
     * 0.1 by default. Jitter keeps nodes from gossiping in lockstep.
     */
    public Builder jitter(double v) {
      if (!(v >= 0 && v <= 0.5)) {
        throw new IllegalArgumentException("jitter must be in [0, 0.5], was " + v);
      }
      jitter = v;
      return this;
    }

    /** Builds the environment. */
    public EngineEnvironment build() {
      Objects.requireNonNull(config, "config is required");
      Objects.requireNonNull(clock, "clock is required");
      Objects.requireNonNull(scheduler, "scheduler is required");
      Objects.requireNonNull(random, "random is required");
      Objects.requireNonNull(sink, "sink is required");
      return new EngineEnvironment(this);
    }
  }
}
