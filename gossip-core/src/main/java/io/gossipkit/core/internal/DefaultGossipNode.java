package io.gossipkit.core.internal;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.ChangeListener;
import io.gossipkit.api.Codec;
import io.gossipkit.api.CodecException;
import io.gossipkit.api.Entry;
import io.gossipkit.api.FailureDetector;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.NodeMetrics;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.ReplicaStore;
import io.gossipkit.api.Subscription;
import io.gossipkit.api.Transport;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.MembershipMessage;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.core.EngineEnvironment;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.core.MessageSink;
import io.gossipkit.core.internal.wire.MessageSplitter;
import io.gossipkit.core.internal.wire.PacketAssembler;
import io.gossipkit.core.internal.wire.TrafficClass;
import io.gossipkit.core.membership.MembershipTransport;
import io.gossipkit.core.membership.SwimMembership;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Internal: may change at any time. The production {@link GossipNode}: one {@link GossipEngine}
 * on its own single thread, wired to a transport through the codec and the packet protector.
 *
 * <p>Outbound messages are encoded at once and queued per peer and traffic class in a {@link
 * PacketAssembler}; at the end of every task of the node's executor the queues are packed into
 * compound packets, each sealed once and sent. A message too large for one datagram goes over the
 * large-message transport if one is configured, else is split ({@link MessageSplitter}) where the
 * protocol allows, else dropped, counted ({@code dropped.oversized_out}) and logged. {@link #put}
 * refuses a value whose message could never be sent.
 *
 * <p>Inbound packets are opened (authenticated) and decoded on the transport's thread; a packet
 * whose every message decodes reaches the engine's thread as one task; one malformed message
 * drops the whole packet. Anything refused is dropped, counted by reason and logged at most once
 * a minute per reason.
 *
 * <p>Membership is either the fixed address map it is given or, with a {@link
 * MembershipFactory}, a {@link SwimMembership}: then membership messages go to it, peers' addresses
 * come from it and {@link #members()} reports it.
 * SWIM's messages leave at once as packets of their own (probe timeouts are measured from the
 * send); its updates ride on its own pings, acks and gossip. Letting them also fill the spare
 * room of compound packets (the assembler's piggyback hook) would spend their few retransmissions
 * on whichever peers the node happens to be answering rather than on random members; with it
 * wired, one CI run saw a LEFT miss a node within SwimUdpClusterTest's 10 s, so it is not wired.
 */
public final class DefaultGossipNode implements GossipNode {
  /** Internal: makes a node's SWIM membership once the node's executor and counters exist. */
  @FunctionalInterface
  public interface MembershipFactory {
    /** The membership of the node whose environment is {@code env}, sending through {@code out}. */
    SwimMembership create(EngineEnvironment env, MembershipTransport out);
  }

  private static final System.Logger LOG = System.getLogger("io.gossipkit.core");
  private static final long LOG_EVERY_NANOS = 60_000_000_000L;
  /** Most packets to one peer per flush; the rest follow in the next task (a burst of ~90 KB). */
  private static final int MAX_PACKETS_PER_FLUSH = 64;
  /** Flushes a closing node makes of what is still queued: up to 64 x 64 packets. */
  private static final int MAX_CLOSING_FLUSHES = 64;

  private final NodeId id;
  private final GossipConfig config;
  /** Bytes of received packets decoded and queued for the node's thread, not yet delivered. */
  private final AtomicLong inboundBacklog = new AtomicLong();
  /**
   * What the transports deliver to: packets to {@link #onPacket}, and saturated at half the
   * backlog limit, so a stream transport pauses reading well before packets would be dropped.
   */
  private final Transport.Receiver inbound = new Transport.Receiver() {
    @Override
    public void onPacket(InetSocketAddress from, byte[] packet) {
      DefaultGossipNode.this.onPacket(from, packet);
    }

    @Override
    public boolean isSaturated() {
      return inboundBacklog.get() > config.maxInboundBacklogBytes() / 2;
    }
  };
  private final Transport transport;
  private final Transport largeTransport;
  private final PacketProtector protector;
  private final Codec codec;
  private final Map<NodeId, InetSocketAddress> addresses;
  /**
   * With SWIM: where senders the member table does not hold yet sent from, most recent last, at
   * most {@value #MAX_REPLY_ADDRESSES}. A member that has just joined reaches others before news
   * of its join does; without this, their answers to it (its first anti-entropy exchange, a rumor
   * request) were dropped as for an unknown peer. Only senders whose packets opened under the
   * cluster's key get here. Used on the node's executor only.
   */
  private final LinkedHashMap<NodeId, InetSocketAddress> replyAddresses =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<NodeId, InetSocketAddress> eldest) {
          return size() > MAX_REPLY_ADDRESSES;
        }
      };

  /** Most senders unknown to the member table whose address is kept for replies. */
  static final int MAX_REPLY_ADDRESSES = 256;
  private final Map<NodeId, InetSocketAddress> largeAddresses;
  private final PacketAssembler assembler;
  /** Bytes sealing adds to a packet of this node, measured once: the budget's true overhead. */
  private final int sealOverhead;
  /**
   * Largest packet opened: a whole message or a whole datagram, whichever is larger, plus the
   * most any sender's sealing and envelope add.
   */
  private final int maxInboundBytes;
  /** Largest encoded message one packet of the large-message transport holds; 0 without one. */
  private final int largeMessageBytes;
  private final ScheduledExecutorService executor;
  private final GossipEngine engine;
  /** Null with a static member list. */
  private final SwimMembership membership;
  /** Fed a heartbeat per message a peer sends; null for none. */
  private final FailureDetector detector;
  private final EngineEnvironment env;
  private final byte[] associatedData;
  private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, LongAdder> wireCounters = new ConcurrentHashMap<>();
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Thread thread;

  /**
   * Wires a node; called by {@code GossipNodes.Builder}.
   *
   * @param largeTransport carries messages too large for one datagram of {@code transport}, or
   *     null for none
   * @param largeAddresses where each peer receives on {@code largeTransport}; a peer not listed
   *     receives at its datagram address
   * @param membershipFactory makes the node's SWIM membership, or null for the static {@code
   *     addresses}; it is made before the engine, so the engine factory may use its peer view
   * @param detector told of every message a peer sends (a heartbeat), on the node's executor;
   *     null for none
   * @param engineFactory makes the engine from the environment built here
   */
  public DefaultGossipNode(
      NodeId id,
      GossipConfig config,
      Transport transport,
      Transport largeTransport,
      PacketProtector protector,
      Codec codec,
      Map<NodeId, InetSocketAddress> addresses,
      Map<NodeId, InetSocketAddress> largeAddresses,
      EngineEnvironment.Builder envBuilder,
      MembershipFactory membershipFactory,
      FailureDetector detector,
      Function<EngineEnvironment, GossipEngine> engineFactory) {
    this.id = id;
    this.config = config;
    this.transport = transport;
    this.largeTransport = largeTransport;
    this.protector = protector;
    this.codec = codec;
    this.addresses = Map.copyOf(addresses);
    this.largeAddresses = Map.copyOf(largeAddresses);
    this.associatedData = ("gossipkit/1/" + config.clusterLabel()).getBytes(StandardCharsets.UTF_8);
    // Sealing adds a fixed number of bytes per sender (the AEADs: 55 + the sender id's length),
    // usually far fewer than overheadBytes(), which bounds any sender's. Measured, it leaves the
    // datagram budget to the messages; send() still checks every sealed packet against the limit.
    this.sealOverhead = protector.seal(new byte[0], associatedData).length;
    int plaintextBudget = transport.maxPayloadBytes() - sealOverhead;
    int largest = Math.max(config.maxMessageBytes(), transport.maxPayloadBytes());
    if (largeTransport != null) {
      largest = Math.max(largest, largeTransport.maxPayloadBytes());
    }
    this.maxInboundBytes = largest + protector.overheadBytes() + 258;
    this.largeMessageBytes = largeTransport == null ? 0 : Math.min(codec.maxMessageBytes(),
        largeTransport.maxPayloadBytes() - sealOverhead - WireEnvelope.headerBytes(id));
    this.assembler =
        new PacketAssembler(
            id,
            plaintextBudget,
            // Per peer and class: 64 full packets, a burst no strategy needs in one event.
            64L * plaintextBudget,
            MAX_PACKETS_PER_FLUSH,
            (reason, count, detail) -> drop(reason, count, detail));
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "gossip-" + id);
              t.setDaemon(true);
              thread = t;
              return t;
            }) {
          @Override
          protected void afterExecute(Runnable r, Throwable t) {
            // The end of every task (timer, received packet, local write): what it queued for
            // each peer leaves now, packed, so packing adds no latency.
            flushPackets();
          }
        };
    // Sync splits what it sends into messages of at most this: one that fits a packet of the
    // large-message transport if there is one (its chunks then go over it), else one that fits a
    // datagram with the packet's framing.
    int budget = largeTransport != null ? largeMessageBytes : assembler.maxMessageBytes();
    this.env =
        envBuilder
            .messageBudget(Math.max(64, budget))
            .config(config)
            .scheduler(new ExecutorScheduler(executor,
                e -> drop("errors.timer", "a timer task failed: " + e)))
            .sink(new MessageSink() {
              @Override
              public void send(NodeId from, NodeId to, GossipMessage message) {
                DefaultGossipNode.this.send(to, message);
              }

              @Override
              public void flush() {
                flushPackets();
              }
            })
            .build();
    this.membership = membershipFactory == null ? null : membershipFactory.create(env, this::sendTo);
    this.detector = detector;
    this.engine = engineFactory.apply(env);
    engine.listener(
        (previous, current) -> {
          for (ChangeListener l : listeners) {
            try {
              l.onChange(previous, current);
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, "change listener threw; continuing", e);
            }
          }
        });
  }

  @Override
  public NodeId id() {
    return id;
  }

  @Override
  public void start() {
    ensureOpen();
    if (!started.compareAndSet(false, true)) {
      return;
    }
    try {
      transport.start(inbound);
      if (largeTransport != null) {
        largeTransport.start(inbound);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "node " + id + " could not start its transport: " + e.getMessage(), e);
    }
    call(
        () -> {
          engine.start();
          if (membership != null) {
            membership.start();
          }
          return null;
        });
    LOG.log(
        Level.INFO,
        "node {0} started on {1} with {2} protection and {3}",
        id,
        transport.localAddress(),
        protector.name(),
        membership != null ? "SWIM membership"
            : (addresses.size() - (addresses.containsKey(id) ? 1 : 0)) + " peers");
  }

  @Override
  public Version put(String key, byte[] value) {
    checkWrite(key, value);
    byte[] copy = value.clone();
    return call(() -> engine.put(key, copy));
  }

  /** Refuses, at the call site, a key or value that {@link #put} or {@link #putAll} must not take. */
  private void checkWrite(String key, byte[] value) {
    checkKey(key);
    if (value.length > config.maxValueBytes()) {
      throw new IllegalArgumentException(
          "value of " + value.length + " bytes exceeds maxValueBytes " + config.maxValueBytes());
    }
    checkSendable(key, value);
  }

  /** Keys one task of {@link #putAll} writes, so the node keeps serving during a long load. */
  private static final int PUT_ALL_SLICE = 4096;

  @Override
  public Map<String, Version> putAll(Map<String, byte[]> entries) {
    List<String> keys = new ArrayList<>(entries.size());
    List<byte[]> values = new ArrayList<>(entries.size());
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      String key = e.getKey();
      byte[] value = e.getValue();
      checkWrite(key, value);
      keys.add(key);
      values.add(value.clone());
    }
    Map<String, Version> versions = new LinkedHashMap<>();
    for (int from = 0; from < keys.size(); from += PUT_ALL_SLICE) {
      int start = from;
      int end = Math.min(keys.size(), from + PUT_ALL_SLICE);
      Version[] slice = call(() -> {
        Version[] vs = new Version[end - start];
        for (int i = start; i < end; i++) {
          vs[i - start] = engine.put(keys.get(i), values.get(i));
        }
        return vs;
      });
      for (int i = start; i < end; i++) {
        versions.put(keys.get(i), slice[i - start]);
      }
    }
    return versions;
  }

  /**
   * Refuses, at the call site, a write whose message could never be sent: larger than one
   * datagram without a large-message transport, or larger than the codec or that transport
   * allow. Measured on the largest message that carries a single entry (a rumor reply with its
   * flags and feedback mask), signed if this node signs; larger messages are split per entry.
   */
  private void checkSendable(String key, byte[] value) {
    Entry probe = Entry.of(key, value, Version.of(Long.MAX_VALUE, id));
    if (env.signer() != null) {
      probe = probe.withSignature(new byte[Entry.SIGNATURE_BYTES]);
    }
    int size = codec.encodedSize(new RumorReply(List.of(probe), List.of(), 0, true));
    if (size > codec.maxMessageBytes()) {
      throw new IllegalArgumentException(
          "value of " + value.length + " bytes for key '" + key + "' makes a message of " + size
              + " bytes, more than maxMessageBytes " + codec.maxMessageBytes()
              + "; raise GossipConfig.maxMessageBytes or write a smaller value");
    }
    if (size <= assembler.maxMessageBytes()) {
      return;
    }
    if (largeTransport == null) {
      throw new IllegalArgumentException(
          "value of " + value.length + " bytes for key '" + key + "' makes a message of " + size
              + " bytes, but one datagram of " + transport.maxPayloadBytes() + " bytes holds at"
              + " most " + assembler.maxMessageBytes() + " bytes of message (after " + sealOverhead
              + " bytes of sealing and the envelope): configure a large-message transport"
              + " (GossipNodes.builder(..).largeMessageTransport(tcpTransport)) or raise the"
              + " packet budget (UdpTransport.builder().maxPacketBytes(..), up to 65,507)");
    }
    if (size > largeMessageBytes) {
      throw new IllegalArgumentException(
          "value of " + value.length + " bytes for key '" + key + "' makes a message of " + size
              + " bytes, more than the " + largeMessageBytes + " bytes the large-message"
              + " transport carries in one packet of " + largeTransport.maxPayloadBytes()
              + " bytes; raise its limit or write a smaller value");
    }
  }

  @Override
  public Version delete(String key) {
    checkKey(key);
    return call(() -> engine.delete(key));
  }

  private void checkKey(String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > config.maxKeyBytes()) {
      throw new IllegalArgumentException(
          "key of " + bytes + " UTF-8 bytes exceeds maxKeyBytes " + config.maxKeyBytes());
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    return call(
        () -> {
          Entry e = engine.store().get(key);
          return e == null || e.isTombstone() ? Optional.<byte[]>empty() : Optional.of(e.value());
        });
  }

  @Override
  public Map<String, byte[]> snapshot() {
    return call(
        () -> {
          Map<String, byte[]> out = new LinkedHashMap<>();
          engine.store().forEach(
              e -> {
                if (!e.isTombstone()) {
                  out.put(e.key(), e.value());
                }
              });
          return out;
        });
  }

  @Override
  public Subscription subscribe(ChangeListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void leave() {
    if (membership != null) {
      call(
          () -> {
            membership.leave();
            return null;
          });
    }
  }

  @Override
  public List<Member> members() {
    if (membership != null) {
      return call(membership::members);
    }
    if (detector != null) {
      // The detector belongs to the node's thread; a member it finds unavailable is suspected,
      // which is also how the strategies see it.
      return call(this::staticMembers);
    }
    return staticMembers();
  }

  /** The static list, each member ALIVE unless the failure detector finds it unavailable. */
  private List<Member> staticMembers() {
    long now = env.clock().millis();
    List<Member> out = new ArrayList<>();
    addresses.forEach((memberId, address) -> out.add(new Member(memberId, address,
        detector == null || detector.isAvailable(memberId, now) ? MemberState.ALIVE
            : MemberState.SUSPECT, 0)));
    if (!addresses.containsKey(id)) {
      out.add(new Member(id, transport.localAddress(), MemberState.ALIVE, 0));
    }
    out.sort((a, b) -> a.id().compareTo(b.id()));
    return out;
  }

  @Override
  public NodeMetrics metrics() {
    Map<String, Long> all = call(() -> {
      Map<String, Long> m = new HashMap<>(env.counters().snapshot());
      // Current values, not counts: what the replica holds now, for sizing its memory.
      ReplicaStore store = engine.store();
      m.put("replica.entries", (long) store.size());
      if (store instanceof VersionedStore) {
        VersionedStore v = (VersionedStore) store;
        m.put("replica.tombstones", (long) v.tombstones());
        m.put("replica.delete_records", (long) v.deleteRecords());
      }
      return m;
    });
    wireCounters.forEach((k, v) -> all.merge(k, v.sum(), Long::sum));
    // The transports' own counters (socket-level drops the node never sees), under a prefix.
    transport.metrics().forEach((k, v) -> all.put("transport." + k, v));
    if (largeTransport != null) {
      largeTransport.metrics().forEach((k, v) -> all.put("large_transport." + k, v));
    }
    return new NodeMetrics(all);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.submit(
          () -> {
            engine.stop();
            if (membership != null) {
              membership.stop();
            }
            // What the last tasks queued (a leave's notices, a burst's tail) goes now: the
            // flushes that would have followed as tasks of their own are discarded below.
            for (int i = 0; i < MAX_CLOSING_FLUSHES && assembler.flush(this::sendPacket); i++) {
              // each pass sends at most MAX_PACKETS_PER_FLUSH packets
            }
            int left = assembler.queuedMessages();
            if (left > 0) {
              drop("dropped.send_refused", left, left + " messages still queued at close");
            }
          }).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RejectedExecutionException e) {
      LOG.log(Level.DEBUG, "stopping engine of " + id, e);
    }
    executor.shutdownNow();
    transport.close();
    if (largeTransport != null) {
      largeTransport.close();
    }
  }

  /**
   * Sets the source of piggybacked filler for room left in packets (membership updates); runs
   * on the node's executor. Internal wiring, not API.
   */
  public void piggyback(PacketAssembler.Piggyback source) {
    call(
        () -> {
          assembler.piggyback(source);
          return null;
        });
  }

  // ------------------------------------------------------------------ wire

  /** The engine's sink: encode now, queue for the peer; the end of the task sends it. */
  private void send(NodeId to, GossipMessage message) {
    if (addressOf(to) == null) {
      drop("dropped.unknown_peer", "no address for peer " + to);
      return;
    }
    // Encoded first, without sizing it beforehand (the codec writes once into a scratch buffer):
    // a stream's chunks, the bulk of what a node sends, are walked once here. Only a message the
    // codec refuses is sized on its own, to tell one over the codec's limit (split below) from
    // one that cannot be encoded at all.
    int max = assembler.maxMessageBytes();
    byte[] encoded;
    int size;
    try {
      encoded = codec.encode(message);
      size = encoded.length;
    } catch (CodecException e) {
      size = sizeOf(message);
      if (size < 0 || size <= codec.maxMessageBytes()) {
        drop("dropped.encode", "could not encode " + message.getClass().getSimpleName() + ": "
            + e.getMessage());
        return;
      }
      encoded = null;
    }
    if (encoded != null && size <= max) {
      queue(to, message, encoded);
      return;
    }
    if (largeTransport != null && size <= largeMessageBytes) {
      if (encoded == null) {
        encoded = encode(message);
      }
      if (encoded != null) {
        sendLarge(to, encoded);
      }
      return;
    }
    MessageSplitter.Result split = MessageSplitter.split(message, codec, max);
    if (split == null) {
      drop("dropped.oversized_out", message.getClass().getSimpleName() + " of " + size
          + " bytes does not fit a datagram (at most " + max + " bytes of message) and cannot be"
          + " split; configure a large-message transport or raise the packet budget");
      return;
    }
    if (split.leftOut() > 0) {
      drop("dropped.oversized_out", split.leftOut(), split.leftOut() + " element(s) of a "
          + message.getClass().getSimpleName() + " for " + to + " do not fit a datagram even"
          + " alone (at most " + max + " bytes of message); configure a large-message transport"
          + " or raise the packet budget");
    }
    count("messages.split");
    for (GossipMessage piece : split.pieces()) {
      byte[] bytes = encode(piece);
      if (bytes == null) {
        continue;
      }
      if (bytes.length > max) {
        // Only a codec whose encodedSize disagrees with encode gets here.
        drop("dropped.oversized_out", piece.getClass().getSimpleName() + " piece of "
            + bytes.length + " bytes still does not fit a datagram (codec sizes disagree)");
        continue;
      }
      queue(to, piece, bytes);
    }
  }

  /** Queues an encoded message; a peer with a full packet's worth gets it now. */
  private void queue(NodeId to, GossipMessage message, byte[] encoded) {
    if (assembler.offer(to, TrafficClass.of(message, encoded), encoded)) {
      assembler.flushFull(to, this::sendPacket);
    }
  }

  private int sizeOf(GossipMessage message) {
    try {
      return codec.encodedSize(message);
    } catch (RuntimeException unknownType) {
      return -1;
    }
  }

  private byte[] encode(GossipMessage message) {
    try {
      return codec.encode(message);
    } catch (CodecException e) {
      drop("dropped.encode", "could not encode " + message.getClass().getSimpleName() + ": "
          + e.getMessage());
      return null;
    }
  }

  /** One message alone over the large-message transport, in a version-1 envelope. */
  private void sendLarge(NodeId to, byte[] encoded) {
    InetSocketAddress address = largeAddresses.getOrDefault(to, addressOf(to));
    transmit(largeTransport, to, address, WireEnvelope.wrap(id, encoded), 1);
  }

  /** Runs after every executor task: packs and sends what the task queued. */
  private void flushPackets() {
    try {
      if (assembler.flush(this::sendPacket)) {
        // More than one flush's worth for some peer: the rest goes in a task of its own, after
        // whatever is already waiting, so other events are not held up behind a burst.
        executor.execute(() -> {});
      }
    } catch (RejectedExecutionException closing) {
      // Closing: what is left would go nowhere.
    } catch (RuntimeException e) {
      // Never let a failure here kill the node's only thread.
      drop("dropped.send_refused", "packing failed: " + e);
    }
  }

  private void sendPacket(NodeId to, byte[] plaintext, int messages) {
    transmit(transport, to, addressOf(to), plaintext, messages);
  }

  /**
   * Where {@code peer} receives datagrams: from SWIM if it runs (for a sender SWIM does not hold
   * yet, where its last packet came from: {@link #replyAddresses}), else the static map.
   */
  private InetSocketAddress addressOf(NodeId peer) {
    if (membership == null) {
      return addresses.get(peer);
    }
    InetSocketAddress a = membership.addressOf(peer);
    return a != null ? a : replyAddresses.get(peer);
  }

  /**
   * SWIM's sends, by address (a seed's id is not known before it answers): one message, one
   * packet, at once, since probe timeouts are measured from this moment.
   */
  private void sendTo(InetSocketAddress address, GossipMessage message) {
    byte[] encoded = encode(message);
    if (encoded == null) {
      return;
    }
    if (encoded.length > assembler.maxMessageBytes()) {
      if (largeTransport != null && encoded.length <= largeMessageBytes) {
        // A member list larger than a datagram (a push-pull in a large cluster), sized for the
        // large-message transport: whole, at the member's address there, which with SWIM is the
        // same as its datagram address (TCP and UDP share the port, as with memberlist).
        transmit(largeTransport, null, address, WireEnvelope.wrap(id, encoded), 1);
        return;
      }
      drop("dropped.oversized_out", message.getClass().getSimpleName() + " of " + encoded.length
          + " bytes does not fit a datagram (at most " + assembler.maxMessageBytes() + ")");
      return;
    }
    transmit(transport, null, address, WireEnvelope.wrap(id, encoded), 1);
  }

  private void transmit(Transport via, NodeId to, InetSocketAddress address, byte[] plaintext,
      int messages) {
    if (address == null) {
      // The peer left the membership between queueing and sending.
      drop("dropped.unknown_peer", messages, "no address for peer " + to);
      return;
    }
    byte[] sealed = protector.seal(plaintext, associatedData);
    if (sealed.length > via.maxPayloadBytes()) {
      // Only a protector whose overhead varies gets here: the budget assumed the measured one.
      drop("dropped.oversized_out", messages, "packet of " + sealed.length + " bytes exceeds the"
          + " transport's " + via.maxPayloadBytes());
      return;
    }
    if (via.send(address, sealed)) {
      countAdd("messages.sent", messages);
      count("packets.sent");
      countAdd("bytes.sent", sealed.length);
    } else {
      drop("dropped.send_refused", messages, "transport refused a packet to " + to + " at "
          + address);
    }
  }

  private void onPacket(InetSocketAddress from, byte[] packet) {
    if (closed.get()) {
      return;
    }
    countAdd("bytes.received", packet.length);
    count("packets.received");
    if (packet.length > maxInboundBytes) {
      drop("dropped.oversized", "packet of " + packet.length + " bytes from " + from);
      return;
    }
    long waiting = inboundBacklog.get();
    if (waiting > 0 && waiting + packet.length > config.maxInboundBacklogBytes()) {
      // Refused before it is opened or decoded: under overload the node spends nothing on it.
      // (Transport threads check and add apart, so the backlog may pass the limit by a packet
      // per thread.)
      drop("dropped.backlog", "packet of " + packet.length + " bytes from " + from
          + " dropped: " + waiting + " bytes of received packets already wait for the node's"
          + " thread (maxInboundBacklogBytes " + config.maxInboundBacklogBytes() + ")");
      return;
    }
    byte[] plain;
    try {
      plain = protector.open(packet, associatedData);
    } catch (AuthenticationException e) {
      String why = String.valueOf(e.getMessage());
      // The protectors' refusals start with their reason (docs/security.md, "Limits and errors").
      String reason = why.startsWith("replayed packet") || why.startsWith("reflected packet")
          ? "dropped.replay" : "dropped.auth";
      drop(reason, "packet from " + from + " refused: " + why);
      return;
    } catch (RuntimeException e) {
      drop("dropped.auth", "packet from " + from + " could not be opened: " + e);
      return;
    }
    GossipMessage[] messages;
    NodeId sender;
    try {
      WireEnvelope envelope = WireEnvelope.read(plain, codec.maxMessageBytes());
      sender = envelope.sender();
      messages = new GossipMessage[envelope.messageCount()];
      for (int i = 0; i < messages.length; i++) {
        messages[i] = codec.decode(plain, envelope.messageOffset(i), envelope.messageLength(i));
      }
    } catch (CodecException e) {
      drop("dropped.malformed", "malformed packet from " + from + ": " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      drop("dropped.malformed", "malformed packet from " + from + ": " + e);
      return;
    }
    countAdd("messages.received", messages.length);
    int size = packet.length;
    inboundBacklog.addAndGet(size);
    try {
      // One task per packet: the replies to all its messages share the flush at its end.
      executor.execute(
          () -> {
            try {
              for (GossipMessage m : messages) {
                deliverGuarded(sender, from, m);
              }
            } finally {
              inboundBacklog.addAndGet(-size);
            }
          });
    } catch (RejectedExecutionException closing) {
      // Closed while this packet was in flight: nothing to do.
      inboundBacklog.addAndGet(-size);
    }
  }

  /**
   * Delivers one message; a handler that throws (a merge policy, strategy or detector, often the
   * user's) costs that message only, counted and logged, not the rest of its packet nor the
   * node's thread.
   */
  private void deliverGuarded(NodeId sender, InetSocketAddress from, GossipMessage message) {
    try {
      deliver(sender, from, message);
    } catch (RuntimeException e) {
      drop("dropped.handler_error", message.getClass().getSimpleName() + " from " + sender
          + " failed in its handler: " + e);
    }
  }

  private void deliver(NodeId sender, InetSocketAddress from, GossipMessage message) {
    if (detector != null && addresses.containsKey(sender)) {
      // The packet opened under the cluster's key, so the sender is a member that is alive.
      // Only the static list's members are tracked: the detector keeps a history per id, and a
      // key holder could otherwise fill it with ids it makes up.
      detector.heartbeat(sender, env.clock().millis());
    }
    if (!(message instanceof MembershipMessage)) {
      if (membership != null && membership.addressOf(sender) == null && from != null) {
        replyAddresses.put(sender, from);
      }
      engine.receive(sender, message);
    } else if (membership != null && !engine.isStopped()) {
      membership.receive(sender, from, (MembershipMessage) message);
    } else {
      count("dropped.no_membership");
    }
  }

  private void count(String name) {
    countAdd(name, 1);
  }

  private void countAdd(String name, long delta) {
    wireCounters.computeIfAbsent(name, k -> new LongAdder()).add(delta);
  }

  private void drop(String reason, String detail) {
    drop(reason, 1, detail);
  }

  private void drop(String reason, long count, String detail) {
    countAdd(reason, count);
    long now = System.nanoTime();
    Long last = lastLogged.get(reason);
    if (last == null || now - last > LOG_EVERY_NANOS) {
      lastLogged.put(reason, now);
      LOG.log(Level.WARNING, "node {0}: {1} ({2}; logged at most once a minute per reason)", id,
          detail, reason);
    }
  }

  // ------------------------------------------------------------------ threading

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("node " + id + " is closed");
    }
  }

  private <T> T call(Callable<T> task) {
    ensureOpen();
    if (Thread.currentThread() == thread) {
      try {
        return task.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    Future<T> f;
    try {
      f = executor.submit(task);
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("node " + id + " is closed", e);
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for node " + id, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IllegalStateException(cause);
    }
  }

  @Override
  public String toString() {
    return "GossipNode{" + id + "}";
  }
}
