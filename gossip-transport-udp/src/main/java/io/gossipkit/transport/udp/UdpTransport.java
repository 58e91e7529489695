package io.gossipkit.transport.udp;

import io.gossipkit.api.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Transport} over UDP: one datagram per packet, on a Netty datagram channel with one
 * event-loop thread. Native epoll is used when {@link Epoll#isAvailable()}, NIO otherwise; the
 * choice is logged when the socket is bound.
 *
 * <pre>{@code
 * UdpTransport transport = UdpTransport.builder()
 *     .bind(new InetSocketAddress("0.0.0.0", 7946))
 *     .advertise(new InetSocketAddress("10.0.0.5", 7946))   // optional; default: the bound address
 *     .maxPacketBytes(1400)                                  // optional; default 1400
 *     .build();
 * }</pre>
 *
 * <p>The transport never parses what it carries and never throws for network trouble. An inbound
 * datagram larger than {@code maxPacketBytes} is dropped ({@code dropped.oversized}); the receive
 * buffer is fixed at {@code maxPacketBytes + 1} bytes, so a datagram never costs more memory than
 * that. A receiver that throws is counted ({@code dropped.receiver_error}) and the channel keeps
 * reading. {@link #send} refuses packets over the limit ({@code dropped.too_large}) and packets
 * that find the send queue full ({@code dropped.queue_full}), and counts writes the socket
 * failed ({@code dropped.send_failed}). See {@link #metrics()}.
 *
 * <p>Sending hands the packet to the event loop through a queue; one task per burst writes all
 * that is queued and flushes once, so a burst costs one wake-up of the loop and, with epoll, one
 * {@code sendmmsg} call per 64 packets. Receiving with epoll reads up to 16 datagrams per {@code
 * recvmmsg} call.
 *
 * <p>To learn an ephemeral port before a node starts the transport, call {@link #bind()}: it binds
 * the socket at once (datagrams arriving before {@link #start} are dropped as {@code
 * dropped.not_started}) and {@link #localAddress()} then reports the real port. Thread-safe.
 */
public final class UdpTransport implements Transport {
  /** The largest UDP payload over IPv4: 65,535 - 8 (UDP header) - 20 (IP header). */
  public static final int MAX_UDP_PAYLOAD_BYTES = 65_507;

  /** The default packet limit, below a 1500-byte Ethernet MTU with room for IP/UDP headers. */
  public static final int DEFAULT_MAX_PACKET_BYTES = 1400;

  private static final System.Logger LOG = System.getLogger("io.gossipkit.transport.udp");
  private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
  private static final long LOG_EVERY_NANOS = 60_000_000_000L;
  /** Most datagrams one epoll read takes with one recvmmsg call. */
  private static final int RECV_SLOTS = 16;
  /** Largest receive buffer for those datagrams: 16 of 1401 bytes, or one of a larger budget. */
  private static final int RECV_BUFFER_BYTES = 64 << 10;
  /** Packets written between two flushes of one drain: one sendmmsg call's worth. */
  private static final int FLUSH_EVERY = 64;
  /**
   * Most packets waiting for the event loop; beyond it {@link #send} refuses ({@code
   * dropped.queue_full}), so a sender faster than the socket cannot grow the queue without bound
   * (the channel's own write-buffer water mark is only checked when the loop writes).
   */
  private static final int MAX_QUEUED_PACKETS = 16_384;
  /**
   * Most bytes of packets waiting for the event loop: the packet count alone let 16,384 datagrams
   * of 64 KiB (1 GiB of direct memory) wait, and the loop writes all it finds past the channel's
   * water mark. With it, the queue and the channel's buffer hold at most about 8 MiB together.
   */
  static final long MAX_QUEUED_BYTES = 4 << 20;
  private static final List<String> COUNTERS =
      List.of(
          "packets.in", "packets.out", "bytes.in", "bytes.out",
          "dropped.oversized", "dropped.too_large", "dropped.send_failed", "dropped.queue_full",
          "dropped.receiver_error", "dropped.not_started", "errors.channel");

  private final InetSocketAddress bindAddress;
  private final InetSocketAddress advertised;
  private final int maxPacketBytes;
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
  // The four counters every packet moves, held directly: a map lookup per packet showed in
  // profiles of the send and receive loops.
  private final LongAdder packetsIn;
  private final LongAdder packetsOut;
  private final LongAdder bytesIn;
  private final LongAdder bytesOut;
  private final Object lock = new Object();
  /** Packets handed to {@link #send} and not yet written by the event loop. */
  private final Queue<DatagramPacket> outbound = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;
  private final ChannelFutureListener writeResult = this::onWritten;
  private EventLoopGroup group;
  private volatile Channel channel;
  private volatile InetSocketAddress bound;
  private volatile Receiver receiver;
  private volatile boolean started;
  private volatile boolean closed;

  private UdpTransport(Builder b) {
    this.bindAddress = b.bind;
    this.advertised = b.advertise;
    this.maxPacketBytes = b.maxPacketBytes;
    for (String name : COUNTERS) {
      counters.put(name, new LongAdder());
    }
    packetsIn = counters.get("packets.in");
    packetsOut = counters.get("packets.out");
    bytesIn = counters.get("bytes.in");
    bytesOut = counters.get("bytes.out");
  }

  /** A builder; {@link Builder#bind} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the socket now, if not yet bound, so that {@link #localAddress()} reports the real port
   * of an ephemeral ({@code :0}) bind address before the transport is started. Idempotent.
   *
   * @return this transport
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if the transport is closed
   */
  public UdpTransport bind() throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("udp transport on " + bindAddress + " is closed");
      }
      if (channel != null) {
        return this;
      }
      boolean epoll = Epoll.isAvailable();
      IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
      EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, io);
      // One datagram never costs more than maxPacketBytes + 1: the extra byte tells an oversized
      // (truncated) datagram from one of exactly maxPacketBytes. With epoll, one read fills up to
      // `slots` such slices with one recvmmsg call instead of a syscall per datagram.
      int slot = maxPacketBytes + 1;
      int slots = epoll ? Math.max(1, Math.min(RECV_SLOTS, RECV_BUFFER_BYTES / slot)) : 1;
      Bootstrap bootstrap =
          new Bootstrap()
              .group(g)
              .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
              .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slots * slot))
              .option(ChannelOption.SO_RCVBUF, 4 << 20)
              .option(ChannelOption.SO_SNDBUF, 4 << 20)
              .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
              .handler(new Inbound());
      if (slots > 1) {
        bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
      }
      ChannelFuture f = bootstrap.bind(bindAddress).awaitUninterruptibly();
      if (!f.isSuccess()) {
        g.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        Throwable cause = f.cause();
        IOException e =
            cause instanceof BindException || !(cause instanceof IOException)
                ? new BindException("cannot bind udp transport to " + bindAddress + ": " + cause)
                : (IOException) cause;
        if (e != cause && cause != null) {
          e.initCause(cause);
        }
        throw e;
      }
      group = g;
      channel = f.channel();
      bound = (InetSocketAddress) channel.localAddress();
      if (!epoll && FALLBACK_LOGGED.compareAndSet(false, true)) {
        LOG.log(Level.INFO, "native epoll unavailable, using NIO for UDP: {0}",
            String.valueOf(Epoll.unavailabilityCause()));
      }
      LOG.log(Level.INFO, "udp transport bound to {0}, advertised as {1}, using {2}, max packet {3} bytes",
          bound, localAddress(), epoll ? "epoll" : "nio", maxPacketBytes);
      return this;
    }
  }

  @Override
  public void start(Receiver r) throws IOException {
    Objects.requireNonNull(r, "receiver");
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("udp transport on " + bindAddress + " is already started");
      }
      bind();
      receiver = r;
      started = true;
    }
  }

  @Override
  public boolean send(InetSocketAddress to, byte[] packet) {
    if (packet.length > maxPacketBytes) {
      count("dropped.too_large", 1);
      return false;
    }
    Channel ch = channel;
    if (ch == null || closed || to == null || to.isUnresolved()) {
      count("dropped.send_failed", 1);
      return false;
    }
    if (!ch.isWritable() || queued.get() >= MAX_QUEUED_PACKETS
        || queuedBytes.get() + packet.length > MAX_QUEUED_BYTES) {
      count("dropped.queue_full", 1);
      rateLimitedLog("queue_full", "udp transport on " + bound + " has a full send queue; dropping");
      return false;
    }
    ByteBuf buf = ch.alloc().ioBuffer(packet.length).writeBytes(packet);
    queued.incrementAndGet();
    queuedBytes.addAndGet(packet.length);
    outbound.add(new DatagramPacket(buf, to));
    if (closed) {
      // Raced with close(), which may already have released the queue: release what is left.
      releaseQueued();
      return false;
    }
    // One task on the event loop per burst, not per packet: it writes everything queued and
    // flushes once, which epoll turns into one sendmmsg call for the whole burst.
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        ch.eventLoop().execute(drain);
      } catch (RuntimeException rejected) {
        // The loop is shutting down: close() releases what is queued.
        drainScheduled.set(false);
        return false;
      }
    }
    return true;
  }

  /** On the event loop: writes every queued packet, flushing every batch and once at the end. */
  private void drain() {
    // Cleared first: a packet added from now on schedules another drain, so none is stranded.
    drainScheduled.set(false);
    Channel ch = channel;
    int written = 0;
    DatagramPacket p;
    while ((p = outbound.poll()) != null) {
      int length = p.content().readableBytes();
      queued.decrementAndGet();
      queuedBytes.addAndGet(-length);
      // A packet send() accepted before close() still goes out: close() closes the channel in a
      // task queued after this drain, so a node's last words (SWIM's leave, sent right before it
      // closes) are not dropped. Only a channel already closed releases what is left, counted.
      if (!ch.isOpen()) {
        p.release();
        count("dropped.send_failed", 1);
        continue;
      }
      ch.write(p).addListener(writeResult);
      packetsOut.increment();
      bytesOut.add(length);
      if (++written % FLUSH_EVERY == 0) {
        ch.flush();
      }
    }
    if (written % FLUSH_EVERY != 0) {
      ch.flush();
    }
  }

  private void releaseQueued() {
    for (DatagramPacket p; (p = outbound.poll()) != null; ) {
      queued.decrementAndGet();
      queuedBytes.addAndGet(-p.content().readableBytes());
      p.release();
      // Accepted by send, never written: the transport closed first.
      count("dropped.send_failed", 1);
    }
  }

  private void onWritten(io.netty.util.concurrent.Future<? super Void> w) {
    if (!w.isSuccess()) {
      count("dropped.send_failed", 1);
      rateLimitedLog("send_failed", "udp send from " + bound + " failed: " + w.cause());
    }
  }

  @Override
  public int maxPayloadBytes() {
    return maxPacketBytes;
  }

  /** The advertised address if one was set, else the bound address (with its real port once bound). */
  @Override
  public InetSocketAddress localAddress() {
    if (advertised != null) {
      return advertised;
    }
    InetSocketAddress b = bound;
    return b != null ? b : bindAddress;
  }

  /** The address the socket is bound to, with its real port once bound; else the configured one. */
  public InetSocketAddress boundAddress() {
    InetSocketAddress b = bound;
    return b != null ? b : bindAddress;
  }

  /**
   * A snapshot of the counters: {@code packets.in}, {@code packets.out} (handed to the socket),
   * {@code bytes.in}, {@code bytes.out} and drops by reason ({@code dropped.oversized}, {@code
   * dropped.too_large}, {@code dropped.queue_full}, {@code dropped.send_failed} (a failed write,
   * or a packet accepted and then released unwritten because the transport closed), {@code
   * dropped.receiver_error}, {@code dropped.not_started}) and {@code errors.channel} (exceptions
   * the channel reported).
   */
  @Override
  public Map<String, Long> metrics() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Closes the socket (releasing the port) and stops the event loop; idempotent. */
  @Override
  public void close() {
    Channel ch;
    EventLoopGroup g;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      receiver = null;
      ch = channel;
      g = group;
    }
    if (ch == null) {
      return;
    }
    boolean onLoop = ch.eventLoop().inEventLoop();
    ChannelFuture f = ch.close();
    if (!onLoop) {
      f.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    var shutdown = g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    if (!onLoop) {
      shutdown.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    releaseQueued();
    LOG.log(Level.DEBUG, "udp transport on {0} closed", bound);
  }

  @Override
  public String toString() {
    return "UdpTransport{bound=" + boundAddress() + ", advertised=" + localAddress() + "}";
  }

  private void count(String name, long delta) {
    counters.computeIfAbsent(name, k -> new LongAdder()).add(delta);
  }

  private void rateLimitedLog(String reason, String detail) {
    long now = System.nanoTime();
    Long last = lastLogged.get(reason);
    if (last == null || now - last > LOG_EVERY_NANOS) {
      lastLogged.put(reason, now);
      LOG.log(Level.WARNING, "{0} (logged at most once a minute per reason)", detail);
    }
  }

  private final class Inbound extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof DatagramPacket)) {
        io.netty.util.ReferenceCountUtil.release(msg);
        return;
      }
      DatagramPacket p = (DatagramPacket) msg;
      try {
        ByteBuf content = p.content();
        int n = content.readableBytes();
        InetSocketAddress from = p.sender();
        bytesIn.add(n);
        if (n > maxPacketBytes) {
          count("dropped.oversized", 1);
          rateLimitedLog("oversized", "dropped a datagram over " + maxPacketBytes + " bytes from " + from);
          return;
        }
        Receiver r = receiver;
        if (r == null) {
          count("dropped.not_started", 1);
          return;
        }
        byte[] bytes = new byte[n];
        content.getBytes(content.readerIndex(), bytes);
        packetsIn.increment();
        try {
          r.onPacket(from, bytes);
        } catch (VirtualMachineError e) {
          throw e;
        } catch (Throwable e) {
          count("dropped.receiver_error", 1);
          rateLimitedLog("receiver_error", "receiver threw on a packet from " + from + ": " + e);
        }
      } finally {
        p.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Never close a datagram channel for one bad read (e.g. ICMP port unreachable).
      count("errors.channel", 1);
      rateLimitedLog("channel_error", "udp channel on " + bound + " reported " + cause);
    }
  }

  /** Builds a {@link UdpTransport}; {@link #bind} is required. */
  public static final class Builder {
    private InetSocketAddress bind;
    private InetSocketAddress advertise;
    private int maxPacketBytes = DEFAULT_MAX_PACKET_BYTES;

    private Builder() {}

    /** The local address to bind; port 0 picks a free port (see {@link UdpTransport#bind()}). */
    public Builder bind(InetSocketAddress v) {
      Objects.requireNonNull(v, "bind");
      if (v.isUnresolved()) {
        throw new IllegalArgumentException("bind must be a resolved address, was " + v);
      }
      bind = v;
      return this;
    }

    /** The address other nodes reach this one at (NAT, containers); default: the bound address. */
    public Builder advertise(InetSocketAddress v) {
      advertise = Objects.requireNonNull(v, "advertise");
      return this;
    }

    /** The largest packet sent or accepted, 1 to 65,507 bytes; default 1400. */
    public Builder maxPacketBytes(int v) {
      if (v < 1 || v > MAX_UDP_PAYLOAD_BYTES) {
        throw new IllegalArgumentException(
            "maxPacketBytes must be between 1 and " + MAX_UDP_PAYLOAD_BYTES + ", was " + v);
      }
      maxPacketBytes = v;
      return this;
    }

    /**
     * Builds the transport (not bound yet).
     *
     * @throws IllegalStateException if no bind address was set
     */
    public UdpTransport build() {
      if (bind == null) {
        throw new IllegalStateException("bind is required: call bind(new InetSocketAddress(...))");
      }
      return new UdpTransport(this);
    }
  }
}
