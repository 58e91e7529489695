package io.gossipkit.transport.tcp;

import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Transport;
import io.gossipkit.crypto.handshake.HandshakeConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Shared test helpers: handshake configs, transports on 127.0.0.1, bounded waits. */
final class TcpFixtures {
  static final String LABEL = "tcp-test";
  static final byte[] PSK = key(1);
  static final byte[] OTHER_PSK = key(2);
  private static final AtomicInteger NODES = new AtomicInteger();

  private TcpFixtures() {}

  static byte[] key(int seed) {
    byte[] k = new byte[HandshakeConfig.PSK_BYTES];
    Arrays.fill(k, (byte) seed);
    k[0] = (byte) 0x5a;
    return k;
  }

  static InetSocketAddress loopback(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** A PSK handshake config for a fresh node id, allowing the default TCP frame size. */
  static HandshakeConfig.Builder handshake(byte[] psk) {
    return HandshakeConfig.builder()
        .clusterLabel(LABEL)
        .localNode(NodeId.of("tcp-node-" + NODES.incrementAndGet()))
        .preSharedKey(psk)
        .clock(Clock.system())
        .maxFrameBytes(TcpTransport.DEFAULT_MAX_FRAME_BYTES);
  }

  /** The test default: PSK, 127.0.0.1 on a free port; {@code tweak} changes anything. */
  static TcpTransport.Builder testConfig() {
    return TcpTransport.builder().bind(loopback(0)).handshake(handshake(PSK).build());
  }

  static TcpTransport newNode(Consumer<TcpTransport.Builder> tweak) {
    TcpTransport.Builder b = testConfig();
    tweak.accept(b);
    return b.build();
  }

  static TcpTransport started(TcpTransport t, Transport.Receiver r) throws Exception {
    t.start(r);
    return t;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static long metric(TcpTransport t, String name) {
    return t.metrics().getOrDefault(name, 0L);
  }

  /** Asserts that counter {@code name} of {@code t} reaches {@code value} within 10 s. */
  static void awaitMetric(TcpTransport t, String name, long value) throws InterruptedException {
    if (!await(() -> metric(t, name) == value, 10_000)) {
      throw new AssertionError(name + " is " + metric(t, name) + ", expected " + value + ": "
          + t.metrics());
    }
  }

  /** Polls {@code condition} every 5 ms for at most {@code millis}; true if it became true. */
  static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }
}
