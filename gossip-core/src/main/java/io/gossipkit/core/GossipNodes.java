package io.gossipkit.core;

import io.gossipkit.api.Clock;
import io.gossipkit.api.Codec;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.EntrySigner;
import io.gossipkit.api.EntryVerifier;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.FailureDetector;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.SeedProvider;
import io.gossipkit.api.Transport;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.core.internal.DefaultGossipNode;
import io.gossipkit.core.internal.peers.FilteredPeersView;
import io.gossipkit.core.membership.MembershipConfig;
import io.gossipkit.core.membership.SwimMembership;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Creates production {@link GossipNode}s: one engine on its own thread, a transport, a codec and
 * a packet protector.
 *
 * <pre>{@code
 * GossipNode node = GossipNodes.builder(GossipConfig.lan())
 *     .id("a")
 *     .transport(transport)
 *     .protector(protector)               // from gossip-crypto; plaintext only by name
 *     .member("b", addressOfB)
 *     .build();
 * node.start();
 * }</pre>
 *
 * <p>With SWIM membership (docs/membership.md) a node joins through seeds instead of listing every
 * member; it probes the others, and its strategy gossips only with those it believes alive:
 *
 * <pre>{@code
 * GossipNode node = GossipNodes.builder(GossipConfig.lan())
 *     .id("b")
 *     .transport(transport)
 *     .protector(protector)
 *     .seeds(SeedProvider.of(List.of(addressOfA)))
 *     .membership(MembershipConfig.lan())  // optional; the preset matching the GossipConfig
 *     .build();
 * }</pre>
 *
 * <p>With origin signatures (gossip-crypto's {@code io.gossipkit.crypto.sign}), a relaying member
 * can neither forge nor alter a write:
 *
 * <pre>{@code
 * GossipNode node = GossipNodes.builder(config.toBuilder().requireSignatures(true).build())
 *     .id("a")
 *     .signer(Ed25519Signer.of(NodeId.of("a"), privateKeyOfA))
 *     .verifier(Ed25519Verifier.of(SigningKeyDirectory.load(Path.of("cluster-keys.txt"))))
 *     ...
 * }</pre>
 */
public final class GossipNodes {
  private GossipNodes() {}

  /** A builder for a node configured by {@code config}. */
  public static Builder builder(GossipConfig config) {
    return new Builder(config);
  }

  /**
   * The default strategy: push rumor mongering (feedback, counter k = the configuration's
   * retransmit multiplier) with lazy pushes (a new value goes at once to the ring successor and is
   * offered by key and version to the other peers, so it spreads at network latency while each
   * node receives the value about once), backed by push-pull anti-entropy every anti-entropy
   * interval so that whatever rumors miss is repaired.
   */
  public static Supplier<DisseminationStrategy> defaultStrategy(GossipConfig config) {
    long every =
        Math.max(1, config.antiEntropyInterval().toMillis() / config.gossipInterval().toMillis());
    return Strategies.composite(
        Strategies.rumorMongering(
            RumorOptions.builder().k(config.retransmitMultiplier()).lazyPayload(true).build()),
        Strategies.antiEntropy(Exchange.PUSH_PULL, PeerSelectors::random, 1),
        (int) Math.min(Integer.MAX_VALUE, every));
  }

  /** Builds a {@link GossipNode}. Required: id, transport, protector. */
  public static final class Builder {
    private final GossipConfig config;
    private NodeId id;
    private Transport transport;
    private Transport largeTransport;
    private PacketProtector protector;
    private Codec codec;
    private Supplier<DisseminationStrategy> strategy;
    private MergePolicy mergePolicy = MergePolicy.lastWriterWins();
    private Clock clock = Clock.system();
    private RandomSource random;
    private EntrySigner signer;
    private EntryVerifier verifier;
    private final Map<NodeId, InetSocketAddress> members = new LinkedHashMap<>();
    private final Map<NodeId, InetSocketAddress> largeAddresses = new LinkedHashMap<>();
    private SeedProvider seeds;
    private MembershipConfig membershipConfig;
    private FailureDetector failureDetector;

    private Builder(GossipConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** This node's id. */
    public Builder id(String v) {
      id = NodeId.of(v);
      return this;
    }

    /** The transport. */
    public Builder transport(Transport v) {
      transport = Objects.requireNonNull(v, "transport");
      return this;
    }

    /**
     * An optional second transport for messages too large for one packet of {@link #transport}
     * (a TCP transport; any transport with a larger payload limit works). With it, such messages
     * travel there whole, one per packet, sealed like every other; without it, {@code put}
     * refuses a value whose message cannot fit a datagram, and the node splits or drops (counting
     * {@code dropped.oversized_out}) large messages of its own. Peers receive on it at the
     * address given to {@link #member(String, InetSocketAddress, InetSocketAddress)}, by default
     * their address on {@link #transport} (TCP and UDP may share a port number). With SWIM
     * membership, member lists longer than a datagram go over it too, always to the member's
     * datagram address: every node's large-message transport must listen on the same port number
     * as its datagram one, as memberlist's TCP and UDP do.
     */
    public Builder largeMessageTransport(Transport v) {
      largeTransport = Objects.requireNonNull(v, "largeMessageTransport");
      return this;
    }

    /**
     * The packet protector: an AEAD from gossip-crypto, or {@link PacketProtector#plaintext()}
     * chosen explicitly. There is no default: a node never runs unprotected by accident.
     */
    public Builder protector(PacketProtector v) {
      protector = Objects.requireNonNull(v, "protector");
      return this;
    }

    /** The codec; Kryo by default. */
    public Builder codec(Codec v) {
      codec = Objects.requireNonNull(v, "codec");
      return this;
    }

    /** Supplies the node's strategy; {@link #defaultStrategy} by default. */
    public Builder strategy(Supplier<DisseminationStrategy> v) {
      strategy = Objects.requireNonNull(v, "strategy");
      return this;
    }

    /** The merge policy; last-writer-wins by default. */
    public Builder mergePolicy(MergePolicy v) {
      mergePolicy = Objects.requireNonNull(v, "mergePolicy");
      return this;
    }

    /** The clock; the system clock by default. Tests may pass a manual one. */
    public Builder clock(Clock v) {
      clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    /** The random source; seeded from SecureRandom by default. */
    public Builder random(RandomSource v) {
      random = Objects.requireNonNull(v, "random");
      return this;
    }

    /**
     * Signs this node's writes with its origin key, so relays can neither forge nor alter them.
     * By default writes go unsigned.
     */
    public Builder signer(EntrySigner v) {
      signer = Objects.requireNonNull(v, "signer");
      return this;
    }

    /**
     * Checks the origin signatures of received entries; a bad one is dropped and counted as
     * {@code dropped.bad_signature}. Required when the configuration requires signatures. By
     * default there is none, and a signed entry is applied unverified (counted as
     * {@code signatures.unverified}).
     */
    public Builder verifier(EntryVerifier v) {
      verifier = Objects.requireNonNull(v, "verifier");
      return this;
    }

    /**
     * Uses SWIM membership and joins the cluster through {@code v}'s addresses (a seed that is
     * this node's own address is skipped, so every node may be given the same list).
     */
    public Builder seeds(SeedProvider v) {
      seeds = Objects.requireNonNull(v, "seeds");
      return this;
    }

    /**
     * Uses SWIM membership with {@code v}; {@link MembershipConfig#lan()} by default when only
     * {@link #seeds} is set. Without seeds the node starts a cluster of its own, which others join
     * through it.
     */
    public Builder membership(MembershipConfig v) {
      membershipConfig = Objects.requireNonNull(v, "membership");
      return this;
    }

    /**
     * Judges the members of a static list by {@code v} (for example {@link
     * PhiAccrualFailureDetector}): every message a member sends this node is a heartbeat, and a
     * member {@code v} finds unavailable counts as not live, so the strategy stops sending to it
     * until it is heard from again, and {@code members()} reports it SUSPECT. Without one, every listed member is always live. Not with SWIM
     * membership, which detects failures with its own probes. The detector belongs to this node:
     * give every node its own.
     */
    public Builder failureDetector(FailureDetector v) {
      failureDetector = Objects.requireNonNull(v, "failureDetector");
      return this;
    }

    /**
     * Adds a member of the (static) cluster and where it receives packets. With SWIM membership
     * ({@link #seeds}, {@link #membership}) the member's address is contacted as one more seed.
     */
    public Builder member(String memberId, InetSocketAddress address) {
      members.put(NodeId.of(memberId), Objects.requireNonNull(address, "address"));
      return this;
    }

    /**
     * Adds a member of the (static) cluster, where it receives packets and where it receives on
     * its {@linkplain #largeMessageTransport large-message transport}.
     */
    public Builder member(
        String memberId, InetSocketAddress address, InetSocketAddress largeMessageAddress) {
      member(memberId, address);
      largeAddresses.put(
          NodeId.of(memberId), Objects.requireNonNull(largeMessageAddress, "largeMessageAddress"));
      return this;
    }

    /**
     * Builds the node (not started).
     *
     * @throws IllegalStateException if a required part is missing, if the configuration requires
     *     signatures and no verifier is set, or if the signer cannot sign for this node's id
     */
    public GossipNode build() {
      if (id == null) {
        throw new IllegalStateException("id is required: call id(\"...\")");
      }
      if (transport == null) {
        throw new IllegalStateException("transport is required: call transport(...)");
      }
      if (protector == null) {
        throw new IllegalStateException(
            "no packet protector configured for node " + id + ": install a key with gossip-crypto,"
                + " or choose PacketProtector.plaintext() explicitly (tests and trusted networks"
                + " only)");
      }
      if (config.requireSignatures() && verifier == null) {
        throw new IllegalStateException(
            "node " + id + " requires signatures but has no verifier: every received entry would"
                + " be dropped; call verifier(...) or requireSignatures(false)");
      }
      if (signer != null && !signer.signsFor(id)) {
        throw new IllegalStateException(
            "node " + id + " was given a signer that cannot sign for " + id + ": every write of"
                + " this node would be refused; give it a signer made with its own id and key");
      }
      Codec c = codec != null ? codec : new KryoCodec(config);
      Supplier<DisseminationStrategy> s = strategy != null ? strategy : defaultStrategy(config);
      EngineEnvironment.Builder env =
          EngineEnvironment.builder()
              .mergePolicy(mergePolicy)
              .clock(clock)
              .random(random != null ? random : RandomSource.fromSecureSeed())
              .signer(signer)
              .verifier(verifier);
      if (seeds != null || membershipConfig != null) {
        if (failureDetector != null) {
          throw new IllegalStateException("node " + id + " has SWIM membership, which detects"
              + " failures with its own probes: a failureDetector applies to a static member"
              + " list only; remove one of them");
        }
        return buildWithSwim(c, s, env);
      }
      List<NodeId> ring = new ArrayList<>(members.keySet());
      if (!ring.contains(id)) {
        ring.add(id);
      }
      ring.sort(null);
      StaticMembership membership = new StaticMembership(ring.toArray(new NodeId[0]));
      int self = ring.indexOf(id);
      FailureDetector fd = failureDetector;
      return new DefaultGossipNode(
          id, config, transport, largeTransport, protector, c, members, largeAddresses, env, null,
          fd,
          e -> new GossipEngine(id, e, s.get(), fd == null ? membership.viewOf(self)
              : FilteredPeersView.judgedBy(membership.viewOf(self), fd, e.clock)));
    }

    private GossipNode buildWithSwim(
        Codec c, Supplier<DisseminationStrategy> s, EngineEnvironment.Builder env) {
      List<InetSocketAddress> listed = List.copyOf(members.values());
      SeedProvider given = seeds;
      SeedProvider all;
      if (given == null) {
        all = SeedProvider.of(listed);
      } else if (listed.isEmpty()) {
        all = given;
      } else {
        all = () -> {
          List<InetSocketAddress> both = new ArrayList<>(given.seeds());
          both.addAll(listed);
          return both;
        };
      }
      // One message must fit one packet once enveloped (version, id length, id) and sealed.
      int budget =
          Math.min(config.maxPacketBytes(), transport.maxPayloadBytes())
              - protector.overheadBytes() - 2 - id.value().getBytes(StandardCharsets.UTF_8).length;
      if (budget < 64) {
        throw new IllegalStateException("node " + id + ": packets of " + config.maxPacketBytes()
            + " bytes leave " + budget + " bytes for a membership message after the envelope and"
            + " the protector's overhead; raise maxPacketBytes");
      }
      // Member lists may take a whole packet of the large-message transport, if there is one.
      int listBudget = largeTransport == null ? budget
          : Math.min(c.maxMessageBytes(), largeTransport.maxPayloadBytes())
              - protector.overheadBytes() - 2 - id.value().getBytes(StandardCharsets.UTF_8).length;
      MembershipConfig m = membershipConfig != null ? membershipConfig : MembershipConfig.lan();
      Transport t = transport;
      SwimMembership[] swim = new SwimMembership[1];
      return new DefaultGossipNode(
          id, config, transport, largeTransport, protector, c, Map.of(), largeAddresses, env,
          (e, out) ->
              swim[0] =
                  SwimMembership.builder()
                      .self(id, t::localAddress)
                      .config(config, m)
                      .seeds(all)
                      .runtime(e.clock, e.scheduler, e.random, e.counters)
                      .transport(out)
                      .sizer(c::encodedSize, budget)
                      .listBudget(Math.max(budget, listBudget))
                      .build(),
          null,
          e -> new GossipEngine(id, e, s.get(), swim[0].peers()));
    }
  }
}
