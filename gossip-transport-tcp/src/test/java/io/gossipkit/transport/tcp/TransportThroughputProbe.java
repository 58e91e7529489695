package io.gossipkit.transport.tcp;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A manual measurement, not a test: encrypted {@link TcpTransport} throughput between two nodes in
 * this JVM over loopback, beside {@link RawTcpThroughput} measured right after, so the cost of
 * handshake, sealing and framing can be compared with plain TCP on the same machine.
 *
 * <p>Run from the repository root after {@code ./mvnw -pl gossip-transport-tcp -am test-compile}:
 * {@code java -cp <test classpath> io.gossipkit.transport.tcp.TransportThroughputProbe [totalBytes]
 * [frameBytes]}; prints one JSON object per run (3 runs).
 */
final class TransportThroughputProbe {
  private TransportThroughputProbe() {}

  public static void main(String[] args) throws Exception {
    long total = args.length > 0 ? Long.parseLong(args[0]) : 256L << 20;
    int frame = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
    for (int run = 0; run < 3; run++) {
      AtomicLong received = new AtomicLong();
      CountDownLatch done = new CountDownLatch(1);
      try (TcpTransport a = TcpFixtures.testConfig().build();
          TcpTransport b = TcpFixtures.testConfig().build()) {
        a.start((from, p) -> { });
        b.start((from, p) -> {
          if (received.addAndGet(p.length) >= total) {
            done.countDown();
          }
        });
        InetSocketAddress to = b.localAddress();
        byte[] payload = new byte[frame];
        long start = System.nanoTime();
        for (long sent = 0; sent < total; ) {
          if (a.send(to, payload)) {
            sent += frame;
          } else {
            LockSupport.parkNanos(200_000); // backpressure: wait for the buffer to drain
          }
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
          throw new IllegalStateException("not all frames arrived: " + b.metrics());
        }
        long nanos = System.nanoTime() - start;
        RawTcpThroughput.Result raw =
            RawTcpThroughput.measure(total, 64 << 10, java.time.Duration.ofMinutes(5));
        System.out.println(String.format(Locale.ROOT,
            "{\"bytes\":%d,\"frame_bytes\":%d,\"tcp_transport_mb_per_s\":%.1f,"
                + "\"raw_tcp_mb_per_s\":%.1f}",
            total, frame, total * 1_000.0 / nanos, raw.megabytesPerSecond()));
      }
    }
  }
}
