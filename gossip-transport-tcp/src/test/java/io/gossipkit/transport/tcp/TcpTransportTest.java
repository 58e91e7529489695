package io.gossipkit.transport.tcp;

import static io.gossipkit.transport.tcp.TcpFixtures.await;
import static io.gossipkit.transport.tcp.TcpFixtures.awaitMetric;
import static io.gossipkit.transport.tcp.TcpFixtures.handshake;
import static io.gossipkit.transport.tcp.TcpFixtures.loopback;
import static io.gossipkit.transport.tcp.TcpFixtures.metric;
import static io.gossipkit.transport.tcp.TcpFixtures.newNode;
import static io.gossipkit.transport.tcp.TcpFixtures.testConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Transport;
import io.gossipkit.crypto.handshake.Ed25519Keys;
import io.gossipkit.crypto.handshake.HandshakeConfig;
import io.gossipkit.crypto.handshake.HandshakeFailure;
import io.gossipkit.crypto.handshake.KeyDirectory;
import io.gossipkit.crypto.handshake.RekeyPolicy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stream behaviour of {@link TcpTransport} between real nodes on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpTransportTest {
  private record Got(InetSocketAddress from, byte[] bytes) {}

  private final List<TcpTransport> nodes = new ArrayList<>();

  @AfterEach
  void closeNodes() {
    nodes.forEach(TcpTransport::close);
  }

  private TcpTransport node(TcpTransport.Builder b, BlockingQueue<Got> inbox) throws Exception {
    TcpTransport t = b.build();
    nodes.add(t);
    t.start((from, bytes) -> inbox.add(new Got(from, bytes)));
    return t;
  }

  private static Got poll(BlockingQueue<Got> q) throws InterruptedException {
    return q.poll(10, TimeUnit.SECONDS);
  }

  /** Sends {@code p} from {@code from} to {@code to}; asserts it arrives intact in {@code inbox}.*/
  private static Got deliver(TcpTransport from, InetSocketAddress to, BlockingQueue<Got> inbox,
      byte[] p) throws InterruptedException {
    assertTrue(from.send(to, p), "send refused: " + from.metrics());
    Got got = poll(inbox);
    assertNotNull(got, "a frame of " + p.length + " bytes to " + to + " did not arrive");
    assertArrayEquals(p, got.bytes(), "the frame arrived changed");
    return got;
  }

  /** Sends, retrying while the connection's buffer is full, for at most 10 s. */
  private static void sendPatiently(TcpTransport t, InetSocketAddress to, byte[] p)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!t.send(to, p)) {
      assertTrue(System.nanoTime() < deadline, "send kept being refused for 10 s: " + t.metrics());
      Thread.sleep(1);
    }
  }

  @Test
  void carriesA4MiBFrameEachWayOverOneConnection() throws Exception {
    BlockingQueue<Got> inboxA = new LinkedBlockingQueue<>();
    BlockingQueue<Got> inboxB = new LinkedBlockingQueue<>();
    TcpTransport a = node(testConfig(), inboxA);
    TcpTransport b = node(testConfig(), inboxB);
    byte[] big = new byte[4 << 20];
    new Random(4).nextBytes(big);

    Got atB = deliver(a, b.localAddress(), inboxB, big);
    assertEquals(a.localAddress(), atB.from(), "b must see a's advertised address");

    byte[] reply = new byte[4 << 20];
    new Random(5).nextBytes(reply);
    Got atA = deliver(b, atB.from(), inboxA, reply);
    assertEquals(b.localAddress(), atA.from());

    assertEquals(1L, metric(a, "connections.outbound"));
    assertEquals(0L, metric(b, "connections.outbound"), "b must reply over a's connection");
    assertEquals(1L, metric(b, "connections.inbound"));
    assertEquals(4L << 20, metric(b, "bytes.in"));
    assertTrue(metric(b, "wire.bytes.in") > metric(b, "bytes.in"), "wire counts seal and framing");
    // The high-water marks: the largest payload each way, and a buffer that held one frame.
    assertEquals(4L << 20, metric(a, "frames.largest_out"));
    assertEquals(4L << 20, metric(b, "frames.largest_in"));
    long peak = metric(a, "buffered.bytes.peak");
    assertTrue(peak >= 4L << 20 && peak <= 5L << 20, "peak " + peak + " for one 4 MiB frame");
  }

  @Test
  void aSaturatedReceiverPausesReadingSoFramesWaitInTheStreamNotDropped() throws Exception {
    AtomicBoolean saturated = new AtomicBoolean(true);
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    TcpTransport b = testConfig().build();
    nodes.add(b);
    b.start(new Transport.Receiver() {
      @Override
      public void onPacket(InetSocketAddress from, byte[] packet) {
        inbox.add(new Got(from, packet));
      }

      @Override
      public boolean isSaturated() {
        return saturated.get();
      }
    });
    TcpTransport a = node(testConfig().outboundBufferBytes(256 << 10), new LinkedBlockingQueue<>());

    // The first frame sets the session up and is delivered; b stops reading after it.
    byte[] first = new byte[64 << 10];
    assertTrue(a.send(b.localAddress(), first));
    Got got0 = poll(inbox);
    assertNotNull(got0, "the first frame never arrived: " + b.metrics());
    assertEquals(0, ByteBuffer.wrap(got0.bytes()).getInt());
    // Then numbered 64 KiB frames until 50 sends in a row, 2 ms apart, are refused: the sockets'
    // buffers and then a's fill up, as b reads nothing more.
    int accepted = 1;
    int refusedInARow = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (int i = 0; i < 4_000 && refusedInARow < 50 && System.nanoTime() < deadline; i++) {
      byte[] frame = new byte[64 << 10];
      ByteBuffer.wrap(frame).putInt(accepted);
      if (a.send(b.localAddress(), frame)) {
        accepted++;
        refusedInARow = 0;
      } else {
        refusedInARow++;
        Thread.sleep(2);
      }
    }
    assertEquals(50, refusedInARow, "a's sends were never refused: b kept reading");
    assertTrue(metric(b, "reads.paused") >= 1, b.metrics().toString());
    assertTrue(inbox.size() < accepted / 2,
        inbox.size() + " more of " + accepted + " frames delivered to a saturated receiver");

    saturated.set(false);
    for (int i = 1; i < accepted; i++) {
      Got got = poll(inbox);
      assertNotNull(got, "frame " + i + " of " + accepted + " never arrived: " + b.metrics());
      assertEquals(i, ByteBuffer.wrap(got.bytes()).getInt(), "in order, none lost");
    }
    assertEquals(0L, metric(b, "dropped.receiver_error"));
  }

  @Test
  void deliversTenThousandFramesInOrderAcrossManyRekeys() throws Exception {
    // A rekey every 100 frames (or 64 KiB): 10,000 frames cross at least 100 ratchet turns.
    RekeyPolicy often = RekeyPolicy.of(64 << 10, 100);
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    HandshakeConfig.Builder rekeying = handshake(TcpFixtures.PSK).rekeyPolicy(often);
    TcpTransport a = node(testConfig().handshake(rekeying.build()), new LinkedBlockingQueue<>());
    List<Integer> order = new ArrayList<>();
    AtomicInteger corrupt = new AtomicInteger();
    TcpTransport b = testConfig().handshake(
        handshake(TcpFixtures.PSK).rekeyPolicy(often).build()).build();
    nodes.add(b);
    b.start((from, bytes) -> {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      int i = buf.getInt();
      for (int k = 4; k < bytes.length; k++) {
        if (bytes[k] != (byte) (i * 31 + k)) {
          corrupt.incrementAndGet();
          break;
        }
      }
      synchronized (order) {
        order.add(i);
      }
    });
    Random random = new Random(10);
    int count = 10_000;
    for (int i = 0; i < count; i++) {
      byte[] p = new byte[4 + random.nextInt(2_000)];
      ByteBuffer.wrap(p).putInt(i);
      for (int k = 4; k < p.length; k++) {
        p[k] = (byte) (i * 31 + k);
      }
      sendPatiently(a, b.localAddress(), p);
    }
    assertTrue(await(() -> {
      synchronized (order) {
        return order.size() >= count;
      }
    }, 20_000), "only " + order.size() + " of " + count + " frames arrived: " + b.metrics());
    assertEquals(0, corrupt.get());
    synchronized (order) {
      for (int i = 0; i < count; i++) {
        assertEquals(i, order.get(i), "frame " + i + " out of order");
      }
    }
    assertEquals(0L, metric(b, "closed.auth"));
  }

  @Test
  void theReceiverReportsTheAdvertisedAddressAndRepliesReachItOverTheSameConnection()
      throws Exception {
    BlockingQueue<Got> inboxA = new LinkedBlockingQueue<>();
    BlockingQueue<Got> inboxB = new LinkedBlockingQueue<>();
    // Nothing listens at a's advertised address: a reply can only come back over a's connection.
    InetSocketAddress advertised;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      advertised = loopback(s.getLocalPort());
    }
    TcpTransport a = node(testConfig().advertise(advertised), inboxA);
    TcpTransport b = node(testConfig(), inboxB);
    assertEquals(advertised, a.localAddress());
    assertEquals(advertised, deliver(a, b.localAddress(), inboxB, new byte[] {1}).from());
    // The reply to the advertised address must come back over a's connection.
    deliver(b, advertised, inboxA, new byte[] {2});
    assertEquals(0L, metric(b, "connections.outbound"));
  }

  @Test
  void closesIdleConnectionsAndDialsAgainOnTheNextSend() throws Exception {
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    TcpTransport a =
        node(testConfig().idleTimeout(Duration.ofMillis(300)), new LinkedBlockingQueue<>());
    TcpTransport b = node(testConfig(), inbox);
    deliver(a, b.localAddress(), inbox, new byte[] {1});
    awaitMetric(a, "closed.idle", 1);
    awaitMetric(a, "connections.open", 0);
    assertTrue(await(() -> metric(b, "connections.open") == 0, 5_000), "b kept its end open");
    deliver(a, b.localAddress(), inbox, new byte[] {2});
    assertEquals(2L, metric(a, "connections.outbound"));
  }

  /**
   * A node whose receiver holds its event loop on the first frame longer than one byte, until
   * {@code reading} opens: from then on it reads nothing.
   */
  private TcpTransport stalledReader(BlockingQueue<Got> inbox, CountDownLatch reading)
      throws Exception {
    TcpTransport b = testConfig().build();
    nodes.add(b);
    b.start((from, bytes) -> {
      inbox.add(new Got(from, bytes));
      if (bytes.length > 1) {
        try {
          reading.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    return b;
  }

  /**
   * Sends from {@code a} to {@code b} until the kernel's socket buffers (which grow on loopback)
   * are full too: a's own outbound buffer holds frames, and a pause in which its event loop could
   * write them changes nothing. Returns the frames accepted.
   */
  private static int fillUntilTheKernelIsFull(TcpTransport a, TcpTransport b) throws Exception {
    int accepted = 0;
    long held = -1;
    for (int pause = 0; pause < 100; pause++) {
      while (accepted < 5_000 && a.send(b.localAddress(), new byte[20_000])) {
        accepted++;
      }
      long before = a.metrics().get("buffered.bytes");
      Thread.sleep(50);
      held = a.metrics().get("buffered.bytes");
      if (held > 0 && held == before) {
        break;
      }
    }
    assertTrue(held > 0, "the kernel took all " + accepted + " frames: nothing left to drain");
    return accepted;
  }

  /** A sender whose frames fill every buffer towards a receiver that reads nothing for now. */
  private record Stalled(TcpTransport sender, InetSocketAddress to, BlockingQueue<Got> inbox,
      CountDownLatch reading, int accepted) {
    /** Calls the sender's close() on a thread of its own, which close() may hold for a while. */
    Thread closeInBackground() {
      Thread closer = new Thread(sender::close, "closer");
      closer.start();
      return closer;
    }
  }

  /** Opens a ready connection to a {@link #stalledReader} and fills every buffer on the way. */
  private Stalled stalledWithEveryBufferFull() throws Exception {
    BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
    CountDownLatch reading = new CountDownLatch(1);
    TcpTransport b = stalledReader(inbox, reading);
    TcpTransport a = testConfig().build();
    a.start((from, bytes) -> { });
    deliver(a, b.localAddress(), inbox, new byte[] {-1}); // the connection is READY
    return new Stalled(a, b.localAddress(), inbox, reading, fillUntilTheKernelIsFull(a, b));
  }

  @Test
  void framesAcceptedOnAReadyConnectionJustBeforeCloseAreStillSent() throws Exception {
    Stalled st = stalledWithEveryBufferFull();

    long refusedBefore = st.sender().metrics().get("dropped.send_failed");
    Thread closer = st.closeInBackground();
    // close() refuses sends from its first step on, counting them as dropped.send_failed: probe
    // until one is refused so. A probe the sender accepted before that (the full buffer refuses
    // most as dropped.queue_full) is one more frame accepted just before close.
    int probesAccepted = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (int i = 0; i < 1_000 && System.nanoTime() < deadline
        && st.sender().metrics().get("dropped.send_failed") == refusedBefore; i++) {
      if (st.sender().send(st.to(), new byte[] {7})) {
        probesAccepted++;
      }
      Thread.sleep(5);
    }
    assertTrue(st.sender().metrics().get("dropped.send_failed") > refusedBefore,
        "close() did not begin within 5 s: " + st.sender().metrics());
    // b reads again only once close() has begun and had time to close the connection: a close
    // that did not wait for the outbound buffer would have dropped what it held by then.
    assertTrue(await(() -> closer.getState() == Thread.State.TIMED_WAITING, 5_000),
        "close() is not waiting for anything: " + closer.getState());
    Thread.sleep(200);
    st.reading().countDown();
    closer.join(10_000);
    assertFalse(closer.isAlive(), "close() had not returned 10 s after the peer read again");

    int expected = st.accepted() + probesAccepted;
    for (int i = 0; i < expected; i++) {
      assertNotNull(poll(st.inbox()), "frame " + i + " of " + expected + " was dropped");
    }
  }

  @Test
  void closeGivesUpOnAPeerThatTakesNothingAndReturns() throws Exception {
    Stalled st = stalledWithEveryBufferFull();

    Thread closer = st.closeInBackground();
    closer.join(TcpTransport.CLOSE_DRAIN_MILLIS + 5_000);
    boolean stuck = closer.isAlive();
    st.reading().countDown();

    assertFalse(stuck, "close() still waiting for a peer that reads nothing");
  }

  @Test
  void queuesFramesWhileConnectingAndDeliversThemInOrder() throws Exception {
    List<Integer> got = new ArrayList<>();
    TcpTransport a = node(testConfig(), new LinkedBlockingQueue<>());
    TcpTransport b = testConfig().build();
    nodes.add(b);
    b.start((from, bytes) -> {
      synchronized (got) {
        got.add((int) bytes[0]);
      }
    });
    // All 50 are sent before the handshake can have finished: they wait in the queue.
    for (int i = 0; i < 50; i++) {
      assertTrue(a.send(b.localAddress(), new byte[] {(byte) i}));
    }
    assertTrue(await(() -> {
      synchronized (got) {
        return got.size() == 50;
      }
    }, 10_000));
    synchronized (got) {
      for (int i = 0; i < 50; i++) {
        assertEquals(i, got.get(i));
      }
    }
    assertEquals(1L, metric(a, "connections.outbound"));
  }

  @Test
  void countsFramesLostWhenTheDialFails() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      deadPort = s.getLocalPort();
    }
    TcpTransport a = node(testConfig(), new LinkedBlockingQueue<>());
    // Loopback refuses a dial to a closed port at once, sometimes before send() returns: then the
    // connection is found closed, dialled afresh once, and the frame refused on the spot if that
    // fails too; otherwise it is queued and lost. Either way every failed dial is counted.
    boolean queued = a.send(loopback(deadPort), new byte[] {1});
    assertTrue(await(() -> metric(a, "closed.connect_failed") >= 1, 10_000), a.metrics().toString());
    if (queued) {
      awaitMetric(a, "dropped.connection_closed", 1);
    } else {
      assertEquals(2L, metric(a, "closed.connect_failed"), a.metrics().toString());
      assertEquals(1L, metric(a, "dropped.send_failed"), a.metrics().toString());
    }
    assertTrue(metric(a, "closed.connect_failed") <= 2, a.metrics().toString());
    assertEquals(0L, metric(a, "connections.open"));
  }

  @Test
  void aDialThatHangsIsAbandonedAfterTheConnectTimeout() throws Exception {
    // A listener that never accepts: once its accept queue is full, the kernel ignores further
    // connection attempts, so a dial neither succeeds nor fails until the timeout.
    try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      List<java.net.Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          java.net.Socket s = new java.net.Socket();
          try {
            s.connect(full.getLocalSocketAddress(), 200);
            fillers.add(s);
          } catch (java.io.IOException queueFull) {
            s.close();
            break;
          }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(fillers.size() < 8,
            "this kernel completes connections beyond a full accept queue");
        TcpTransport a = node(testConfig().connectTimeout(Duration.ofMillis(300))
            .handshakeTimeout(Duration.ofSeconds(30)), new LinkedBlockingQueue<>());
        long start = System.nanoTime();
        assertTrue(a.send(loopback(full.getLocalPort()), new byte[] {1}), "queued while dialling");
        awaitMetric(a, "closed.connect_failed", 1);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis >= 250, "gave up after " + tookMillis + " ms, before the timeout");
        awaitMetric(a, "dropped.connection_closed", 1);
        assertEquals(0L, metric(a, "connections.outbound"), "the dial never connected");
      } finally {
        for (java.net.Socket s : fillers) {
          s.close();
        }
      }
    }
  }

  @Test
  void ed25519IdentitiesAuthenticateAndAnUnknownNodeIsRefused() throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] privA = Ed25519Keys.generatePrivateKey(random);
    byte[] privB = Ed25519Keys.generatePrivateKey(random);
    byte[] privStranger = Ed25519Keys.generatePrivateKey(random);
    KeyDirectory directory = KeyDirectory.of(Map.of(
        NodeId.of("ed-a"), Ed25519Keys.publicKey(privA),
        NodeId.of("ed-b"), Ed25519Keys.publicKey(privB)));
    BlockingQueue<Got> inboxB = new LinkedBlockingQueue<>();
    TcpTransport a = node(testConfig().handshake(identity("ed-a", privA, directory)),
        new LinkedBlockingQueue<>());
    HandshakeConfig bConfig = identity("ed-b", privB, directory);
    TcpTransport b = node(testConfig().handshake(bConfig), inboxB);
    TcpTransport stranger = node(testConfig().handshake(identity("ed-x", privStranger, directory)),
        new LinkedBlockingQueue<>());

    deliver(a, b.localAddress(), inboxB, new byte[] {7});

    assertTrue(stranger.send(b.localAddress(), new byte[] {8}), "queued while the handshake runs");
    awaitMetric(b, "closed.handshake_failed", 1);
    assertEquals(1L, bConfig.metrics().failures(HandshakeFailure.UNKNOWN_PEER));
    assertNull(inboxB.poll(100, TimeUnit.MILLISECONDS), "the stranger's frame was delivered");
  }

  private static HandshakeConfig identity(String node, byte[] privateKey, KeyDirectory dir) {
    return HandshakeConfig.builder().clusterLabel(TcpFixtures.LABEL).localNode(NodeId.of(node))
        .identity(privateKey, dir).clock(Clock.system())
        .maxFrameBytes(TcpTransport.DEFAULT_MAX_FRAME_BYTES).build();
  }

  @Test
  void sendRefusesWithoutThrowing() throws Exception {
    TcpTransport t = testConfig().maxFrameBytes(1_000).build();
    nodes.add(t);
    assertFalse(t.send(loopback(9), new byte[1]), "not started yet");
    t.start((f, p) -> { });
    assertFalse(t.send(loopback(9), new byte[1_001]));
    assertFalse(t.send(InetSocketAddress.createUnresolved("nowhere", 1), new byte[1]));
    t.close();
    assertFalse(t.send(loopback(9), new byte[1]));
    assertEquals(1L, metric(t, "dropped.too_large"));
    assertEquals(3L, metric(t, "dropped.send_failed"));
    assertThrows(IllegalStateException.class, () -> t.start((f, p) -> { }));
  }

  @Test
  void builderChecksItsArgumentsAndCrossFieldRules() {
    assertThrows(IllegalStateException.class,
        () -> TcpTransport.builder().bind(loopback(0)).build());
    assertThrows(IllegalStateException.class,
        () -> TcpTransport.builder().handshake(handshake(TcpFixtures.PSK).build()).build());
    IllegalStateException wildcard = assertThrows(IllegalStateException.class,
        () -> testConfig().bind(new InetSocketAddress("0.0.0.0", 0)).build());
    assertTrue(wildcard.getMessage().startsWith("advertise is required"), wildcard.getMessage());
    HandshakeConfig small = handshake(TcpFixtures.PSK).maxFrameBytes(1 << 20).build();
    IllegalStateException frames = assertThrows(IllegalStateException.class,
        () -> TcpTransport.builder().bind(loopback(0)).handshake(small).build());
    assertEquals("the handshake config's maxFrameBytes is 1048576 but the transport's maxFrameBytes"
        + " is 8388608: set HandshakeConfig.builder().maxFrameBytes(8388608) or lower"
        + " TcpTransport.builder().maxFrameBytes", frames.getMessage());
    TcpTransport.builder().bind(loopback(0)).handshake(small).maxFrameBytes(1 << 20).build()
        .close();
    IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
        () -> TcpTransport.builder().maxFrameBytes((16 << 20) + 1));
    assertEquals("maxFrameBytes must be between 1 and 16777216, was 16777217", max.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TcpTransport.builder().maxFrameBytes(0));
    assertThrows(IllegalArgumentException.class,
        () -> TcpTransport.builder().handshakeTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> TcpTransport.builder().idleTimeout(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class,
        () -> TcpTransport.builder().maxInboundConnections(0));
    assertThrows(IllegalArgumentException.class,
        () -> TcpTransport.builder().outboundBufferBytes(1023));
    assertThrows(IllegalArgumentException.class,
        () -> TcpTransport.builder().advertise(new InetSocketAddress("0.0.0.0", 7)));
    assertThrows(IllegalArgumentException.class,
        () -> TcpTransport.builder().bind(InetSocketAddress.createUnresolved("x", 1)));
  }

  @Test
  void bindFailureIsAnIoException() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      TcpTransport t = newNode(b -> b.bind(loopback(taken.getLocalPort())));
      nodes.add(t);
      assertThrows(java.io.IOException.class, () -> t.start((f, p) -> { }));
    }
  }
}
