package io.gossipkit.transport.tcp;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place that picks Netty's I/O flavour for TCP: native epoll when {@link
 * Epoll#isAvailable()}, NIO otherwise, so the transport and the raw-throughput baseline always
 * run on the same kind of socket.
 */
final class NettyIo {
  private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

  private NettyIo() {}

  static boolean epoll() {
    return Epoll.isAvailable();
  }

  static String name() {
    return epoll() ? "epoll" : "nio";
  }

  /** A group of {@code threads} event loops; logs once per JVM why epoll is not used, if not. */
  static EventLoopGroup newGroup(int threads, System.Logger log) {
    boolean epoll = epoll();
    if (!epoll && FALLBACK_LOGGED.compareAndSet(false, true)) {
      log.log(Level.INFO, "native epoll unavailable, using NIO for TCP: {0}",
          String.valueOf(Epoll.unavailabilityCause()));
    }
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, io);
  }

  static Class<? extends ServerChannel> serverChannel() {
    return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  static Class<? extends SocketChannel> socketChannel() {
    return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** Shuts {@code group} down and waits up to 5 s, unless called from one of its own threads. */
  static void shutdown(EventLoopGroup group) {
    if (group == null) {
      return;
    }
    var f = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    if (!isLoopOf(group)) {
      f.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** True if the calling thread is one of {@code group}'s event loops: it must not wait on them. */
  static boolean isLoopOf(EventLoopGroup group) {
    if (group == null) {
      return false;
    }
    for (var loop : group) {
      if (loop.inEventLoop()) {
        return true;
      }
    }
    return false;
  }
}
