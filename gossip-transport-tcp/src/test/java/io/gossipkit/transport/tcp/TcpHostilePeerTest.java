package io.gossipkit.transport.tcp;

import static io.gossipkit.transport.tcp.TcpFixtures.await;
import static io.gossipkit.transport.tcp.TcpFixtures.awaitMetric;
import static io.gossipkit.transport.tcp.TcpFixtures.handshake;
import static io.gossipkit.transport.tcp.TcpFixtures.loopback;
import static io.gossipkit.transport.tcp.TcpFixtures.metric;
import static io.gossipkit.transport.tcp.TcpFixtures.testConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.crypto.handshake.HandshakeConfig;
import io.gossipkit.crypto.handshake.HandshakeFailure;
import io.gossipkit.crypto.handshake.SecureChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node under attack by peers on real sockets: each attack is closed, counted and logged, and
 * afterwards the node still serves a good peer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpHostilePeerTest {
  private final List<TcpTransport> nodes = new ArrayList<>();
  private final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
  private LogCapture logs;

  @BeforeEach
  void captureLogs() {
    logs = new LogCapture();
  }

  @AfterEach
  void closeAll() {
    nodes.forEach(TcpTransport::close);
    logs.close();
  }

  /** The node under attack; its receiver fills {@link #inbox}. */
  private TcpTransport victim(TcpTransport.Builder b) throws Exception {
    TcpTransport t = b.build();
    nodes.add(t);
    t.start((from, bytes) -> inbox.add(bytes));
    return t;
  }

  private TcpTransport peer(TcpTransport.Builder b) throws Exception {
    TcpTransport t = b.build();
    nodes.add(t);
    t.start((from, bytes) -> { });
    return t;
  }

  /** A fresh, well-configured peer sends to {@code victim}, and it arrives. */
  private void assertServesAGoodPeer(TcpTransport victim) throws Exception {
    inbox.clear();
    TcpTransport good = peer(testConfig());
    byte[] hello = TcpFixtures.utf8("still serving");
    assertTrue(good.send(victim.localAddress(), hello));
    byte[] got = inbox.poll(10, TimeUnit.SECONDS);
    assertNotNull(got, "the node no longer serves a good peer: " + victim.metrics());
    assertArrayEquals(hello, got);
  }

  @Test
  void slowLorisIsClosedAfterTheHandshakeTimeoutCountedAndLogged() throws Exception {
    TcpTransport node = victim(testConfig().handshakeTimeout(Duration.ofMillis(400)));
    // Read before connecting: the node starts its timer when the connection becomes active,
    // which is after the connect begins, so a stall of this thread anywhere below can only
    // lengthen the measured time, never shorten it under the timeout.
    long start = System.nanoTime();
    try (RawPeer loris = RawPeer.connect(node.boundAddress())) {
      // A length and 2 bytes of an INIT, then nothing.
      loris.writeBytes(new byte[] {0, 0, 0, 69, 1, 1});
      assertTrue(loris.closedByPeerWithin(10_000), "the slow peer was never closed");
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMillis >= 300, "closed after " + tookMillis + " ms, before the timeout");
    }
    awaitMetric(node, "closed.handshake_timeout", 1);
    logs.assertHas("WARNING", ": handshake_timeout: ", "6 bytes received");
    assertServesAGoodPeer(node);
  }

  @Test
  void hugeLengthFieldBeforeTheHandshakeIsClosedAtOnceWithoutReadingTheBody() throws Exception {
    // A long handshake timeout, so a close within it can only be the length check's doing.
    TcpTransport node = victim(testConfig().handshakeTimeout(Duration.ofSeconds(30)));
    try (RawPeer attacker = RawPeer.connect(node.boundAddress())) {
      attacker.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2, 3});
      assertTrue(attacker.closedByPeerWithin(5_000),
          "a 4 GiB length field did not close the connection");
    }
    awaitMetric(node, "closed.frame_too_large", 1);
    logs.assertHas("WARNING", ": frame_too_large: ", "4294967280", "over the limit of 512");
    assertServesAGoodPeer(node);
  }

  @Test
  void lengthFieldOverTheFrameLimitAfterTheHandshakeIsClosed() throws Exception {
    TcpTransport node = victim(testConfig().maxFrameBytes(64 << 10));
    int tooLong = (int) SecureChannel.sealedLength(64 << 10) + 1;
    try (RawPeer peer = RawPeer.connect(node.boundAddress())) {
      peer.join(handshake(TcpFixtures.PSK).build(), loopback(1));
      peer.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(tooLong).array());
      assertTrue(peer.closedByPeerWithin(5_000));
    }
    awaitMetric(node, "closed.frame_too_large", 1);
    logs.assertHas("WARNING", ": frame_too_large: ", String.valueOf(tooLong));
    assertServesAGoodPeer(node);
  }

  @Test
  void handshakeUnderAnotherKeyIsRejectedClosedCountedAndLogged() throws Exception {
    HandshakeConfig nodeConfig = handshake(TcpFixtures.PSK).build();
    TcpTransport node = victim(testConfig().handshake(nodeConfig));
    TcpTransport intruder = peer(testConfig().handshake(handshake(TcpFixtures.OTHER_PSK).build()));
    assertTrue(intruder.send(node.localAddress(), TcpFixtures.utf8("let me in")), "queued");
    awaitMetric(node, "closed.handshake_failed", 1);
    assertEquals(1L, nodeConfig.metrics().failures(HandshakeFailure.AUTHENTICATION_FAILED));
    logs.assertHas("WARNING", ": handshake_failed: ", "AUTHENTICATION_FAILED", "inbound from");
    assertTrue(await(() -> metric(intruder, "dropped.connection_closed") == 1, 5_000),
        "the intruder's queued frame must be counted as lost: " + intruder.metrics());
    assertNull(inbox.poll(100, TimeUnit.MILLISECONDS), "a frame under the wrong key was delivered");
    assertServesAGoodPeer(node);
  }

  @Test
  void tamperedFrameAfterTheHandshakeClosesTheConnection() throws Exception {
    TcpTransport node = victim(testConfig());
    try (RawPeer peer = RawPeer.connect(node.boundAddress())) {
      SecureChannel ch = peer.join(handshake(TcpFixtures.PSK).build(), loopback(1));
      byte[] frame = ch.seal(TcpFixtures.utf8("genuine"));
      frame[frame.length - 1] ^= 1;
      peer.writeFrame(frame);
      assertTrue(peer.closedByPeerWithin(5_000));
    }
    awaitMetric(node, "closed.auth", 1);
    logs.assertHas("WARNING", ": auth: ", "AUTHENTICATION_FAILED");
    assertNull(inbox.poll(50, TimeUnit.MILLISECONDS));
    assertServesAGoodPeer(node);
  }

  @Test
  void malformedHelloIsClosedAsMalformed() throws Exception {
    TcpTransport node = victim(testConfig());
    try (RawPeer peer = RawPeer.connect(node.boundAddress())) {
      peer.handshake(handshake(TcpFixtures.PSK).build());
      peer.writeSealed(new byte[] {1, 4, 127, 0, 0, 1, 0, 0}); // port 0: cannot be dialled
      assertTrue(peer.closedByPeerWithin(5_000));
    }
    awaitMetric(node, "closed.malformed", 1);
    logs.assertHas("WARNING", ": malformed: ", "cannot be dialled");
    assertServesAGoodPeer(node);
  }

  @Test
  void helloClaimingTheNodesOwnAddressIsClosedAsMalformed() throws Exception {
    TcpTransport node = victim(testConfig());
    try (RawPeer peer = RawPeer.connect(node.boundAddress())) {
      peer.join(handshake(TcpFixtures.PSK).build(), node.localAddress());
      assertTrue(peer.closedByPeerWithin(5_000));
    }
    awaitMetric(node, "closed.malformed", 1);
    logs.assertHas("WARNING", ": malformed: ", "own address");
    assertServesAGoodPeer(node);
  }

  @Test
  void halfOpenPeerCannotMakeTheNodeBufferWithoutBound() throws Exception {
    int limit = 256 << 10;
    int frame = 64 << 10;
    TcpTransport node = victim(testConfig().outboundBufferBytes(limit));
    InetSocketAddress claimed = loopback(1);
    try (RawPeer sleeper = RawPeer.connect(node.boundAddress(), 4096)) {
      sleeper.join(handshake(TcpFixtures.PSK).build(), claimed);
      // The node learns the claimed address from the hello; wait until it has taken it.
      assertTrue(await(() -> metric(node, "connections.established") == 1, 5_000));
      byte[] chunk = new byte[frame];
      int accepted = 0;
      int refusedInARow = 0;
      long maxBuffered = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      // Send until 50 sends in a row, 2 ms apart, are refused: then the kernel's socket buffers
      // (a few MiB at most) are full and the node's own buffer no longer drains. 4,000 frames
      // (250 MiB) is far beyond what the kernel can hold.
      for (int i = 0; i < 4_000 && refusedInARow < 50 && System.nanoTime() < deadline; i++) {
        if (node.send(claimed, chunk)) {
          accepted++;
          refusedInARow = 0;
        } else {
          refusedInARow++;
          Thread.sleep(2);
        }
        maxBuffered = Math.max(maxBuffered, metric(node, "buffered.bytes"));
      }
      assertEquals(50, refusedInARow, "sends to a peer that does not read were not refused for good"
          + " (" + accepted + " accepted): " + node.metrics());
      assertTrue(metric(node, "dropped.queue_full") >= 50);
      assertEquals(0L, metric(node, "connections.outbound"),
          "sends must reuse the inbound connection");
      // Refused means above the high water mark, and nothing drains, so not below the low one.
      long buffered = metric(node, "buffered.bytes");
      assertTrue(buffered >= limit / 2, "refused with only " + buffered + " bytes buffered");
      // The limit, plus the one frame that crossed it, plus Netty's bookkeeping for each buffered
      // frame (it charges about 100 bytes per entry; 256 allowed).
      int frames = limit / frame + 1;
      long bound = limit + SecureChannel.sealedLength(frame) + FrameDecoder.LENGTH_BYTES
          + 256L * frames;
      assertTrue(maxBuffered <= bound, "buffered " + maxBuffered + " bytes, bound " + bound);
      logs.assertHas("INFO", "refused", "not read");
    }
    assertServesAGoodPeer(node);
  }

  @Test
  void aFrameArrivingSlowerThanTheIdleTimeoutIsTrafficNotIdleness() throws Exception {
    TcpTransport node = victim(testConfig().idleTimeout(Duration.ofMillis(500)));
    try (RawPeer slow = RawPeer.connect(node.boundAddress())) {
      SecureChannel session = slow.join(handshake(TcpFixtures.PSK).build(), loopback(1));
      byte[] payload = TcpFixtures.utf8("a frame over a slow link");
      byte[] sealed = session.seal(payload);
      byte[] framed = ByteBuffer.allocate(FrameDecoder.LENGTH_BYTES + sealed.length)
          .putInt(sealed.length).put(sealed).array();
      // Eight pieces 200 ms apart: the frame takes 1.4 s, every gap under the 500 ms timeout.
      int piece = (framed.length + 7) / 8;
      for (int at = 0; at < framed.length; at += piece) {
        slow.writeBytes(Arrays.copyOfRange(framed, at, Math.min(framed.length, at + piece)));
        Thread.sleep(200);
      }
      byte[] got = inbox.poll(5, TimeUnit.SECONDS);
      assertNotNull(got, "the frame was cut off: " + node.metrics());
      assertArrayEquals(payload, got);
      assertEquals(0L, metric(node, "closed.idle"));
    }
  }

  @Test
  void aHalfOpenPeerIsClosedAsStalledCountedAndLoggedAndGoodPeersAreServedMeanwhile()
      throws Exception {
    TcpTransport node = victim(testConfig().outboundBufferBytes(256 << 10)
        .idleTimeout(Duration.ofSeconds(2)));
    InetSocketAddress claimed = loopback(1);
    try (RawPeer gone = RawPeer.connect(node.boundAddress(), 4096)) {
      // Authenticates, then neither reads nor sends: what the node sees of a peer whose host
      // vanished without a FIN.
      gone.join(handshake(TcpFixtures.PSK).build(), claimed);
      assertTrue(await(() -> metric(node, "connections.established") == 1, 5_000));
      byte[] chunk = new byte[64 << 10];
      // 12.5 MiB offered, far more than the loopback socket buffers hold, so some of what the
      // node accepts waits unread in its own buffer.
      for (int i = 0; i < 200; i++) {
        node.send(claimed, chunk);
        Thread.sleep(1);
      }
      assertTrue(metric(node, "buffered.bytes") > 0, "nothing waits: " + node.metrics());

      assertServesAGoodPeer(node); // while the half-open connection still holds its buffer

      awaitMetric(node, "closed.stalled", 1);
      logs.assertHas("WARNING", ": stalled: ", "half-open or stalled peer");
      assertTrue(await(() -> metric(node, "buffered.bytes") == 0, 5_000),
          "the stalled connection's buffer is freed: " + node.metrics());
      assertEquals(0L, metric(node, "closed.idle"), "not mistaken for a quiet peer");
    }
    assertServesAGoodPeer(node);
  }

  @Test
  void framesQueuedForAPeerThatNeverAnswersTheHandshakeAreBoundedThenDropped() throws Exception {
    int limit = 16 << 10;
    TcpTransport node = victim(testConfig().outboundBufferBytes(limit)
        .handshakeTimeout(Duration.ofMillis(500)));
    try (ServerSocket mute = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      InetSocketAddress to = loopback(mute.getLocalPort());
      int accepted = 0;
      boolean refused = false;
      for (int i = 0; i < 100 && !refused; i++) {
        if (node.send(to, new byte[1024])) {
          accepted++;
        } else {
          refused = true;
        }
      }
      assertTrue(refused, "the queue took 100 KiB with a 16 KiB limit");
      assertEquals(1L, metric(node, "dropped.queue_full"));
      assertTrue(accepted <= limit / 1024 + 1, accepted + " frames queued");
      try (Socket accepted1 = mute.accept()) {
        int queued = accepted;
        awaitMetric(node, "closed.handshake_timeout", 1);
        awaitMetric(node, "dropped.connection_closed", queued);
        logs.assertHas("WARNING", ": handshake_timeout: ", "outbound to");
      }
    }
    assertEquals(0L, metric(node, "buffered.bytes"));
    assertServesAGoodPeer(node);
  }

  @Test
  void inboundConnectionCapRefusesANewConnectionWhenEveryOpenOneHasAuthenticated()
      throws Exception {
    TcpTransport node = victim(testConfig().maxInboundConnections(2));
    try (RawPeer one = RawPeer.connect(node.boundAddress());
        RawPeer two = RawPeer.connect(node.boundAddress())) {
      one.join(handshake(TcpFixtures.PSK).build(), loopback(1));
      two.join(handshake(TcpFixtures.PSK).build(), loopback(2));
      assertTrue(await(() -> metric(node, "connections.established") == 2, 5_000));
      try (RawPeer three = RawPeer.connect(node.boundAddress())) {
        assertTrue(three.closedByPeerWithin(5_000), "a third connection was kept open");
      }
      assertEquals(1L, metric(node, "closed.inbound_limit"));
      assertEquals(0L, metric(node, "closed.evicted"), "authenticated connections stay");
      logs.assertHas("WARNING", ": inbound_limit: ", "2 accepted connections");
      assertFalse(one.closedByPeerWithin(50), "a connection within the cap was closed");
    }
    awaitMetric(node, "connections.open", 0);
    assertServesAGoodPeer(node);
  }

  @Test
  void connectionsThatNeverAuthenticateCannotLockPeersOutAtTheInboundCap() throws Exception {
    // The handshake timeout is far longer than the test: only eviction can free a slot.
    TcpTransport node = victim(testConfig().maxInboundConnections(2)
        .handshakeTimeout(Duration.ofSeconds(50)));
    try (RawPeer first = RawPeer.connect(node.boundAddress());
        RawPeer second = RawPeer.connect(node.boundAddress())) {
      assertTrue(await(() -> metric(node, "connections.open") == 2, 5_000));

      assertServesAGoodPeer(node); // a third, honest connection takes the oldest's slot

      assertTrue(first.closedByPeerWithin(5_000), "the oldest unauthenticated one was evicted");
      assertFalse(second.closedByPeerWithin(50), "only the oldest");
      assertEquals(1L, metric(node, "closed.evicted"));
      assertEquals(0L, metric(node, "closed.inbound_limit"));
      logs.assertHas("WARNING", ": evicted: ", "still unauthenticated after");
    }
  }

}
