package io.gossipkit.transport.tcp;

import static io.gossipkit.api.internal.Arguments.atLeastOneMilli;

import io.gossipkit.api.Transport;
import io.gossipkit.crypto.handshake.HandshakeConfig;
import io.gossipkit.crypto.handshake.SecureChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.function.Supplier;

/**
 * A {@link Transport} over TCP: length-prefixed frames on Netty stream channels, each connection
 * mutually authenticated by the {@code gossip-crypto} handshake before any application frame, and
 * every frame sealed by the session's {@link SecureChannel}. Meant for what does not fit a
 * datagram: full-state sync and large values. Native epoll is used when available, NIO otherwise.
 *
 * <pre>{@code
 * HandshakeConfig hs = HandshakeConfig.builder()
 *     .clusterLabel("prod").localNode(NodeId.of("node-1")).preSharedKey(psk).clock(Clock.system())
 *     .maxFrameBytes(TcpTransport.DEFAULT_MAX_FRAME_BYTES)   // at least the transport's limit
 *     .build();
 * TcpTransport tcp = TcpTransport.builder()
 *     .bind(new InetSocketAddress("0.0.0.0", 7947))
 *     .advertise(new InetSocketAddress("10.0.0.5", 7947))  // required when bound to a wildcard
 *     .handshake(hs)
 *     .build();
 * tcp.start((from, bytes) -> executor.execute(() -> node.receive(from, bytes)));
 * tcp.send(peerAddress, bytes);
 * }</pre>
 *
 * <p><b>Connections.</b> One connection per peer address, dialled on the first {@link #send} to
 * it; frames sent while it connects and authenticates are queued (bounded by {@code
 * outboundBufferBytes}). The dialler's first sealed frame names its advertised address, so the
 * accepting node reports the dialler's packets as coming from that address and sends its own
 * packets to that address over the same connection. A connection closes when no byte was read and
 * no write completed for {@code idleTimeout} (as {@code closed.stalled}, at WARNING, if writes were
 * waiting: a half-open peer); the next send dials again.
 *
 * <p><b>Bounds.</b> A length field is checked before the body is read: at most 512 bytes until the
 * handshake has authenticated the peer, {@code maxFrameBytes} plus 24 bytes of seal per 16 KiB record
 * afterwards. A
 * connection without an authenticated session after {@code handshakeTimeout} is closed (the
 * slow-loris defence); at most {@code maxInboundConnections} accepted connections are open at a
 * time, and at the cap a new connection takes the slot of the oldest one still unauthenticated;
 * each connection buffers at most about {@code outboundBufferBytes} (plus the frame in hand) for
 * a peer that does not read, after which {@link #send} returns false.
 *
 * <p><b>Failures.</b> {@link #send} never throws for network trouble: it returns false and counts
 * the reason. Every connection closed for a bad or hostile peer is counted ({@code closed.*}) and
 * logged at WARNING with the remote address and the reason, at most 20 lines a minute per reason
 * (the rest are counted, and the next line says how many were left out). See {@link #metrics()}
 * and {@code docs/tcp.md}.
 *
 * <p>Thread-safe. The receiver runs on the connection's event-loop thread and must hand work to
 * the node's executor; a receiver that throws is counted ({@code dropped.receiver_error}).
 */
public final class TcpTransport implements Transport {
  /** Default largest application payload per frame: 8 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 8 << 20;
  /** Default high water mark of a connection's outbound buffer: 4 MiB. */
  public static final int DEFAULT_OUTBOUND_BUFFER_BYTES = 4 << 20;
  /** Default time to establish a TCP connection. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Default time from connect to an authenticated session (handshake and hello). */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
  /** Default time a connection may stay without reading or writing a frame. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** Default cap on accepted connections open at once. */
  public static final int DEFAULT_MAX_INBOUND_CONNECTIONS = 256;

  static final System.Logger LOG = System.getLogger("io.gossipkit.transport.tcp");
  private static final int LOG_LINES_PER_MINUTE = 20;
  /**
   * How long {@link #close} waits for the frames {@code send} accepted on ready connections to be
   * written (a leaving node's last messages) before it closes them regardless.
   */
  static final long CLOSE_DRAIN_MILLIS = 1000;
  private static final List<String> COUNTERS = counterNames();

  private final InetSocketAddress bindAddress;
  private final InetSocketAddress advertised;
  final HandshakeConfig handshakeConfig;
  final int maxFrameBytes;
  final int outboundBufferBytes;
  final long connectTimeoutMillis;
  final long handshakeTimeoutMillis;
  final long idleTimeoutMillis;
  private final int maxInboundConnections;
  private final int ioThreads;

  final Counters counters = new Counters(COUNTERS);
  private final LogLimiter logs = new LogLimiter(LOG, LOG_LINES_PER_MINUTE);
  // Backpressure is routine for a bulk sender, not an attack: one line a minute is enough to show
  // that a peer reads slowly.
  private final LogLimiter backpressureLog = new LogLimiter(LOG, 1);
  /** One connection per peer address: the ones dialled, and accepted ones after their hello. */
  private final Map<InetSocketAddress, Connection> byPeer = new ConcurrentHashMap<>();
  /** Every open connection, registered or not, for close() and the gauges. */
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inboundOpen = new AtomicInteger();
  /** High-water marks, see {@link #metrics()}. */
  final LongAccumulator largestFrameIn = new LongAccumulator(Math::max, 0);
  final LongAccumulator largestFrameOut = new LongAccumulator(Math::max, 0);
  final LongAccumulator bufferedPeak = new LongAccumulator(Math::max, 0);
  private final Object lock = new Object();
  private EventLoopGroup group;
  private Bootstrap dialer;
  private volatile Channel server;
  private volatile InetSocketAddress bound;
  private volatile Receiver receiver;
  private volatile boolean started;
  private volatile boolean closed;

  private TcpTransport(Builder b) {
    this.bindAddress = b.bind;
    this.advertised = b.advertise;
    this.handshakeConfig = b.handshake;
    this.maxFrameBytes = b.maxFrameBytes;
    this.outboundBufferBytes = b.outboundBufferBytes;
    this.connectTimeoutMillis = b.connectTimeout.toMillis();
    this.handshakeTimeoutMillis = b.handshakeTimeout.toMillis();
    this.idleTimeoutMillis = b.idleTimeout.toMillis();
    this.maxInboundConnections = b.maxInboundConnections;
    this.ioThreads = b.ioThreads;
  }

  /** A builder; {@link Builder#bind} and {@link Builder#handshake} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listening socket and starts delivering packets to {@code receiver}.
   *
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  @Override
  public void start(Receiver r) throws IOException {
    Objects.requireNonNull(r, "receiver");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("tcp transport on " + bindAddress + " is closed");
      }
      if (started) {
        throw new IllegalStateException("tcp transport on " + bindAddress + " is already started");
      }
      receiver = r;
      EventLoopGroup g = NettyIo.newGroup(ioThreads, LOG);
      WriteBufferWaterMark mark =
          new WriteBufferWaterMark(outboundBufferBytes / 2, outboundBufferBytes);
      ServerBootstrap sb =
          new ServerBootstrap()
              .group(g)
              .channel(NettyIo.serverChannel())
              .option(ChannelOption.SO_REUSEADDR, true)
              .option(ChannelOption.SO_BACKLOG, 128)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, mark)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      accept(ch);
                    }
                  });
      ChannelFuture f = sb.bind(bindAddress).awaitUninterruptibly();
      if (!f.isSuccess()) {
        NettyIo.shutdown(g);
        receiver = null;
        Throwable cause = f.cause();
        IOException e =
            new BindException("cannot bind tcp transport to " + bindAddress + ": " + cause);
        e.initCause(cause);
        throw e;
      }
      group = g;
      dialer =
          new Bootstrap()
              .group(g)
              .channel(NettyIo.socketChannel())
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
              .option(ChannelOption.WRITE_BUFFER_WATER_MARK, mark);
      server = f.channel();
      bound = (InetSocketAddress) server.localAddress();
      started = true;
      LOG.log(Level.INFO,
          "tcp transport bound to {0}, advertised as {1}, using {2}, max frame {3} bytes, node {4}",
          bound, localAddress(), NettyIo.name(), maxFrameBytes, handshakeConfig.localNode());
    }
  }

  /**
   * Sends {@code packet} to {@code to} over the connection to that address, dialling it if there
   * is none. Returns true when the frame was handed to the connection (written, or queued while
   * the connection is being set up); false, counted, when it is larger than {@link
   * #maxPayloadBytes()} ({@code dropped.too_large}), the connection's buffer is full ({@code
   * dropped.queue_full}), or the transport is not running or the address unusable ({@code
   * dropped.send_failed}). A frame handed over may still be lost if the connection then fails
   * ({@code dropped.connection_closed}). The array is copied.
   */
  @Override
  public boolean send(InetSocketAddress to, byte[] packet) {
    Objects.requireNonNull(packet, "packet");
    if (packet.length > maxFrameBytes) {
      counters.increment("dropped.too_large");
      return false;
    }
    if (!started || closed || to == null || to.isUnresolved() || to.getPort() == 0) {
      counters.increment("dropped.send_failed");
      return false;
    }
    // The array is ours from here on (Transport.send), so it is queued as it is, not copied.
    // A connection found closed is dropped from the map and dialled afresh, once.
    for (int attempt = 0; attempt < 2; attempt++) {
      Connection c = connectionTo(to);
      if (c == null) {
        break;
      }
      switch (c.send(packet)) {
        case SENT:
        case QUEUED:
          return true;
        case FULL:
          counters.increment("dropped.queue_full");
          backpressureLog.log(Level.INFO, "queue_full", () ->
              "tcp send to " + to + " refused: the connection holds " + outboundBufferBytes
                  + " bytes or more that the peer has not read yet");
          return false;
        case CLOSED:
        default:
          byPeer.remove(to, c);
          break;
      }
    }
    counters.increment("dropped.send_failed");
    return false;
  }

  @Override
  public int maxPayloadBytes() {
    return maxFrameBytes;
  }

  /** The advertised address if one was set, else the bound address (its real port once started). */
  @Override
  public InetSocketAddress localAddress() {
    return advertised != null ? advertised : boundAddress();
  }

  /** The address the listening socket is bound to, with its real port once started. */
  public InetSocketAddress boundAddress() {
    InetSocketAddress b = bound;
    return b != null ? b : bindAddress;
  }

  /**
   * A snapshot of the counters, all cumulative: {@code frames.in/out} and {@code bytes.in/out}
   * (application payloads), {@code wire.bytes.in/out} (everything on the sockets: handshakes,
   * length prefixes, seals), {@code connections.inbound/outbound} (opened), {@code
   * connections.established} (sessions that passed handshake and hello), drops by reason
   * ({@code dropped.too_large}, {@code dropped.queue_full}, {@code dropped.send_failed}, {@code
   * dropped.connection_closed}, {@code dropped.receiver_error}) and closes by reason ({@code
   * closed.handshake_failed}, {@code closed.handshake_timeout}, {@code closed.frame_too_large},
   * {@code closed.auth}, {@code closed.malformed}, {@code closed.inbound_limit}, {@code
   * closed.evicted}, {@code closed.idle}, {@code closed.stalled}, {@code closed.peer_closed},
   * {@code closed.error}, {@code closed.connect_failed}, {@code closed.local}); {@code
   * reads.paused} (times a connection stopped reading because the receiver said it was
   * saturated, {@link Receiver#isSaturated()}); high-water marks
   * since start: {@code frames.largest_in} and {@code frames.largest_out} (the largest application
   * payload read and written) and {@code buffered.bytes.peak} (the most outbound bytes one
   * connection held after a write): what streaming a large state in frames costs in buffers; plus
   * two gauges: {@code connections.open} and {@code buffered.bytes} (outbound bytes held for all
   * peers). Handshake outcomes are in the handshake config's {@link HandshakeConfig#metrics()}.
   */
  public Map<String, Long> metrics() {
    Map<String, Long> out = counters.snapshot();
    long buffered = 0;
    for (Connection c : open) {
      buffered += c.bufferedBytes();
    }
    out.put("frames.largest_in", largestFrameIn.get());
    out.put("frames.largest_out", largestFrameOut.get());
    out.put("buffered.bytes.peak", bufferedPeak.get());
    out.put("connections.open", (long) open.size());
    out.put("buffered.bytes", buffered);
    return out;
  }

  /**
   * Closes the listening socket and every connection, and stops the event loops; idempotent. The
   * frames {@code send} accepted on ready connections are written first, for at most {@value
   * #CLOSE_DRAIN_MILLIS} ms in all; frames queued for a session still handshaking are dropped and
   * counted.
   */
  @Override
  public void close() {
    Channel s;
    EventLoopGroup g;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      receiver = null;
      s = server;
      g = group;
    }
    if (s != null) {
      s.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_DRAIN_MILLIS);
    List<ChannelFuture> closing = new ArrayList<>();
    for (Connection c : new ArrayList<>(open)) {
      ChannelFuture f = c.closeLocally(CLOSE_DRAIN_MILLIS);
      if (f != null) {
        closing.add(f);
      }
    }
    if (!NettyIo.isLoopOf(g)) {
      // Shutting the group down would close the channels with their last frames unwritten.
      for (ChannelFuture f : closing) {
        f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    }
    NettyIo.shutdown(g);
    LOG.log(Level.DEBUG, "tcp transport on {0} closed", bound);
  }

  @Override
  public String toString() {
    return "TcpTransport{bound=" + boundAddress() + ", advertised=" + localAddress() + "}";
  }

  // ---- for Connection ----

  /** Hands a packet to the receiver; a receiver that throws is counted, never propagated. */
  /** True while the receiver asks for no more ({@link Receiver#isSaturated()}). */
  boolean receiverSaturated() {
    Receiver r = receiver;
    try {
      return r != null && r.isSaturated();
    } catch (RuntimeException e) {
      // A receiver that cannot say is treated as not saturated: reading goes on.
      return false;
    }
  }

  void deliver(InetSocketAddress from, byte[] packet) {
    Receiver r = receiver;
    if (r == null) {
      counters.increment("dropped.not_started");
      return;
    }
    try {
      r.onPacket(from, packet);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      counters.increment("dropped.receiver_error");
      logs.log(Level.WARNING, "receiver_error",
          () -> "receiver threw on a packet from " + from + ": " + e);
    }
  }

  /**
   * Makes an accepted connection the one used for sends to {@code peer}, unless there already is
   * one (first come, first served: an established connection is never displaced by a newer claim).
   */
  boolean register(InetSocketAddress peer, Connection c) {
    return !closed && byPeer.putIfAbsent(peer, c) == null;
  }

  /** A connection has closed; {@code key} is its registry key, or null if it had none. */
  void closed(Connection c, InetSocketAddress key) {
    if (key != null) {
      byPeer.remove(key, c);
    }
    if (open.remove(c) && c.isInbound()) {
      inboundOpen.decrementAndGet();
    }
  }

  void logClosed(Connection c, CloseReason reason, String detail) {
    Supplier<String> line = () -> "tcp transport " + boundAddress() + " closed connection "
        + c.describe() + ": " + reason.counter.substring("closed.".length()) + ": " + detail;
    if (reason.bad) {
      logs.log(Level.WARNING, reason.counter, line);
    } else {
      LOG.log(Level.DEBUG, line);
    }
  }

  // ---- internals ----

  private void accept(SocketChannel ch) {
    if (closed) {
      ch.close();
      return;
    }
    if (inboundOpen.incrementAndGet() > maxInboundConnections && !evictOldestUnauthenticated()) {
      inboundOpen.decrementAndGet();
      counters.increment(CloseReason.INBOUND_LIMIT.counter);
      logs.log(Level.WARNING, CloseReason.INBOUND_LIMIT.counter, () ->
          "tcp transport " + boundAddress() + " refused connection inbound from "
              + ch.remoteAddress() + ": inbound_limit: " + maxInboundConnections
              + " accepted connections are open, the configured maximum");
      ch.close();
      return;
    }
    Connection c = Connection.inbound(this);
    open.add(c);
    c.install(ch);
  }

  /**
   * At the inbound cap, closes the oldest inbound connection that has not authenticated, so the
   * new one can take its slot: otherwise connections that only ever start a handshake, re-opened
   * as each times out, would keep every peer out. An honest handshake takes a round trip or two;
   * pushing it out would take more than the cap's worth of new connections meanwhile.
   *
   * @return false if every inbound connection is authenticated: the new one is refused
   */
  private boolean evictOldestUnauthenticated() {
    Connection oldest = null;
    for (Connection c : open) {
      if (c.isInbound() && c.isUnauthenticated()
          && (oldest == null || c.createdNanos() - oldest.createdNanos() < 0)) {
        oldest = c;
      }
    }
    if (oldest == null) {
      return false;
    }
    oldest.evict(maxInboundConnections);
    return true;
  }

  /** The connection for {@code to}, dialling a new one if there is none; null once closed. */
  private Connection connectionTo(InetSocketAddress to) {
    Connection c = byPeer.get(to);
    if (c != null) {
      return c;
    }
    Connection fresh = Connection.outbound(this, to);
    c = byPeer.putIfAbsent(to, fresh);
    if (c != null) {
      return c;
    }
    open.add(fresh);
    if (closed) {
      fresh.connectFailed(new IllegalStateException("transport closed"));
      return null;
    }
    dial(fresh, to);
    return fresh;
  }

  // Dialled outside the map's compute lock: a connect that fails at once cleans up on this
  // thread, and that must not re-enter the map.
  private void dial(Connection c, InetSocketAddress to) {
    try {
      Bootstrap b = dialer.clone().handler(
          new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              c.install(ch);
            }
          });
      b.connect(to).addListener((ChannelFuture f) -> {
        if (!f.isSuccess()) {
          c.connectFailed(f.cause()); // records the reason first, then closes the channel
        }
      });
    } catch (RuntimeException e) {
      // The event loops are shutting down (a close raced with this send).
      c.connectFailed(e);
    }
  }

  private static List<String> counterNames() {
    List<String> names = new ArrayList<>(List.of(
        "frames.in", "frames.out", "bytes.in", "bytes.out", "wire.bytes.in", "wire.bytes.out",
        "connections.inbound", "connections.outbound", "connections.established",
        "dropped.too_large", "dropped.queue_full", "dropped.send_failed",
        "dropped.connection_closed", "dropped.receiver_error", "dropped.not_started",
        "reads.paused"));
    for (CloseReason r : CloseReason.values()) {
      names.add(r.counter);
    }
    return names;
  }

  /** Builds a {@link TcpTransport}; setters check their argument, {@link #build()} the whole. */
  public static final class Builder {
    private InetSocketAddress bind;
    private InetSocketAddress advertise;
    private HandshakeConfig handshake;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private int outboundBufferBytes = DEFAULT_OUTBOUND_BUFFER_BYTES;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxInboundConnections = DEFAULT_MAX_INBOUND_CONNECTIONS;
    private int ioThreads = 1;

    private Builder() {}

    /** The local address to listen on; port 0 picks a free port. Required. */
    public Builder bind(InetSocketAddress v) {
      Objects.requireNonNull(v, "bind");
      if (v.isUnresolved()) {
        throw new IllegalArgumentException("bind must be a resolved address, was " + v);
      }
      bind = v;
      return this;
    }

    /**
     * The address other nodes reach this one at (NAT, containers), sent to every peer this node
     * dials; default: the bound address. Required when binding a wildcard address.
     */
    public Builder advertise(InetSocketAddress v) {
      Objects.requireNonNull(v, "advertise");
      if (v.isUnresolved() || v.getAddress().isAnyLocalAddress() || v.getPort() == 0) {
        throw new IllegalArgumentException(
            "advertise must be a resolved, specific address with a port, was " + v);
      }
      advertise = v;
      return this;
    }

    /**
     * Who this node is and how connections authenticate (pre-shared key or Ed25519 identities).
     * Its {@code maxFrameBytes} must be at least this transport's. Required.
     */
    public Builder handshake(HandshakeConfig v) {
      handshake = Objects.requireNonNull(v, "handshake");
      return this;
    }

    /**
     * The largest application payload per frame, 1 to 16 MiB; default 8 MiB. A frame on the wire
     * is this plus 4 bytes of length and 24 of seal per 16 KiB record; a longer length field
     * closes the connection.
     */
    public Builder maxFrameBytes(int v) {
      if (v < 1 || v > HandshakeConfig.MAX_FRAME_BYTES_LIMIT) {
        throw new IllegalArgumentException("maxFrameBytes must be between 1 and "
            + HandshakeConfig.MAX_FRAME_BYTES_LIMIT + ", was " + v);
      }
      maxFrameBytes = v;
      return this;
    }

    /**
     * The outbound bytes a connection may hold for its peer before {@code send} refuses frames
     * (Netty's high water mark; the low mark is half); default 4 MiB, at least 1 KiB.
     */
    public Builder outboundBufferBytes(int v) {
      if (v < 1024) {
        throw new IllegalArgumentException("outboundBufferBytes must be >= 1024, was " + v);
      }
      outboundBufferBytes = v;
      return this;
    }

    /** How long a dial may take; default 5 s. */
    public Builder connectTimeout(Duration v) {
      connectTimeout = atLeastOneMilli("connectTimeout", v);
      return this;
    }

    /**
     * How long a connection may take from connect to an authenticated session, after which it is
     * closed (the slow-loris defence); default 5 s. The handshake config's own timeout also
     * applies.
     */
    public Builder handshakeTimeout(Duration v) {
      handshakeTimeout = atLeastOneMilli("handshakeTimeout", v);
      return this;
    }

    /**
     * How long a connection may go without a byte read or a write completed; default 60 s. See
     * the class comment for how a half-open peer's close differs from a quiet one's.
     */
    public Builder idleTimeout(Duration v) {
      idleTimeout = atLeastOneMilli("idleTimeout", v);
      return this;
    }

    /**
     * The most accepted connections open at once; default 256. At the cap a new connection
     * closes the oldest one still unauthenticated ({@code closed.evicted}), or is itself closed
     * at accept if every one has authenticated ({@code closed.inbound_limit}).
     */
    public Builder maxInboundConnections(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("maxInboundConnections must be >= 1, was " + v);
      }
      maxInboundConnections = v;
      return this;
    }

    /** Event-loop threads (sealing and opening run on them); default 1. */
    public Builder ioThreads(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("ioThreads must be >= 1, was " + v);
      }
      ioThreads = v;
      return this;
    }

    /**
     * Checks the cross-field rules and builds the transport (not bound yet).
     *
     * @throws IllegalStateException if bind or handshake is missing, the bind address is a
     *     wildcard without an advertised address, or the handshake config's frame limit is below
     *     this transport's
     */
    public TcpTransport build() {
      if (bind == null) {
        throw new IllegalStateException("bind is required: call bind(new InetSocketAddress(...))");
      }
      if (handshake == null) {
        throw new IllegalStateException("handshake is required: call handshake(HandshakeConfig)");
      }
      if (advertise == null && bind.getAddress().isAnyLocalAddress()) {
        throw new IllegalStateException("advertise is required when bind is a wildcard address ("
            + bind + "): peers must learn an address they can reach");
      }
      if (handshake.maxFrameBytes() < maxFrameBytes) {
        throw new IllegalStateException("the handshake config's maxFrameBytes is "
            + handshake.maxFrameBytes() + " but the transport's maxFrameBytes is " + maxFrameBytes
            + ": set HandshakeConfig.builder().maxFrameBytes(" + maxFrameBytes
            + ") or lower TcpTransport.builder().maxFrameBytes");
      }
      return new TcpTransport(this);
    }
  }
}
