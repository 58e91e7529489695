package io.gossipkit.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Measures plain TCP throughput over loopback with Netty and no crypto, framing or copying: the
 * ceiling a benchmark compares {@link TcpTransport} (or a whole sync) against, measured in the same
 * run on the same machine. Uses the same socket flavour as the transport (epoll or NIO).
 *
 * <p>A server on 127.0.0.1 reads and discards; a client on another event-loop thread writes one
 * pooled direct buffer of {@code chunkBytes} again and again, as fast as the socket's writability
 * allows, until {@code totalBytes} were sent. The time runs from the first write to the moment the
 * server has read the last byte.
 *
 * <pre>{@code
 * RawTcpThroughput.Result raw =
 *     RawTcpThroughput.measure(256L << 20, 64 << 10, Duration.ofSeconds(60));
 * System.out.println(raw.megabytesPerSecond() + " MB/s");   // MB = 10^6 bytes
 * }</pre>
 *
 * <p>From the command line (prints one JSON object):
 * {@code java -cp <classpath> io.gossipkit.transport.tcp.RawTcpThroughput [totalBytes]
 * [chunkBytes]}.
 */
public final class RawTcpThroughput {
  /** One measurement: bytes moved and the nanoseconds it took. */
  public record Result(long bytes, long nanos) {
    /** Throughput in megabytes (10^6 bytes) per second. */
    public double megabytesPerSecond() {
      return nanos == 0 ? 0 : bytes * 1_000.0 / nanos;
    }

    /** {@code {"bytes":…,"nanos":…,"mb_per_s":…}}. */
    public String toJson() {
      return String.format(Locale.ROOT, "{\"bytes\":%d,\"nanos\":%d,\"mb_per_s\":%.1f}",
          bytes, nanos, megabytesPerSecond());
    }
  }

  private RawTcpThroughput() {}

  /**
   * Sends {@code totalBytes} over a fresh loopback TCP connection and times it.
   *
   * @param totalBytes bytes to move, at least 1
   * @param chunkBytes bytes per write, 1 to 16 MiB
   * @param timeout the most the measurement may take
   * @throws IOException if the sockets cannot be set up, or the transfer fails or times out
   */
  public static Result measure(long totalBytes, int chunkBytes, Duration timeout)
      throws IOException, InterruptedException {
    if (totalBytes < 1) {
      throw new IllegalArgumentException("totalBytes must be >= 1, was " + totalBytes);
    }
    if (chunkBytes < 1 || chunkBytes > 1 << 24) {
      throw new IllegalArgumentException("chunkBytes must be in [1, 16777216], was " + chunkBytes);
    }
    // Two loops, so the reader and the writer each have a thread, as two nodes would.
    EventLoopGroup group = NettyIo.newGroup(2, TcpTransport.LOG);
    CompletableFuture<Long> done = new CompletableFuture<>();
    Channel server = null;
    Channel client = null;
    try {
      server = new ServerBootstrap()
          .group(group)
          .channel(NettyIo.serverChannel())
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new Sink(totalBytes, done));
            }
          })
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .sync().channel();
      Source source = new Source(totalBytes, chunkBytes);
      client = new Bootstrap()
          .group(group)
          .channel(NettyIo.socketChannel())
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
              new WriteBufferWaterMark(1 << 20, 4 << 20))
          .handler(source)
          .connect(server.localAddress())
          .sync().channel();
      long start = source.started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long end = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Result(totalBytes, end - start);
    } catch (ExecutionException e) {
      throw new IOException("raw tcp measurement failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("raw tcp measurement did not finish within " + timeout, e);
    } catch (RuntimeException e) {
      throw new IOException("raw tcp measurement failed: " + e, e);
    } finally {
      if (client != null) {
        client.close();
      }
      if (server != null) {
        server.close();
      }
      NettyIo.shutdown(group);
    }
  }

  /**
   * Prints one measurement as JSON; arguments: total bytes (default 1 GiB) and chunk bytes
   * (default 64 KiB).
   */
  public static void main(String[] args) throws Exception {
    long total = args.length > 0 ? Long.parseLong(args[0]) : 1L << 30;
    int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 64 << 10;
    System.out.println(measure(total, chunk, Duration.ofMinutes(5)).toJson());
  }

  /** Writes the same chunk until the total is sent, pausing while the socket is not writable. */
  private static final class Source extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Long> started = new CompletableFuture<>();
    private final long total;
    private final int chunkBytes;
    private ByteBuf chunk;
    private long sent;

    Source(long total, int chunkBytes) {
      this.total = total;
      this.chunkBytes = chunkBytes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      chunk = ctx.alloc().directBuffer(chunkBytes).writeZero(chunkBytes);
      started.complete(System.nanoTime());
      pump(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      pump(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (chunk != null) {
        chunk.release();
        chunk = null;
      }
    }

    private void pump(ChannelHandlerContext ctx) {
      Channel ch = ctx.channel();
      while (sent < total && ch.isWritable() && chunk != null) {
        int n = (int) Math.min(chunkBytes, total - sent);
        ctx.write(chunk.retainedSlice(0, n));
        sent += n;
      }
      ctx.flush();
    }
  }

  /** Counts and discards what arrives; completes with the time the last byte was read. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    private final long total;
    private final CompletableFuture<Long> done;
    private long received;

    Sink(long total, CompletableFuture<Long> done) {
      this.total = total;
      this.done = done;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf) {
        received += ((ByteBuf) msg).readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (received >= total) {
        done.complete(System.nanoTime());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
      ctx.close();
    }
  }
}
