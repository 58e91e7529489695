package io.gossipkit.core;

import static io.gossipkit.api.internal.Arguments.atLeast;

import io.gossipkit.api.Clock;
import io.gossipkit.api.EntrySigner;
import io.gossipkit.api.EntryVerifier;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.Scheduler;
import io.gossipkit.api.Version;
import java.util.Objects;

/**
 * Everything engines may share: configuration, merge policy, clock, scheduler, random source,
 * outgoing message sink, observer, and the optional origin-signature signer and verifier.
 *
 * <p>A production node has one environment of its own; a simulation shares one among all its
 * engines, which is what lets a million engines fit in a few hundred megabytes. Immutable.
 *
 * <p>Signing and verification live here, not in each engine, for the same reason: an engine
 * pays no field for them, and without a signer, a verifier or {@link
 * GossipConfig#requireSignatures()} the engine's receive path tests one shared boolean and one
 * reference per entry and nothing more. A signer shared by many engines (a simulation) signs for
 * whichever origin the entry names; {@link EntrySigner#sign} says how it refuses one it has no
 * key for.
 */
public final class EngineEnvironment {
  final GossipConfig config;
  final MergePolicy mergePolicy;
  final Clock clock;
  final Scheduler scheduler;
  final RandomSource random;
  final MessageSink sink;
  final EngineObserver observer;
  final EntrySigner signer;
  final EntryVerifier verifier;
  /** {@code config.requireSignatures()}, read here on every received entry. */
  final boolean requireSignatures;
  /** True if every received entry goes through signature checks, signed or not. */
  final boolean checkEveryEntry;
  final long intervalMillis;
  final long tombstoneTtlMillis;
  /** {@code config.maxClockSkew()} in ms. */
  final long maxClockSkewMillis;
  /**
   * Received timestamps at or below this are within {@link #maxClockSkewMillis} of the clock:
   * what {@link #withinClockSkew} last computed, so the clock is read only when a timestamp is
   * above it (rarely: the limit only grows stale by being too strict). Shared by a simulation's
   * engines, which share one clock; each node of a real cluster has its own environment.
   */
  private long futureLimit = Long.MIN_VALUE;
  /** {@code config.deleteRecordRetention()} in ms, and {@code config.maxDeleteRecords()}. */
  final long deleteRecordRetentionMillis;
  final int maxDeleteRecords;
  final double jitter;
  final int messageBudget;
  final Counters counters = new Counters();
  /**
   * {@code updates.applied}: entries from peers that changed the replica. Counted per entry, so
   * through a handle rather than by name, and kept here (shared by a simulation's engines) rather
   * than in each engine.
   */
  final Counters.Counter updatesApplied = counters.counter("updates.applied");

  private EngineEnvironment(Builder b) {
    config = b.config;
    mergePolicy = b.mergePolicy;
    clock = b.clock;
    scheduler = b.scheduler;
    random = b.random;
    sink = b.sink;
    observer = b.observer;
    signer = b.signer;
    verifier = b.verifier;
    requireSignatures = config.requireSignatures();
    // Without a verifier only signed entries need a look (to be counted as unverified); with one,
    // or when signatures are required, every entry does.
    checkEveryEntry = verifier != null || requireSignatures;
    intervalMillis = config.gossipInterval().toMillis();
    tombstoneTtlMillis = config.tombstoneTtl().toMillis();
    maxClockSkewMillis = config.maxClockSkew().toMillis();
    deleteRecordRetentionMillis = config.deleteRecordRetention().toMillis();
    maxDeleteRecords = config.maxDeleteRecords();
    jitter = b.jitter;
    messageBudget =
        b.messageBudget > 0 ? Math.min(b.messageBudget, config.maxMessageBytes())
            : config.maxMessageBytes();
  }

  /**
   * True if {@code timestamp} (an HLC timestamp, {@link Version#pack}) is at most {@link
   * #maxClockSkewMillis} ahead of the clock. Reads the clock only when {@code timestamp} is past
   * the limit last computed.
   */
  boolean withinClockSkew(long timestamp) {
    if (timestamp <= futureLimit) {
      return true;
    }
    long maxMillis = Long.MAX_VALUE >>> Version.LOGICAL_BITS;
    long now = Math.max(0, clock.millis());
    long limitMillis = now > maxMillis - maxClockSkewMillis ? maxMillis : now + maxClockSkewMillis;
    futureLimit = Version.pack(limitMillis, (1 << Version.LOGICAL_BITS) - 1);
    return timestamp <= futureLimit;
  }

  /** A builder; config, clock, scheduler, random and sink are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The counters of every engine sharing this environment. */
  public Counters counters() {
    return counters;
  }

  /** The clock every engine sharing this environment reads. */
  public Clock clock() {
    return clock;
  }

  /** The shared configuration. */
  public GossipConfig config() {
    return config;
  }

  /** The signer of local writes, or null if writes go unsigned. */
  public EntrySigner signer() {
    return signer;
  }

  /** The verifier of received signatures, or null if none is configured. */
  public EntryVerifier verifier() {
    return verifier;
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
    private EntrySigner signer;
    private EntryVerifier verifier;
    private double jitter = 0.1;
    private int messageBudget;

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
     * Signs every local write with its origin's key, or null (the default) to write unsigned.
     * See {@link EntrySigner}.
     */
    public Builder signer(EntrySigner v) {
      signer = v;
      return this;
    }

    /**
     * Checks the signatures of received entries, or null (the default) for none. Required when
     * the configuration requires signatures. See {@link EntryVerifier}.
     */
    public Builder verifier(EntryVerifier v) {
      verifier = v;
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

    /**
     * Largest encoded message that reaches a peer over the node's transport, in bytes (at least
     * 64); capped at the configuration's {@code maxMessageBytes}, which is also the default (what
     * a simulation, carrying messages as objects, uses). A production node sets it from its
     * transport's payload size. See {@link io.gossipkit.api.GossipContext#messageBudget()}.
     */
    public Builder messageBudget(int v) {
      messageBudget = atLeast("messageBudget", 64, v);
      return this;
    }

    /**
     * Builds the environment.
     *
     * @throws NullPointerException if a required part is missing
     * @throws IllegalStateException if the configuration requires signatures and no verifier is
     *     given: every received entry would be dropped
     */
    public EngineEnvironment build() {
      Objects.requireNonNull(config, "config is required");
      Objects.requireNonNull(clock, "clock is required");
      Objects.requireNonNull(scheduler, "scheduler is required");
      Objects.requireNonNull(random, "random is required");
      Objects.requireNonNull(sink, "sink is required");
      if (config.requireSignatures() && verifier == null) {
        throw new IllegalStateException(
            "the configuration requires signatures but no verifier is given: every received"
                + " entry would be dropped; set verifier(...) or requireSignatures(false)");
      }
      return new EngineEnvironment(this);
    }
  }
}
