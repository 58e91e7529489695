package io.gossipkit.api;

import static io.gossipkit.api.internal.Arguments.atLeast;
import static io.gossipkit.api.internal.Arguments.atLeastOneMilli;
import static io.gossipkit.api.internal.Arguments.nonNegative;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable node configuration: timings, fanout, limits. Built by {@link #builder()} or from a
 * preset, {@link #lan()}, {@link #wan()} or {@link #local()}, whose timings start from
 * hashicorp/memberlist's DefaultLANConfig, DefaultWANConfig and DefaultLocalConfig.
 *
 * <pre>{@code
 * GossipConfig config = GossipConfig.lan().toBuilder().fanout(4).clusterLabel("prod").build();
 * }</pre>
 */
public final class GossipConfig {
  private final Duration gossipInterval;
  private final int fanout;
  private final Duration antiEntropyInterval;
  private final Duration probeInterval;
  private final Duration probeTimeout;
  private final int suspicionMultiplier;
  private final int indirectChecks;
  private final int retransmitMultiplier;
  private final Duration tombstoneTtl;
  private final Duration deleteRecordRetention;
  private final int maxDeleteRecords;
  private final boolean eagerPush;
  private final int maxPacketBytes;
  private final int maxMessageBytes;
  private final int maxKeyBytes;
  private final int maxValueBytes;
  private final int maxEntriesPerMessage;
  private final int maxDigestEntries;
  private final int retryQueueCapacity;
  private final int maxRetries;
  private final String clusterLabel;
  private final boolean requireSignatures;
  private final Duration maxClockSkew;
  private final long maxInboundBacklogBytes;

  private GossipConfig(Builder b) {
    gossipInterval = b.gossipInterval;
    fanout = b.fanout;
    antiEntropyInterval = b.antiEntropyInterval;
    probeInterval = b.probeInterval;
    probeTimeout = b.probeTimeout;
    suspicionMultiplier = b.suspicionMultiplier;
    indirectChecks = b.indirectChecks;
    retransmitMultiplier = b.retransmitMultiplier;
    tombstoneTtl = b.tombstoneTtl;
    deleteRecordRetention = b.deleteRecordRetention;
    maxDeleteRecords = b.maxDeleteRecords;
    eagerPush = b.eagerPush;
    maxPacketBytes = b.maxPacketBytes;
    maxMessageBytes = b.maxMessageBytes;
    maxKeyBytes = b.maxKeyBytes;
    maxValueBytes = b.maxValueBytes;
    maxEntriesPerMessage = b.maxEntriesPerMessage;
    maxDigestEntries = b.maxDigestEntries;
    retryQueueCapacity = b.retryQueueCapacity;
    maxRetries = b.maxRetries;
    clusterLabel = b.clusterLabel;
    requireSignatures = b.requireSignatures;
    maxClockSkew = b.maxClockSkew;
    maxInboundBacklogBytes = b.maxInboundBacklogBytes;
  }

  /** A builder with the LAN defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * For one data center: memberlist's DefaultLANConfig timings (gossip every 200 ms to 3 peers,
   * probe every second with a 500 ms timeout, suspicion multiplier 4, push-pull every 30 s).
   */
  public static GossipConfig lan() {
    return builder().build();
  }

  /** For links with tens to hundreds of milliseconds of latency: memberlist's DefaultWANConfig. */
  public static GossipConfig wan() {
    return builder()
        // Slower rounds and a larger fanout: each round costs more, so each must reach more.
        .gossipInterval(Duration.ofMillis(500))
        .fanout(4)
        // Round trips are long: give probes and suspicions time before declaring a member dead.
        .probeInterval(Duration.ofSeconds(5))
        .probeTimeout(Duration.ofSeconds(3))
        .suspicionMultiplier(6)
        // Full syncs are expensive over a WAN; do them half as often.
        .antiEntropyInterval(Duration.ofSeconds(60))
        // Members may be cut off for hours: keep deletes around longer so they are not lost.
        .tombstoneTtl(Duration.ofHours(24))
        .build();
  }

  /** For nodes on one host or a fast local network: memberlist's DefaultLocalConfig. */
  public static GossipConfig local() {
    return builder()
        // Latency is microseconds: gossip and detect failures faster.
        .gossipInterval(Duration.ofMillis(100))
        .probeTimeout(Duration.ofMillis(200))
        .suspicionMultiplier(3)
        .indirectChecks(1)
        // Fewer retransmissions suffice when packets are rarely lost.
        .retransmitMultiplier(2)
        .antiEntropyInterval(Duration.ofSeconds(15))
        .tombstoneTtl(Duration.ofMinutes(10))
        .build();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Time between two gossip rounds of one node. */
  public Duration gossipInterval() {
    return gossipInterval;
  }

  /** Peers contacted per round. */
  public int fanout() {
    return fanout;
  }

  /** Time between two anti-entropy rounds when anti-entropy backs up rumor mongering. */
  public Duration antiEntropyInterval() {
    return antiEntropyInterval;
  }

  /** Time between two failure-detector probes. */
  public Duration probeInterval() {
    return probeInterval;
  }

  /** Time to wait for a direct probe's answer before probing indirectly. */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /** Suspicion lasts this many probe intervals, scaled by log(cluster size), before death. */
  public int suspicionMultiplier() {
    return suspicionMultiplier;
  }

  /** Members asked to probe indirectly when a direct probe fails. */
  public int indirectChecks() {
    return indirectChecks;
  }

  /** A rumor is retransmitted about {@code retransmitMultiplier * log10(n + 1)} times. */
  public int retransmitMultiplier() {
    return retransmitMultiplier;
  }

  /** How long a delete's tombstone is kept before it is collected. */
  public Duration tombstoneTtl() {
    return tombstoneTtl;
  }

  /**
   * How long a node remembers a delete after collecting its tombstone: a record of 44 to 88
   * bytes (two hashes of the key, the version, the signature if any), so that the value the
   * delete replaced, offered later by a replica that never saw the delete (one side of a
   * partition that outlasted {@link #tombstoneTtl()}), is refused and the delete restored instead
   * of the value coming back; and so that a replica back from longer than the TTL away may hand
   * its peers the old writes only it held, instead of dropping them in case they were deleted. 7
   * days by default; zero keeps no records (deletes are then safe only from partitions shorter
   * than the TTL, and such writes are dropped). See docs/anti-entropy.md, "Tombstones".
   */
  public Duration deleteRecordRetention() {
    return deleteRecordRetention;
  }

  /**
   * Most delete records a node keeps (see {@link #deleteRecordRetention()}); past it the oldest
   * go first, counted as {@code tombstones.records_evicted}. 1,000,000 by default (44 to 88 MB
   * when full); zero keeps none.
   */
  public int maxDeleteRecords() {
    return maxDeleteRecords;
  }

  /** True if a new rumor is forwarded as soon as it arrives instead of at the next round. */
  public boolean eagerPush() {
    return eagerPush;
  }

  /** Largest datagram sent, in bytes. */
  public int maxPacketBytes() {
    return maxPacketBytes;
  }

  /** Largest encoded message read or written, in bytes. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Longest key, in UTF-8 bytes. */
  public int maxKeyBytes() {
    return maxKeyBytes;
  }

  /** Longest value, in bytes. */
  public int maxValueBytes() {
    return maxValueBytes;
  }

  /** Most entries (or keys) one message carries. */
  public int maxEntriesPerMessage() {
    return maxEntriesPerMessage;
  }

  /** Digests list versions only for replicas of at most this many entries. */
  public int maxDigestEntries() {
    return maxDigestEntries;
  }

  /** Capacity of a direct-mail retry queue; overflow is dropped and counted. */
  public int retryQueueCapacity() {
    return retryQueueCapacity;
  }

  /** Retries of an unacknowledged direct mail before it is dropped and counted. */
  public int maxRetries() {
    return maxRetries;
  }

  /** Bound into every packet's associated data, so two clusters never accept each other's. */
  public String clusterLabel() {
    return clusterLabel;
  }

  /**
   * True if a received entry is applied only when it carries a valid signature of its origin
   * ({@link EntryVerifier.Result#VALID}); false by default. Needs an {@link EntryVerifier}, and
   * every node that writes needs an {@link EntrySigner}, or its writes are dropped everywhere.
   * Whatever this says, a received signature is always checked when present and a bad one is
   * always dropped; only this setting also stops a relay from stripping a signature and altering
   * the write it covered.
   */
  public boolean requireSignatures() {
    return requireSignatures;
  }

  /**
   * How far ahead of this node's clock a received entry's timestamp may be; one hour by default.
   * An entry stamped further in the future is dropped and counted ({@code
   * dropped.future_timestamp}): applied, it would win every later write to its key until the clock
   * caught up (last-writer-wins), drag this node's hybrid clock, and so every later write, ahead
   * with it, and keep every later tombstone from ageing past its TTL. A node whose clock runs
   * further ahead than this sees its writes refused everywhere, counted, which is how an operator
   * finds it.
   */
  public Duration maxClockSkew() {
    return maxClockSkew;
  }

  /**
   * Most bytes of received packets decoded and waiting for the node's thread; 64 MiB by default.
   * A packet that would take the backlog past this is dropped and counted ({@code
   * dropped.backlog}), so a peer sending faster than the node applies cannot grow its heap without
   * bound; gossip repairs what was dropped. A packet arriving while nothing waits is always taken,
   * whatever its size (the transport's own limit bounds it).
   */
  public long maxInboundBacklogBytes() {
    return maxInboundBacklogBytes;
  }

  @Override
  public String toString() {
    return "GossipConfig{gossipInterval=" + gossipInterval + ", fanout=" + fanout
        + ", antiEntropyInterval=" + antiEntropyInterval + ", probeInterval=" + probeInterval
        + ", probeTimeout=" + probeTimeout + ", suspicionMultiplier=" + suspicionMultiplier
        + ", indirectChecks=" + indirectChecks + ", retransmitMultiplier=" + retransmitMultiplier
        + ", tombstoneTtl=" + tombstoneTtl + ", deleteRecordRetention=" + deleteRecordRetention
        + ", maxDeleteRecords=" + maxDeleteRecords + ", eagerPush=" + eagerPush
        + ", maxPacketBytes=" + maxPacketBytes + ", maxMessageBytes=" + maxMessageBytes
        + ", maxKeyBytes=" + maxKeyBytes + ", maxValueBytes=" + maxValueBytes
        + ", maxEntriesPerMessage=" + maxEntriesPerMessage + ", maxDigestEntries="
        + maxDigestEntries + ", retryQueueCapacity=" + retryQueueCapacity + ", maxRetries="
        + maxRetries + ", clusterLabel='" + clusterLabel + "', requireSignatures="
        + requireSignatures + ", maxClockSkew=" + maxClockSkew + ", maxInboundBacklogBytes="
        + maxInboundBacklogBytes + "}";
  }

  /** Builds a {@link GossipConfig}; starts from the LAN preset. Setters check their argument. */
  public static final class Builder {
    private Duration gossipInterval = Duration.ofMillis(200);
    private int fanout = 3;
    private Duration antiEntropyInterval = Duration.ofSeconds(30);
    private Duration probeInterval = Duration.ofSeconds(1);
    private Duration probeTimeout = Duration.ofMillis(500);
    private int suspicionMultiplier = 4;
    private int indirectChecks = 3;
    private int retransmitMultiplier = 4;
    private Duration tombstoneTtl = Duration.ofHours(1);
    private Duration deleteRecordRetention = Duration.ofDays(7);
    private int maxDeleteRecords = 1_000_000;
    private boolean eagerPush = true;
    private int maxPacketBytes = 1400;
    private int maxMessageBytes = 64 * 1024;
    private int maxKeyBytes = 1024;
    private int maxValueBytes = 60 * 1024;
    private int maxEntriesPerMessage = 1024;
    private int maxDigestEntries = 1024;
    private int retryQueueCapacity = 1024;
    private int maxRetries = 3;
    private String clusterLabel = "";
    private boolean requireSignatures;
    private Duration maxClockSkew = Duration.ofHours(1);
    private long maxInboundBacklogBytes = 64L << 20;

    private Builder() {}

    private Builder(GossipConfig c) {
      gossipInterval = c.gossipInterval;
      fanout = c.fanout;
      antiEntropyInterval = c.antiEntropyInterval;
      probeInterval = c.probeInterval;
      probeTimeout = c.probeTimeout;
      suspicionMultiplier = c.suspicionMultiplier;
      indirectChecks = c.indirectChecks;
      retransmitMultiplier = c.retransmitMultiplier;
      tombstoneTtl = c.tombstoneTtl;
      deleteRecordRetention = c.deleteRecordRetention;
      maxDeleteRecords = c.maxDeleteRecords;
      eagerPush = c.eagerPush;
      maxPacketBytes = c.maxPacketBytes;
      maxMessageBytes = c.maxMessageBytes;
      maxKeyBytes = c.maxKeyBytes;
      maxValueBytes = c.maxValueBytes;
      maxEntriesPerMessage = c.maxEntriesPerMessage;
      maxDigestEntries = c.maxDigestEntries;
      retryQueueCapacity = c.retryQueueCapacity;
      maxRetries = c.maxRetries;
      clusterLabel = c.clusterLabel;
      requireSignatures = c.requireSignatures;
      maxClockSkew = c.maxClockSkew;
      maxInboundBacklogBytes = c.maxInboundBacklogBytes;
    }

    /** Time between two gossip rounds; at least 1 ms. */
    public Builder gossipInterval(Duration v) {
      gossipInterval = atLeastOneMilli("gossipInterval", v);
      return this;
    }

    /** Peers contacted per round; at least 1. */
    public Builder fanout(int v) {
      fanout = atLeast("fanout", 1, v);
      return this;
    }

    /** Time between two backup anti-entropy rounds; at least 1 ms. */
    public Builder antiEntropyInterval(Duration v) {
      antiEntropyInterval = atLeastOneMilli("antiEntropyInterval", v);
      return this;
    }

    /** Time between two probes; at least 1 ms. */
    public Builder probeInterval(Duration v) {
      probeInterval = atLeastOneMilli("probeInterval", v);
      return this;
    }

    /** Direct probe timeout; at least 1 ms and, checked by {@link #build()}, below the interval. */
    public Builder probeTimeout(Duration v) {
      probeTimeout = atLeastOneMilli("probeTimeout", v);
      return this;
    }

    /** Suspicion multiplier; at least 1. */
    public Builder suspicionMultiplier(int v) {
      suspicionMultiplier = atLeast("suspicionMultiplier", 1, v);
      return this;
    }

    /** Indirect probes per failed direct probe; at least 0. */
    public Builder indirectChecks(int v) {
      indirectChecks = atLeast("indirectChecks", 0, v);
      return this;
    }

    /** Retransmission multiplier; at least 1. */
    public Builder retransmitMultiplier(int v) {
      retransmitMultiplier = atLeast("retransmitMultiplier", 1, v);
      return this;
    }

    /** Time to keep tombstones; at least 1 ms. */
    public Builder tombstoneTtl(Duration v) {
      tombstoneTtl = atLeastOneMilli("tombstoneTtl", v);
      return this;
    }

    /** How long a collected delete is remembered; zero or more (zero keeps no records). */
    public Builder deleteRecordRetention(Duration v) {
      deleteRecordRetention = nonNegative("deleteRecordRetention", v);
      return this;
    }

    /** Most delete records kept; zero or more (zero keeps none). */
    public Builder maxDeleteRecords(int v) {
      maxDeleteRecords = atLeast("maxDeleteRecords", 0, v);
      return this;
    }

    /** Forward new rumors on receipt. */
    public Builder eagerPush(boolean v) {
      eagerPush = v;
      return this;
    }

    /** Largest datagram, 64 to 65,507 bytes. */
    public Builder maxPacketBytes(int v) {
      atLeast("maxPacketBytes", 64, v);
      if (v > 65_507) {
        throw new IllegalArgumentException("maxPacketBytes must be <= 65507, was " + v);
      }
      maxPacketBytes = v;
      return this;
    }

    /** Largest encoded message; at least 64 bytes. */
    public Builder maxMessageBytes(int v) {
      maxMessageBytes = atLeast("maxMessageBytes", 64, v);
      return this;
    }

    /** Longest key in UTF-8 bytes; at least 1. */
    public Builder maxKeyBytes(int v) {
      maxKeyBytes = atLeast("maxKeyBytes", 1, v);
      return this;
    }

    /** Longest value in bytes; at least 0. */
    public Builder maxValueBytes(int v) {
      maxValueBytes = atLeast("maxValueBytes", 0, v);
      return this;
    }

    /** Most entries per message; at least 1. */
    public Builder maxEntriesPerMessage(int v) {
      maxEntriesPerMessage = atLeast("maxEntriesPerMessage", 1, v);
      return this;
    }

    /** Largest replica whose digest lists versions; at least 0. */
    public Builder maxDigestEntries(int v) {
      maxDigestEntries = atLeast("maxDigestEntries", 0, v);
      return this;
    }

    /** Direct-mail retry queue capacity; at least 1. */
    public Builder retryQueueCapacity(int v) {
      retryQueueCapacity = atLeast("retryQueueCapacity", 1, v);
      return this;
    }

    /** Direct-mail retries; at least 0. */
    public Builder maxRetries(int v) {
      maxRetries = atLeast("maxRetries", 0, v);
      return this;
    }

    /** Cluster label bound into every packet; at most 255 characters. */
    public Builder clusterLabel(String v) {
      Objects.requireNonNull(v, "clusterLabel");
      if (v.length() > 255) {
        throw new IllegalArgumentException(
            "clusterLabel must be at most 255 characters, was " + v.length());
      }
      clusterLabel = v;
      return this;
    }

    /**
     * Apply received entries only if validly signed by their origin; false by default. See
     * {@link GossipConfig#requireSignatures()}.
     */
    public Builder requireSignatures(boolean v) {
      requireSignatures = v;
      return this;
    }

    /**
     * How far ahead of this node's clock a received timestamp may be; at least 1 ms. See
     * {@link GossipConfig#maxClockSkew()}.
     */
    public Builder maxClockSkew(Duration v) {
      maxClockSkew = atLeastOneMilli("maxClockSkew", v);
      return this;
    }

    /**
     * Most bytes of received packets waiting for the node's thread; at least 64 KiB. See {@link
     * GossipConfig#maxInboundBacklogBytes()}.
     */
    public Builder maxInboundBacklogBytes(long v) {
      if (v < 64 * 1024) {
        throw new IllegalArgumentException("maxInboundBacklogBytes must be >= 65536, was " + v);
      }
      maxInboundBacklogBytes = v;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException if fields contradict each other
     */
    public GossipConfig build() {
      if (probeTimeout.compareTo(probeInterval) >= 0) {
        // The indirect probes go out at the timeout and are judged at the interval: equal, they
        // never ran (the next probe's timer came first), and one lost ack made a suspect.
        throw new IllegalArgumentException(
            "probeTimeout must be < probeInterval, was " + probeTimeout + " >= " + probeInterval);
      }
      if (antiEntropyInterval.compareTo(gossipInterval) < 0) {
        throw new IllegalArgumentException(
            "antiEntropyInterval must be >= gossipInterval, was " + antiEntropyInterval + " < "
                + gossipInterval);
      }
      if (maxPacketBytes > maxMessageBytes) {
        throw new IllegalArgumentException(
            "maxPacketBytes must be <= maxMessageBytes, was " + maxPacketBytes + " > "
                + maxMessageBytes);
      }
      if (maxValueBytes >= maxMessageBytes) {
        throw new IllegalArgumentException(
            "maxValueBytes must be < maxMessageBytes, was " + maxValueBytes + " >= "
                + maxMessageBytes);
      }
      return new GossipConfig(this);
    }
  }
}
