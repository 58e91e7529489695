package io.gossipkit.transport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UdpTransportTest {
  private record Got(InetSocketAddress from, byte[] bytes) {}

  private static UdpTransport.Builder on(String host) {
    return UdpTransport.builder().bind(new InetSocketAddress(host, 0));
  }

  private static Got poll(BlockingQueue<Got> q) throws InterruptedException {
    return q.poll(5, TimeUnit.SECONDS);
  }

  private static void roundTrip(String host) throws Exception {
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    try (UdpTransport a = on(host).build(); UdpTransport b = on(host).build()) {
      a.start((f, p) -> { });
      b.start((f, p) -> inbox.add(new Got(f, p)));
      assertTrue(a.send(b.localAddress(), new byte[] {1, 2, 3}));
      Got g = poll(inbox);
      assertNotNull(g);
      assertArrayEquals(new byte[] {1, 2, 3}, g.bytes());
      assertEquals(a.localAddress().getPort(), g.from().getPort());
      assertEquals(InetAddress.getByName(host), g.from().getAddress());
    }
  }

  /**
   * Packets send() accepted go out even when close() follows at once: a node's last words (SWIM's
   * leave, sent right before it closes) were dropped by the drain, which released everything
   * queued once close() had begun.
   */
  @Test
  void packetsAcceptedJustBeforeCloseAreStillSent() throws Exception {
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    try (UdpTransport b = on("127.0.0.1").build()) {
      b.start((f, p) -> inbox.add(new Got(f, p)));
      UdpTransport a = on("127.0.0.1").build();
      a.start((f, p) -> { });
      int accepted = 0;
      for (int i = 0; i < 6; i++) {
        if (a.send(b.localAddress(), new byte[] {(byte) i})) {
          accepted++;
        }
      }
      a.close();
      assertEquals(6, accepted);
      for (int i = 0; i < accepted; i++) {
        assertNotNull(poll(inbox), "packet " + i + " of " + accepted + " was dropped by close()");
      }
    }
  }

  @Test
  void carriesPacketsOverIpv4Loopback() throws Exception {
    roundTrip("127.0.0.1");
  }

  /** A raw socket bound to the loopback address, so the test sends only from 127.0.0.1. */
  private static DatagramSocket loopbackSocket() throws SocketException {
    return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @Test
  void carriesPacketsOverIpv6Loopback() throws Exception {
    boolean ipv6;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("::1", 0))) {
      ipv6 = true;
    } catch (Exception e) {
      ipv6 = false;
    }
    assumeTrue(ipv6, "this host has no IPv6 loopback (::1)");
    roundTrip("::1");
  }

  @Test
  void bindEarlyReportsTheRealPortAndDropsPacketsBeforeStart() throws Exception {
    try (UdpTransport t = on("127.0.0.1").build(); DatagramSocket raw = loopbackSocket()) {
      assertEquals(0, t.localAddress().getPort());
      assertTrue(t == t.bind());
      int port = t.localAddress().getPort();
      assertNotEquals(0, port);
      assertEquals(t.boundAddress(), t.bind().boundAddress(), "bind() is idempotent");
      raw.send(new DatagramPacket(new byte[] {9}, 1, t.localAddress()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      for (int i = 0; i < 1_000 && t.metrics().get("dropped.not_started") == 0
          && System.nanoTime() < deadline; i++) {
        Thread.sleep(5);
      }
      assertEquals(1L, t.metrics().get("dropped.not_started"));
      BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
      t.start((f, p) -> inbox.add(new Got(f, p)));
      assertEquals(port, t.localAddress().getPort(), "start keeps the early-bound socket");
      raw.send(new DatagramPacket(new byte[] {7}, 1, t.localAddress()));
      assertArrayEquals(new byte[] {7}, poll(inbox).bytes());
      assertThrows(IllegalStateException.class, () -> t.start((f, p) -> { }));
    }
  }

  @Test
  void advertisedAddressIsSeparateFromTheBoundOne() throws Exception {
    InetSocketAddress advertised = new InetSocketAddress("10.1.2.3", 7946);
    try (UdpTransport t = on("127.0.0.1").advertise(advertised).build()) {
      t.start((f, p) -> { });
      assertEquals(advertised, t.localAddress());
      assertEquals(InetAddress.getByName("127.0.0.1"), t.boundAddress().getAddress());
      assertNotEquals(0, t.boundAddress().getPort());
    }
  }

  @Test
  void dropsOversizedDatagramsAndRecovers() throws Exception {
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    try (UdpTransport t = on("127.0.0.1").maxPacketBytes(1000).build();
        DatagramSocket raw = loopbackSocket()) {
      t.start((f, p) -> inbox.add(new Got(f, p)));
      raw.send(new DatagramPacket(new byte[1001], 1001, t.localAddress()));
      raw.send(new DatagramPacket(new byte[60_000], 60_000, t.localAddress()));
      raw.send(new DatagramPacket(new byte[1000], 1000, t.localAddress()));
      Got g = poll(inbox);
      assertNotNull(g, "a packet of exactly the limit did not arrive after oversized ones");
      assertEquals(1000, g.bytes().length);
      assertEquals(2L, t.metrics().get("dropped.oversized"));
      assertEquals(1L, t.metrics().get("packets.in"));
      assertNull(inbox.poll(50, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void carriesTheLargestUdpPayload() throws Exception {
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    try (UdpTransport a = on("127.0.0.1").maxPacketBytes(65_507).build();
        UdpTransport b = on("127.0.0.1").maxPacketBytes(65_507).build()) {
      a.start((f, p) -> { });
      b.start((f, p) -> inbox.add(new Got(f, p)));
      byte[] big = new byte[65_507];
      new Random(1).nextBytes(big);
      assertTrue(a.send(b.localAddress(), big));
      assertArrayEquals(big, poll(inbox).bytes());
      assertFalse(a.send(b.localAddress(), new byte[65_508]));
      assertEquals(1L, a.metrics().get("dropped.too_large"));
      // packets.out is counted when the write completes, which may be just after delivery.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (a.metrics().get("packets.out") == 0 && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      assertEquals(1L, a.metrics().get("packets.out"));
      assertEquals(65_507L, a.metrics().get("bytes.out"));
    }
  }

  @Test
  void receiverThatThrowsIsCountedAndTheChannelKeepsReading() throws Exception {
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    try (UdpTransport a = on("127.0.0.1").build(); UdpTransport b = on("127.0.0.1").build()) {
      a.start((f, p) -> { });
      b.start(
          (f, p) -> {
            if (p[0] == 0) {
              throw new IllegalStateException("bad packet");
            }
            inbox.add(new Got(f, p));
          });
      assertTrue(a.send(b.localAddress(), new byte[] {0}));
      assertTrue(a.send(b.localAddress(), new byte[] {0}));
      assertTrue(a.send(b.localAddress(), new byte[] {1}));
      assertArrayEquals(new byte[] {1}, poll(inbox).bytes());
      assertEquals(2L, b.metrics().get("dropped.receiver_error"));
      assertEquals(3L, b.metrics().get("packets.in"));
      assertEquals(3L, b.metrics().get("bytes.in"));
    }
  }

  @Test
  void aBurstFromSeveralThreadsArrivesWholeAndEachSendersPacketsInOrder() throws Exception {
    int threads = 4;
    int perThread = 500;
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    try (UdpTransport a = on("127.0.0.1").build(); UdpTransport b = on("127.0.0.1").build()) {
      a.start((f, p) -> { });
      b.start((f, p) -> inbox.add(new Got(f, p)));
      // An assertion failing in a sender thread would not fail the test: count refusals instead.
      AtomicInteger refused = new AtomicInteger();
      Thread[] senders = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        int id = t;
        senders[t] = new Thread(() -> {
          for (int i = 0; i < perThread; i++) {
            if (!a.send(b.localAddress(), new byte[] {(byte) id, (byte) (i >>> 8), (byte) i})) {
              refused.incrementAndGet();
            }
          }
        });
        senders[t].start();
      }
      for (Thread t : senders) {
        t.join(10_000);
        assertFalse(t.isAlive(), "a sender thread was still sending after 10 s");
      }
      assertEquals(0, refused.get(), "sends refused: " + a.metrics());
      int[] next = new int[threads];
      for (int n = 0; n < threads * perThread; n++) {
        Got g = poll(inbox);
        assertNotNull(g, "only " + n + " of " + threads * perThread + " arrived; " + a.metrics());
        int id = g.bytes()[0];
        int seq = ((g.bytes()[1] & 0xff) << 8) | (g.bytes()[2] & 0xff);
        assertEquals(next[id]++, seq, "packets of sender thread " + id + " out of order");
      }
      assertEquals((long) threads * perThread, a.metrics().get("packets.out"));
      assertEquals(0L, a.metrics().get("dropped.queue_full"));
    }
  }

  @Test
  void sendNeverThrows() throws Exception {
    try (UdpTransport t = on("127.0.0.1").build()) {
      assertFalse(t.send(new InetSocketAddress("127.0.0.1", 9), new byte[1]), "not started yet");
      t.start((f, p) -> { });
      assertFalse(t.send(InetSocketAddress.createUnresolved("nowhere", 1), new byte[1]));
      t.close();
      assertFalse(t.send(new InetSocketAddress("127.0.0.1", 9), new byte[1]));
      assertEquals(3L, t.metrics().get("dropped.send_failed"));
    }
  }

  @Test
  void closeReleasesThePortForAnotherBind() throws Exception {
    UdpTransport first = on("127.0.0.1").build();
    first.start((f, p) -> { });
    InetSocketAddress address = first.boundAddress();
    first.close();
    try (UdpTransport second = UdpTransport.builder().bind(address).build()) {
      second.start((f, p) -> { });
      assertEquals(address, second.boundAddress());
    }
    assertThrows(IllegalStateException.class, () -> first.start((f, p) -> { }));
  }

  @Test
  void builderChecksItsArguments() {
    assertThrows(IllegalStateException.class, () -> UdpTransport.builder().build());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> UdpTransport.builder().maxPacketBytes(65_508));
    assertEquals("maxPacketBytes must be between 1 and 65507, was 65508", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> UdpTransport.builder().maxPacketBytes(0));
    assertThrows(IllegalArgumentException.class,
        () -> UdpTransport.builder().bind(InetSocketAddress.createUnresolved("x", 1)));
  }

  @Test
  void bindFailureIsAnIoException() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      UdpTransport t = UdpTransport.builder()
          .bind((InetSocketAddress) taken.getLocalSocketAddress()).build();
      assertThrows(java.io.IOException.class, t::bind);
      t.close();
    }
  }
}
