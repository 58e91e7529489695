package io.gossipkit.transport.tcp;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.crypto.handshake.Handshake;
import io.gossipkit.crypto.handshake.HandshakeException;
import io.gossipkit.crypto.handshake.HandshakeFailure;
import io.gossipkit.crypto.handshake.HandshakeState;
import io.gossipkit.crypto.handshake.SecureChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One TCP connection of a {@link TcpTransport}, dialled or accepted, and the Netty handler that
 * runs its protocol on the channel's event loop:
 *
 * <pre>
 * dialler (initiator)                         acceptor (responder)
 * INIT        ----------------------------->
 *             <-----------------------------  RESPONSE
 * FINISH, sealed hello(advertised address) ->                     (now READY)
 * sealed frames <---------------------------> sealed frames
 * </pre>
 *
 * <p>Phases: {@code CONNECTING} (dialling), {@code HANDSHAKE}, {@code AWAIT_HELLO} (acceptor
 * only), {@code READY}, {@code CLOSED}. Each phase has its own frame limit, enforced by the {@link
 * FrameDecoder} before a body is read: 512 bytes during the handshake, 44 for the hello, the
 * transport's frame limit once ready. Nothing but handshake messages is read before the handshake
 * has authenticated the peer, and the handshake timer closes a connection that is not READY in
 * time, however slowly the peer trickles bytes.
 *
 * <p>Frames sent before READY wait in a queue that takes a frame only while it holds less than the
 * outbound buffer limit; once READY, {@link #send} refuses a frame when Netty's outbound buffer is
 * above its high water mark (the same limit). So a peer that stops reading can hold at most that
 * limit plus one frame of this node's memory.
 *
 * <p>Threading: {@link #send}, {@link #bufferedBytes} and {@link #closeLocally} may be called from
 * any thread; everything else runs on the channel's event loop. Sealing happens in {@link #write}
 * on the event loop, so frames are sealed in exactly the order they are written to the socket.
 */
final class Connection extends ChannelDuplexHandler implements FrameDecoder.Listener {
  /** The outcome of {@link #send}. */
  enum SendResult {
    /** Handed to the socket's outbound buffer. */
    SENT,
    /** Queued until the session is ready. */
    QUEUED,
    /** Refused: the buffer or queue is full. */
    FULL,
    /** Refused: the connection has closed; the caller may dial again. */
    CLOSED
  }

  private enum Phase { CONNECTING, HANDSHAKE, AWAIT_HELLO, READY, CLOSED }

  /** How often a connection paused for a saturated receiver looks whether it may read again. */
  private static final long RESUME_CHECK_MILLIS = 2;

  /** Bytes a queued frame is charged beyond its payload (array header, deque slot). */
  private static final int QUEUED_FRAME_OVERHEAD = 32;
  /**
   * Sealed frames up to this size are copied to a per-thread scratch array to be opened (the
   * sync's chunks are 256 KiB); larger ones, rare, get an array of their own. One array per I/O
   * thread, whatever the number of connections.
   */
  private static final int SCRATCH_BYTES = 1 << 20;
  private static final FastThreadLocal<byte[]> SCRATCH = scratch();
  /** The same for sealing, apart: a receiver may send from within a delivery. */
  private static final FastThreadLocal<byte[]> SEAL_SCRATCH = scratch();

  private static FastThreadLocal<byte[]> scratch() {
    return new FastThreadLocal<>() {
      @Override
      protected byte[] initialValue() {
        return new byte[SCRATCH_BYTES];
      }
    };
  }
  /** The largest sealed hello. */
  private static final int MAX_HELLO_FRAME = Hello.MAX_BYTES + SecureChannel.OVERHEAD_BYTES;

  private final TcpTransport transport;
  private final boolean inbound;
  private final InetSocketAddress dialled;
  private final Object lock = new Object();
  private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
  private final AtomicBoolean cleanedUp = new AtomicBoolean();

  // Guarded by lock; written only on the event loop (or at cleanup).
  private volatile Phase phase = Phase.CONNECTING;
  private final long createdNanos = System.nanoTime();
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private long pendingBytes;

  private volatile Channel channel;
  /** The address packets are reported from and the registry key: dialled, or the hello's. */
  private volatile InetSocketAddress peer;
  private volatile boolean registered;

  // Event-loop confined.
  private ChannelHandlerContext ctx;
  private volatile Handshake handshake; // read by describe() from any thread
  private SecureChannel secure;
  private ScheduledFuture<?> handshakeTimer;
  private long bytesBeforeReady;

  private Connection(TcpTransport transport, boolean inbound, InetSocketAddress dialled) {
    this.transport = transport;
    this.inbound = inbound;
    this.dialled = dialled;
    this.peer = dialled;
  }

  /** A connection this node will dial to {@code to}; the registry key is {@code to}. */
  static Connection outbound(TcpTransport transport, InetSocketAddress to) {
    return new Connection(transport, false, to);
  }

  /** A connection a peer dialled; registered under the peer's hello address once ready. */
  static Connection inbound(TcpTransport transport) {
    return new Connection(transport, true, null);
  }

  /** Puts the idle timer, the frame decoder and this handler on {@code ch}. */
  void install(Channel ch) {
    channel = ch;
    ch.closeFuture().addListener(f -> cleanUp());
    // The idle timer before the decoder, so it sees every read: a large frame arriving slowly
    // over a long link is traffic, not idleness.
    ch.pipeline()
        .addLast("idle",
            new IdleStateHandler(0, 0, transport.idleTimeoutMillis, TimeUnit.MILLISECONDS))
        .addLast("frames", new FrameDecoder(this))
        .addLast("connection", this);
  }

  /** The dial failed before the channel became active. */
  void connectFailed(Throwable cause) {
    close(CloseReason.CONNECT_FAILED, "cannot connect: " + cause);
    cleanUp();
  }

  boolean isInbound() {
    return inbound;
  }

  /** True until the handshake and hello have authenticated the peer (and the connection lives). */
  boolean isUnauthenticated() {
    Phase p = phase;
    return p != Phase.READY && p != Phase.CLOSED && closeReason.get() == null;
  }

  /** When the connection was made (System.nanoTime()). */
  long createdNanos() {
    return createdNanos;
  }

  /** Closes this unauthenticated connection to make room under the inbound cap. */
  void evict(int cap) {
    close(CloseReason.EVICTED, "still unauthenticated after "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - createdNanos) + " ms when the "
        + cap + "-connection inbound cap was reached; the oldest such connection makes room for"
        + " a new one");
  }

  /** The peer's advertised address (dialled, or from its hello), or null before the hello. */
  InetSocketAddress peer() {
    return peer;
  }

  /**
   * Sends {@code packet} (which this connection now owns) or queues it until the session is
   * ready. Any thread.
   */
  SendResult send(byte[] packet) {
    Channel ch;
    synchronized (lock) {
      Phase p = phase;
      if (p == Phase.CLOSED || closeReason.get() != null) {
        return SendResult.CLOSED;
      }
      if (p != Phase.READY) {
        // The same rule as Netty's writability once ready: a frame is taken while the queue is
        // below the limit, so it holds at most the limit plus one frame.
        if (pendingBytes >= transport.outboundBufferBytes) {
          return SendResult.FULL;
        }
        pending.add(packet);
        pendingBytes += (long) packet.length + QUEUED_FRAME_OVERHEAD;
        return SendResult.QUEUED;
      }
      ch = channel;
    }
    // Netty counts a write submitted from another thread against the high water mark at once, so
    // this check sees every frame already handed over, not only those the event loop has taken.
    if (!ch.isWritable()) {
      return SendResult.FULL;
    }
    ch.writeAndFlush(Unpooled.wrappedBuffer(packet));
    return SendResult.SENT;
  }

  /** Outbound bytes this connection holds: queued before READY plus Netty's outbound buffer. */
  long bufferedBytes() {
    long queued;
    synchronized (lock) {
      queued = pendingBytes;
    }
    Channel ch = channel;
    ChannelOutboundBuffer out = ch == null ? null : ch.unsafe().outboundBuffer();
    return queued + (out == null ? 0 : out.totalPendingWriteBytes());
  }

  /**
   * Closes because the transport is closing, once the frames {@link #send} handed to the socket
   * have been written, or after {@code drainMillis} if the peer does not take them. Frames still
   * queued for a session that is not ready are dropped (and counted). Any thread.
   *
   * @return completes when the channel has closed; null if it never opened
   */
  ChannelFuture closeLocally(long drainMillis) {
    Channel ch = channel;
    if (ch == null || phase != Phase.READY || !ch.isActive()) {
      close(CloseReason.LOCAL, "transport closed");
      return ch == null ? null : ch.closeFuture();
    }
    // Runs after every write submitted before it (the event loop takes tasks in order); an empty
    // buffer written below this handler is neither sealed nor framed, and its promise completes
    // once everything ahead of it has reached the socket: a leaving node's last messages.
    ch.eventLoop().execute(() -> {
      if (closeReason.get() != null || ctx == null) {
        return;
      }
      ScheduledFuture<?> cap = ch.eventLoop().schedule(
          () -> close(CloseReason.LOCAL, "transport closed; frames the peer had not taken within "
              + drainMillis + " ms were dropped"),
          drainMillis, TimeUnit.MILLISECONDS);
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
        cap.cancel(false);
        close(CloseReason.LOCAL, "transport closed");
      });
    });
    return ch.closeFuture();
  }

  // ---- FrameDecoder.Listener ----

  @Override
  public int maxFrameLength() {
    switch (phase) {
      case HANDSHAKE:
        return Handshake.MAX_MESSAGE_BYTES;
      case AWAIT_HELLO:
        return MAX_HELLO_FRAME;
      case READY:
        return (int) SecureChannel.sealedLength(transport.maxFrameBytes);
      default:
        return 0;
    }
  }

  @Override
  public void frameTooLarge(long length, int limit) {
    close(CloseReason.FRAME_TOO_LARGE,
        "frame length field " + length + " is over the limit of " + limit + " bytes"
            + (phase == Phase.READY ? "" : " for phase " + phase) + "; closed before reading it");
  }

  @Override
  public void bytesRead(int n) {
    transport.counters.add("wire.bytes.in", n);
    if (phase != Phase.READY) {
      bytesBeforeReady += n;
    }
  }

  // ---- Netty handler ----

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (closeReason.get() != null) {
      // Closed (the transport is closing) while the dial was still under way.
      ctx.close();
      return;
    }
    transport.counters.increment(inbound ? "connections.inbound" : "connections.outbound");
    handshake = inbound ? Handshake.responder(transport.handshakeConfig)
        : Handshake.initiator(transport.handshakeConfig);
    handshakeTimer = ctx.executor().schedule(
        this::handshakeTimedOut, transport.handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
    setPhase(Phase.HANDSHAKE);
    if (!inbound) {
      writeRaw(handshake.start());
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (phase == Phase.READY) {
      // The hot path: a sealed frame is copied to this thread's scratch array, opened from
      // there into a new plaintext array, and the scratch reused for the next frame, instead of
      // a fresh array per frame that is garbage as soon as it is opened.
      ByteBuf buf = (ByteBuf) msg;
      byte[] sealed;
      int n;
      try {
        n = buf.readableBytes();
        sealed = n <= SCRATCH_BYTES ? SCRATCH.get() : new byte[n];
        buf.getBytes(buf.readerIndex(), sealed, 0, n);
      } finally {
        ReferenceCountUtil.release(msg);
      }
      if (closeReason.get() == null) {
        onFrame(sealed, n);
      }
      return;
    }
    byte[] bytes;
    try {
      bytes = ByteBufUtil.getBytes((ByteBuf) msg);
    } finally {
      ReferenceCountUtil.release(msg);
    }
    if (closeReason.get() != null) {
      return;
    }
    switch (phase) {
      case HANDSHAKE:
        onHandshakeMessage(bytes);
        break;
      case AWAIT_HELLO:
        onHello(bytes);
        break;
      case READY:
        onFrame(bytes, bytes.length);
        break;
      default:
        break;
    }
  }

  /** Seals an application frame handed over by {@link #send} and writes it. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf)) {
      ctx.write(msg, promise);
      return;
    }
    byte[] payload;
    try {
      payload = arrayOf((ByteBuf) msg);
    } finally {
      ReferenceCountUtil.release(msg);
    }
    if (phase != Phase.READY || closeReason.get() != null) {
      transport.counters.increment("dropped.connection_closed");
      promise.tryFailure(new ClosedChannelException());
      return;
    }
    sealAndWrite(payload, promise.unvoid(), true);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
      long waiting = out == null ? 0 : out.totalPendingWriteBytes();
      if (waiting > 0) {
        // Writes were handed to the socket and none completed: the peer reads nothing, and
        // sent nothing either. A quiet healthy peer has nothing waiting; this one is half-open
        // (its host gone without a FIN) or has stopped reading, and holds our buffer.
        close(CloseReason.STALLED, "half-open or stalled peer: nothing read for "
            + transport.idleTimeoutMillis + " ms and " + waiting
            + " bytes written to it wait unread; its buffer is freed");
      } else {
        close(CloseReason.IDLE,
            "nothing read or written for " + transport.idleTimeoutMillis + " ms");
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    close(CloseReason.ERROR, String.valueOf(cause));
  }

  // ---- protocol steps, on the event loop ----

  private void onHandshakeMessage(byte[] message) {
    Optional<byte[]> reply;
    try {
      reply = handshake.receive(message);
    } catch (HandshakeException e) {
      close(e.failure() == HandshakeFailure.TIMEOUT ? CloseReason.HANDSHAKE_TIMEOUT
          : CloseReason.HANDSHAKE_FAILED, "handshake rejected: " + e.getMessage());
      return;
    }
    reply.ifPresent(this::writeRaw);
    if (handshake.state() != HandshakeState.ESTABLISHED) {
      return;
    }
    secure = handshake.channel();
    if (inbound) {
      setPhase(Phase.AWAIT_HELLO);
    } else {
      // The hello is the first sealed frame, so it cannot be forged or replayed into another
      // session; it is written before anything queued.
      sealAndWrite(Hello.encode(transport.localAddress()), ctx.newPromise(), false);
      becomeReady();
    }
  }

  private void onHello(byte[] frame) {
    byte[] plain = openOrClose(frame, frame.length, "hello");
    if (plain == null) {
      return;
    }
    InetSocketAddress advertised;
    try {
      advertised = Hello.decode(plain);
    } catch (ProtocolException e) {
      close(CloseReason.MALFORMED, "bad hello: " + e.getMessage());
      return;
    }
    if (advertised.equals(transport.localAddress())) {
      // Taking it would route this node's sends to itself through the peer.
      close(CloseReason.MALFORMED, "hello claims this node's own address " + advertised);
      return;
    }
    peer = advertised;
    registered = transport.register(advertised, this);
    becomeReady();
  }

  private void onFrame(byte[] frame, int length) {
    byte[] plain = openOrClose(frame, length, "frame");
    if (plain == null) {
      return;
    }
    transport.counters.increment("frames.in");
    transport.counters.add("bytes.in", plain.length);
    transport.largestFrameIn.accumulate(plain.length);
    transport.deliver(peer, plain);
    if (transport.receiverSaturated() && ctx.channel().config().isAutoRead()) {
      // The node has more waiting than it wants: stop reading this peer until it has caught
      // up. TCP's flow control then holds the peer's writes back (its buffer fills, its sends
      // are refused and counted there), instead of this node dropping frames it already read.
      ctx.channel().config().setAutoRead(false);
      transport.counters.increment("reads.paused");
      ctx.executor().schedule(this::resumeWhenCaughtUp, RESUME_CHECK_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  /** Reads again once the receiver is no longer saturated; looks again later otherwise. */
  private void resumeWhenCaughtUp() {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      return;
    }
    if (transport.receiverSaturated()) {
      ch.eventLoop().schedule(this::resumeWhenCaughtUp, RESUME_CHECK_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    ch.config().setAutoRead(true);
  }

  /**
   * Opens a sealed frame, or closes the connection and returns null. TCP delivers in order and
   * intact, so a frame that does not open was injected or the peer is broken; either way the rest
   * of the stream cannot be trusted.
   */
  private byte[] openOrClose(byte[] frame, int length, String what) {
    try {
      return secure.open(frame, length);
    } catch (AuthenticationException e) {
      close(CloseReason.AUTH, what + " refused: " + e.getMessage());
      return null;
    }
  }

  private void becomeReady() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    synchronized (lock) {
      byte[] p;
      while ((p = pending.poll()) != null) {
        // Off the queue's count as it goes to the socket's, so a frame is never counted twice.
        pendingBytes -= (long) p.length + QUEUED_FRAME_OVERHEAD;
        sealAndWrite(p, ctx.newPromise(), true);
      }
      pendingBytes = 0;
      phase = Phase.READY;
    }
    ctx.flush();
    transport.counters.increment("connections.established");
  }

  private void handshakeTimedOut() {
    if (phase == Phase.READY || closeReason.get() != null) {
      return;
    }
    // Lets the handshake count TIMEOUT in its own metrics if its deadline has passed as well.
    handshake.checkDeadline();
    close(CloseReason.HANDSHAKE_TIMEOUT,
        "no authenticated session within " + transport.handshakeTimeoutMillis + " ms ("
            + bytesBeforeReady + " bytes received, phase " + phase + "): a slow or silent peer");
  }

  // ---- writing ----

  /** Writes one length-prefixed handshake message, unsealed. */
  private void writeRaw(byte[] message) {
    ByteBuf out = ctx.alloc().ioBuffer(FrameDecoder.LENGTH_BYTES + message.length);
    out.writeInt(message.length).writeBytes(message);
    int wire = out.readableBytes();
    ctx.writeAndFlush(out).addListener(f -> {
      if (f.isSuccess()) {
        transport.counters.add("wire.bytes.out", wire);
      }
    });
  }

  /**
   * Seals {@code payload} and writes it, counting it as an application frame if {@code
   * application} (the hello is not one). Does not flush.
   */
  private void sealAndWrite(byte[] payload, ChannelPromise promise, boolean application) {
    // Sealed into this thread's scratch array and copied to the socket's buffer from there: no
    // array per frame that is garbage once written (as on the way in, see channelRead).
    long length = SecureChannel.sealedLength(payload.length);
    byte[] sealed = length <= SCRATCH_BYTES ? SEAL_SCRATCH.get() : new byte[(int) length];
    int frameLength = secure.seal(payload, sealed);
    ByteBuf out = ctx.alloc().ioBuffer(FrameDecoder.LENGTH_BYTES + frameLength);
    out.writeInt(frameLength).writeBytes(sealed, 0, frameLength);
    int wire = out.readableBytes();
    int n = payload.length;
    promise.addListener(f -> {
      if (f.isSuccess()) {
        transport.counters.add("wire.bytes.out", wire);
        if (application) {
          transport.counters.increment("frames.out");
          transport.counters.add("bytes.out", n);
        }
      } else {
        transport.counters.increment("dropped.send_failed");
      }
    });
    ctx.write(out, promise);
    if (application) {
      transport.largestFrameOut.accumulate(n);
      transport.bufferedPeak.accumulate(bufferedBytes());
    }
  }

  private static byte[] arrayOf(ByteBuf buf) {
    if (buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0
        && buf.readableBytes() == buf.array().length) {
      return buf.array();
    }
    return ByteBufUtil.getBytes(buf);
  }

  // ---- closing ----

  private void setPhase(Phase p) {
    synchronized (lock) {
      if (phase != Phase.CLOSED) {
        phase = p;
      }
    }
  }

  /** Closes for {@code reason}, counting and logging it once; later calls do nothing. */
  private void close(CloseReason reason, String detail) {
    if (!closeReason.compareAndSet(null, reason)) {
      return;
    }
    transport.counters.increment(reason.counter);
    transport.logClosed(this, reason, detail);
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  /** Runs once when the channel has closed (or never opened): drops the queue, unregisters. */
  private void cleanUp() {
    if (!cleanedUp.compareAndSet(false, true)) {
      return;
    }
    // Closed without a reason of ours: the peer hung up, or a dial ended before it connected.
    CloseReason other = handshake != null ? CloseReason.PEER_CLOSED : CloseReason.CONNECT_FAILED;
    if (closeReason.compareAndSet(null, other)) {
      transport.counters.increment(other.counter);
      transport.logClosed(this, other, "the connection closed");
    }
    int dropped;
    synchronized (lock) {
      phase = Phase.CLOSED;
      dropped = pending.size();
      pending.clear();
      pendingBytes = 0;
    }
    ScheduledFuture<?> timer = handshakeTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    transport.counters.add("dropped.connection_closed", dropped);
    transport.closed(this, inbound ? (registered ? peer : null) : dialled);
  }

  /** For log lines: direction, remote socket, and who the peer claims or proved to be. */
  String describe() {
    Channel ch = channel;
    Object remote = ch != null && ch.remoteAddress() != null ? ch.remoteAddress() : dialled;
    StringBuilder sb = new StringBuilder(inbound ? "inbound from " : "outbound to ").append(remote);
    Handshake hs = handshake;
    if (hs != null && hs.peer().isPresent()) {
      sb.append(hs.state() == HandshakeState.ESTABLISHED ? ", node " : ", claiming node ")
          .append(hs.peer().get());
    }
    if (inbound && peer != null) {
      sb.append(", advertising ").append(peer);
    }
    return sb.toString();
  }
}
