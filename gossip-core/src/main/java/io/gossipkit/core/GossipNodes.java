package io.gossipkit.core;

import io.gossipkit.api.Clock;
import io.gossipkit.api.Codec;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.EntrySigner;
import io.gossipkit.api.EntryVerifier;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.Transport;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.core.internal.DefaultGossipNode;
import java.net.InetSocketAddress;
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
    private PacketProtector protector;
    private Codec codec;
    private Supplier<DisseminationStrategy> strategy;
    private MergePolicy mergePolicy = MergePolicy.lastWriterWins();
    private Clock clock = Clock.system();
    private RandomSource random;
    private EntrySigner signer;
    private EntryVerifier verifier;
    private final Map<NodeId, InetSocketAddress> members = new LinkedHashMap<>();

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

    /** Adds a member of the (static) cluster and where it receives packets. */
    public Builder member(String memberId, InetSocketAddress address) {
      members.put(NodeId.of(memberId), Objects.requireNonNull(address, "address"));
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
      List<NodeId> ring = new ArrayList<>(members.keySet());
      if (!ring.contains(id)) {
        ring.add(id);
      }
      ring.sort(null);
      StaticMembership membership = new StaticMembership(ring.toArray(new NodeId[0]));
      int self = ring.indexOf(id);
      EngineEnvironment.Builder env =
          EngineEnvironment.builder()
              .mergePolicy(mergePolicy)
              .clock(clock)
              .random(random != null ? random : RandomSource.fromSecureSeed())
              .signer(signer)
              .verifier(verifier);
      return new DefaultGossipNode(
          id, config, transport, protector, c, members, env,
          e -> new GossipEngine(id, e, s.get(), membership.viewOf(self)));
    }
  }
}
