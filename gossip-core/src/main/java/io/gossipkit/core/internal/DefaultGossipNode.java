package io.gossipkit.core.internal;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.ChangeListener;
import io.gossipkit.api.Codec;
import io.gossipkit.api.CodecException;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.NodeMetrics;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.Subscription;
import io.gossipkit.api.Transport;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.core.EngineEnvironment;
import io.gossipkit.core.GossipEngine;
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
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Internal: may change at any time. The production {@link GossipNode}: one {@link GossipEngine}
 * on its own single thread, wired to a transport through the codec and the packet protector.
 *
 * <p>Inbound packets are opened (authenticated) and decoded on the transport's thread; only a
 * decoded message from an authenticated sender reaches the engine's thread. Anything refused is
 * dropped, counted by reason and logged at most once a minute per reason.
 */
public final class DefaultGossipNode implements GossipNode {
  private static final System.Logger LOG = System.getLogger("io.gossipkit.core");
  private static final long LOG_EVERY_NANOS = 60_000_000_000L;

  private final NodeId id;
  private final GossipConfig config;
  private final Transport transport;
  private final PacketProtector protector;
  private final Codec codec;
  private final Map<NodeId, InetSocketAddress> addresses;
  private final ScheduledExecutorService executor;
  private final GossipEngine engine;
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
   * @param engineFactory makes the engine from the environment built here
   */
  public DefaultGossipNode(
      NodeId id,
      GossipConfig config,
      Transport transport,
      PacketProtector protector,
      Codec codec,
      Map<NodeId, InetSocketAddress> addresses,
      EngineEnvironment.Builder envBuilder,
      Function<EngineEnvironment, GossipEngine> engineFactory) {
    this.id = id;
    this.config = config;
    this.transport = transport;
    this.protector = protector;
    this.codec = codec;
    this.addresses = Map.copyOf(addresses);
    this.associatedData = ("gossipkit/1/" + config.clusterLabel()).getBytes(StandardCharsets.UTF_8);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gossip-" + id);
              t.setDaemon(true);
              thread = t;
              return t;
            });
    // Sync splits what it sends to fit one packet: the transport's payload less the seal and
    // the envelope (two bytes and the sender id).
    int budget =
        transport.maxPayloadBytes() - protector.overheadBytes() - 2
            - id.value().getBytes(StandardCharsets.UTF_8).length;
    this.env =
        envBuilder
            .messageBudget(Math.max(64, budget))
            .config(config)
            .scheduler(new ExecutorScheduler(executor))
            .sink((from, to, message) -> send(to, message))
            .build();
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
      transport.start(this::onPacket);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "node " + id + " could not start its transport: " + e.getMessage(), e);
    }
    call(
        () -> {
          engine.start();
          return null;
        });
    LOG.log(
        Level.INFO,
        "node {0} started on {1} with {2} protection and {3} peers",
        id,
        transport.localAddress(),
        protector.name(),
        addresses.size() - (addresses.containsKey(id) ? 1 : 0));
  }

  @Override
  public Version put(String key, byte[] value) {
    checkKey(key);
    if (value.length > config.maxValueBytes()) {
      throw new IllegalArgumentException(
          "value of " + value.length + " bytes exceeds maxValueBytes " + config.maxValueBytes());
    }
    byte[] copy = value.clone();
    return call(() -> engine.put(key, copy));
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
  public List<Member> members() {
    List<Member> out = new ArrayList<>();
    addresses.forEach((memberId, address) -> out.add(new Member(memberId, address, MemberState.ALIVE, 0)));
    if (!addresses.containsKey(id)) {
      out.add(new Member(id, transport.localAddress(), MemberState.ALIVE, 0));
    }
    out.sort((a, b) -> a.id().compareTo(b.id()));
    return out;
  }

  @Override
  public NodeMetrics metrics() {
    Map<String, Long> all = new HashMap<>(call(() -> env.counters().snapshot()));
    wireCounters.forEach((k, v) -> all.merge(k, v.sum(), Long::sum));
    return new NodeMetrics(all);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.submit(engine::stop).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RejectedExecutionException e) {
      LOG.log(Level.DEBUG, "stopping engine of " + id, e);
    }
    executor.shutdownNow();
    transport.close();
  }

  // ------------------------------------------------------------------ wire

  private void send(NodeId to, GossipMessage message) {
    InetSocketAddress address = addresses.get(to);
    if (address == null) {
      drop("dropped.unknown_peer", "no address for peer " + to);
      return;
    }
    byte[] encoded;
    try {
      encoded = codec.encode(message);
    } catch (CodecException e) {
      drop("dropped.encode", "could not encode " + message.getClass().getSimpleName() + ": "
          + e.getMessage());
      return;
    }
    byte[] sealed = protector.seal(WireEnvelope.wrap(id, encoded), associatedData);
    if (sealed.length > transport.maxPayloadBytes()) {
      drop("dropped.oversized_out", "packet of " + sealed.length + " bytes exceeds the transport's "
          + transport.maxPayloadBytes());
      return;
    }
    if (transport.send(address, sealed)) {
      count("messages.sent");
      countAdd("bytes.sent", sealed.length);
    } else {
      drop("dropped.send_refused", "transport refused a packet to " + to);
    }
  }

  private void onPacket(InetSocketAddress from, byte[] packet) {
    if (closed.get()) {
      return;
    }
    countAdd("bytes.received", packet.length);
    if (packet.length > config.maxMessageBytes() + protector.overheadBytes() + 258) {
      drop("dropped.oversized", "packet of " + packet.length + " bytes from " + from);
      return;
    }
    byte[] plain;
    try {
      plain = protector.open(packet, associatedData);
    } catch (AuthenticationException e) {
      drop("dropped.auth", "packet from " + from + " failed authentication: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      drop("dropped.auth", "packet from " + from + " could not be opened: " + e);
      return;
    }
    GossipMessage message;
    NodeId sender;
    try {
      WireEnvelope envelope = WireEnvelope.read(plain);
      sender = envelope.sender();
      message = codec.decode(plain, envelope.messageOffset(), plain.length - envelope.messageOffset());
    } catch (CodecException e) {
      drop("dropped.malformed", "malformed packet from " + from + ": " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      drop("dropped.malformed", "malformed packet from " + from + ": " + e);
      return;
    }
    count("messages.received");
    try {
      executor.execute(() -> engine.receive(sender, message));
    } catch (RejectedExecutionException closing) {
      // Closed while this packet was in flight: nothing to do.
    }
  }

  private void count(String name) {
    countAdd(name, 1);
  }

  private void countAdd(String name, long delta) {
    wireCounters.computeIfAbsent(name, k -> new LongAdder()).add(delta);
  }

  private void drop(String reason, String detail) {
    count(reason);
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
