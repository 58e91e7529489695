package io.gossipkit.core.membership;

import static io.gossipkit.api.internal.Arguments.atLeast;
import static io.gossipkit.api.internal.Arguments.atLeastOneMilli;
import static io.gossipkit.api.internal.Arguments.nonNegative;

import java.time.Duration;

/**
 * Immutable settings of SWIM membership that {@link io.gossipkit.api.GossipConfig} does not
 * already hold. The probe timings (probe interval and timeout, suspicion multiplier, indirect
 * checks, retransmit multiplier) and the gossip interval and fanout come from the node's {@code
 * GossipConfig}; these add what memberlist's config adds beside them. Presets {@link #lan()},
 * {@link #wan()} and {@link #local()} follow memberlist's DefaultLANConfig, DefaultWANConfig and
 * DefaultLocalConfig.
 *
 * <pre>{@code
 * MembershipConfig m = MembershipConfig.lan().toBuilder().maxMembers(10_000).build();
 * }</pre>
 */
public final class MembershipConfig {
  private final int suspicionMaxTimeoutMultiplier;
  private final Duration deadRetention;
  private final Duration pushPullInterval;
  private final Duration joinRetryInitial;
  private final Duration joinRetryMax;
  private final int maxMembers;
  private final int maxPendingRelays;
  private final Duration gossipToTheDead;

  private MembershipConfig(Builder b) {
    suspicionMaxTimeoutMultiplier = b.suspicionMaxTimeoutMultiplier;
    deadRetention = b.deadRetention;
    pushPullInterval = b.pushPullInterval;
    joinRetryInitial = b.joinRetryInitial;
    joinRetryMax = b.joinRetryMax;
    maxMembers = b.maxMembers;
    maxPendingRelays = b.maxPendingRelays;
    gossipToTheDead = b.gossipToTheDead;
  }

  /** A builder with the LAN defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** For one data center: memberlist's DefaultLANConfig. */
  public static MembershipConfig lan() {
    return builder().build();
  }

  /** For links with tens to hundreds of milliseconds of latency: memberlist's DefaultWANConfig. */
  public static MembershipConfig wan() {
    return builder()
        // Full-state exchanges cost more over a WAN; members come and go less often.
        .pushPullInterval(Duration.ofSeconds(60))
        // Partitions last longer: remember the dead longer so they are not taken back.
        .deadRetention(Duration.ofSeconds(60))
        .joinRetryMax(Duration.ofSeconds(60))
        .gossipToTheDead(Duration.ofSeconds(60))
        .build();
  }

  /** For nodes on one host or a fast local network: memberlist's DefaultLocalConfig. */
  public static MembershipConfig local() {
    return builder()
        // State travels fast: exchange it and forget the dead sooner.
        .pushPullInterval(Duration.ofSeconds(15))
        .deadRetention(Duration.ofSeconds(15))
        .gossipToTheDead(Duration.ofSeconds(15))
        .build();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The longest suspicion lasts this many times the shortest (Lifeguard): a suspicion starts at
   * the longest and shrinks toward the shortest as other members independently confirm it.
   */
  public int suspicionMaxTimeoutMultiplier() {
    return suspicionMaxTimeoutMultiplier;
  }

  /** How long a DEAD or LEFT member is remembered (and reported) before it is removed. */
  public Duration deadRetention() {
    return deadRetention;
  }

  /** Time between two full member-list exchanges with a random live member. */
  public Duration pushPullInterval() {
    return pushPullInterval;
  }

  /** First wait before contacting the seeds again when no member answered; doubles each try. */
  public Duration joinRetryInitial() {
    return joinRetryInitial;
  }

  /** Longest wait between two attempts to contact the seeds. */
  public Duration joinRetryMax() {
    return joinRetryMax;
  }

  /**
   * Most members (this node excluded, the dead included) a node keeps; updates about further
   * members are dropped and counted as {@code membership.dropped_table_full}.
   */
  public int maxMembers() {
    return maxMembers;
  }

  /**
   * Most indirect probes a node runs at once on behalf of others; further ping requests are
   * dropped and counted as {@code membership.dropped_relays_full}.
   */
  public int maxPendingRelays() {
    return maxPendingRelays;
  }

  /**
   * How long after a member was declared DEAD this node still gossips to it (memberlist's
   * GossipToTheDeadTime): a member declared dead by mistake (a pause, a short partition) hears of
   * it while the news still spreads, and refutes at once instead of at the next push-pull. Zero:
   * never.
   */
  public Duration gossipToTheDead() {
    return gossipToTheDead;
  }

  @Override
  public String toString() {
    return "MembershipConfig{suspicionMaxTimeoutMultiplier=" + suspicionMaxTimeoutMultiplier
        + ", deadRetention=" + deadRetention + ", pushPullInterval=" + pushPullInterval
        + ", joinRetryInitial=" + joinRetryInitial + ", joinRetryMax=" + joinRetryMax
        + ", maxMembers=" + maxMembers + ", maxPendingRelays=" + maxPendingRelays
        + ", gossipToTheDead=" + gossipToTheDead + "}";
  }

  /** Builds a {@link MembershipConfig}; starts from the LAN preset. Setters check their argument. */
  public static final class Builder {
    private int suspicionMaxTimeoutMultiplier = 6;
    private Duration deadRetention = Duration.ofSeconds(30);
    private Duration pushPullInterval = Duration.ofSeconds(30);
    private Duration joinRetryInitial = Duration.ofSeconds(1);
    private Duration joinRetryMax = Duration.ofSeconds(30);
    private int maxMembers = 4096;
    private int maxPendingRelays = 256;
    private Duration gossipToTheDead = Duration.ofSeconds(30);

    private Builder() {}

    private Builder(MembershipConfig c) {
      suspicionMaxTimeoutMultiplier = c.suspicionMaxTimeoutMultiplier;
      deadRetention = c.deadRetention;
      pushPullInterval = c.pushPullInterval;
      joinRetryInitial = c.joinRetryInitial;
      joinRetryMax = c.joinRetryMax;
      maxMembers = c.maxMembers;
      maxPendingRelays = c.maxPendingRelays;
      gossipToTheDead = c.gossipToTheDead;
    }

    /** Longest over shortest suspicion timeout; at least 1. */
    public Builder suspicionMaxTimeoutMultiplier(int v) {
      suspicionMaxTimeoutMultiplier = atLeast("suspicionMaxTimeoutMultiplier", 1, v);
      return this;
    }

    /** How long the dead are remembered; at least 1 ms. */
    public Builder deadRetention(Duration v) {
      deadRetention = atLeastOneMilli("deadRetention", v);
      return this;
    }

    /** Time between full-state exchanges; at least 1 ms. */
    public Builder pushPullInterval(Duration v) {
      pushPullInterval = atLeastOneMilli("pushPullInterval", v);
      return this;
    }

    /** First join retry delay; at least 1 ms. */
    public Builder joinRetryInitial(Duration v) {
      joinRetryInitial = atLeastOneMilli("joinRetryInitial", v);
      return this;
    }

    /** Longest join retry delay; at least 1 ms. */
    public Builder joinRetryMax(Duration v) {
      joinRetryMax = atLeastOneMilli("joinRetryMax", v);
      return this;
    }

    /** Most members kept; at least 1. */
    public Builder maxMembers(int v) {
      maxMembers = atLeast("maxMembers", 1, v);
      return this;
    }

    /** Most indirect probes run at once for others; at least 0. */
    public Builder maxPendingRelays(int v) {
      maxPendingRelays = atLeast("maxPendingRelays", 0, v);
      return this;
    }

    /** How long the newly dead still get gossip; zero (never) or positive. */
    public Builder gossipToTheDead(Duration v) {
      gossipToTheDead = nonNegative("gossipToTheDead", v);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException if {@code joinRetryInitial > joinRetryMax}
     */
    public MembershipConfig build() {
      if (joinRetryInitial.compareTo(joinRetryMax) > 0) {
        throw new IllegalArgumentException("joinRetryInitial must be <= joinRetryMax, was "
            + joinRetryInitial + " > " + joinRetryMax);
      }
      return new MembershipConfig(this);
    }
  }
}
