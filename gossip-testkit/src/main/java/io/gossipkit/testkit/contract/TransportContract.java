package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gossipkit.api.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Transport} must pass: rules R6.1 to R6.7 (the table is in {@code
 * docs/contracts.md}). A transport carries opaque bytes: what is sent arrives unchanged, the
 * size limit is exact, a failing receiver or garbage input never stops it, and {@code close()}
 * releases its address.
 *
 * <pre>{@code
 * class MyTransportContractTest extends TransportContract {
 *   @Override
 *   protected Transport newTransport() {
 *     return MyTransport.bindTo(new InetSocketAddress("127.0.0.1", 0));
 *   }
 * }
 * }</pre>
 *
 * <p>Every wait is bounded ({@link #deliveryTimeoutMillis()}), and every rule runs under a 30 s
 * timeout in its own thread. Every transport made by the factories is closed after each test.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class TransportContract {
  private final List<Transport> made = new ArrayList<>();

  /** A new, unstarted transport bound to a fresh loopback address. */
  protected abstract Transport newTransport() throws Exception;

  /**
   * A new, unstarted transport at {@code address} (an address a closed transport of this kind had).
   * Needed only when {@link #supportsRebindAfterClose()} is true.
   */
  protected Transport newTransportAt(InetSocketAddress address) throws Exception {
    throw new UnsupportedOperationException("override newTransportAt to check R6.4");
  }

  /** Whether a new transport can take the address of a closed one (R6.4). Default false. */
  protected boolean supportsRebindAfterClose() {
    return false;
  }

  /**
   * Whether the receiver sees the sender's {@link Transport#localAddress()} as {@code from}
   * (true unless the transport advertises an address other than the one it sends from).
   */
  protected boolean reportsLocalAddressAsSender() {
    return true;
  }

  /** The fraction of packets R6.2 may lose (real sockets may drop a datagram). Default 0. */
  protected double toleratedLoss() {
    return 0.0;
  }

  /** How long a packet may take to arrive. Default 5 s. */
  protected long deliveryTimeoutMillis() {
    return 5_000;
  }

  /** The seed of every random choice; printed in failures. */
  protected long seed() {
    return 0x6_7055_1950L;
  }

  @AfterEach
  void closeAll() {
    for (Transport t : made) {
      try {
        t.close();
      } catch (RuntimeException ignored) {
        // R6.5 checks close on its own.
      }
    }
    made.clear();
  }

  /** A received packet. */
  protected record Received(InetSocketAddress from, byte[] bytes) {}

  private Transport make() throws Exception {
    Transport t = newTransport();
    assertNotNull(t, "newTransport() returned null");
    made.add(t);
    return t;
  }

  private Transport started(BlockingQueue<Received> inbox) throws Exception {
    Transport t = make();
    t.start((from, bytes) -> inbox.add(new Received(from, bytes)));
    return t;
  }

  private Received poll(BlockingQueue<Received> inbox) throws InterruptedException {
    return inbox.poll(deliveryTimeoutMillis(), TimeUnit.MILLISECONDS);
  }

  private boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(2);
    }
    return true;
  }

  /**
   * R6.1: one packet sent arrives once, byte for byte, with the sender's address. On failure:
   * the receiver is not set before the socket reads, bytes are read from the wrong offset of a
   * pooled buffer, or the source address is taken from the wrong place.
   */
  @Test
  public void required_r6_1_deliversOnePacket() throws Exception {
    BlockingQueue<Received> inboxA = new LinkedBlockingQueue<>();
    BlockingQueue<Received> inboxB = new LinkedBlockingQueue<>();
    Transport a = started(inboxA);
    Transport b = started(inboxB);
    byte[] packet = "hello over the transport".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(a.send(b.localAddress(), packet), "send of a small packet was refused");
    Received r = poll(inboxB);
    assertNotNull(r, "packet did not arrive within " + deliveryTimeoutMillis() + " ms");
    assertArrayEquals(packet, r.bytes(), "packet arrived changed");
    assertNotNull(r.from(), "from must not be null");
    if (reportsLocalAddressAsSender()) {
      assertEquals(a.localAddress(), r.from(), "from is not the sender's address");
    }
    Thread.sleep(50);
    assertTrue(inboxB.isEmpty(), "packet arrived more than once");
    assertTrue(inboxA.isEmpty(), "the sender received its own packet");
  }

  /**
   * R6.2: 2,000 numbered packets of varied sizes arrive intact (loss up to {@link #toleratedLoss()}).
   * The sender keeps at most 64 packets in flight, so a loss here is the transport's, not the
   * receive buffer's. On failure: packets overwrite each other in a shared buffer (check the
   * content errors), or the send queue drops under load.
   */
  @Test
  public void required_r6_2_deliversManyPackets() throws Exception {
    int count = 2_000;
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger corrupt = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    Transport a = make();
    a.start((from, bytes) -> { });
    Transport b = make();
    b.start(
        (from, bytes) -> {
          received.incrementAndGet();
          if (!wellFormed(bytes)) {
            corrupt.incrementAndGet();
          } else {
            seen.add(ByteBuffer.wrap(bytes).getInt());
          }
        });
    Random random = new Random(seed());
    int max = Math.min(a.maxPayloadBytes(), 1_200);
    int refused = 0;
    for (int i = 0; i < count; i++) {
      int size = Math.max(8, random.nextInt(max + 1));
      byte[] p = new byte[size];
      ByteBuffer.wrap(p).putInt(i).putInt(size);
      for (int k = 8; k < size; k++) {
        p[k] = (byte) (i + k);
      }
      if (!a.send(b.localAddress(), p)) {
        refused++;
      }
      int sent = i + 1;
      if (sent - received.get() > 64) {
        await(() -> sent - received.get() <= 32, 1_000);
      }
    }
    int need = (int) Math.ceil(count * (1 - toleratedLoss()));
    await(() -> seen.size() >= count, deliveryTimeoutMillis());
    assertEquals(0, corrupt.get(), "packets arrived corrupted (seed " + seed() + ")");
    assertTrue(seen.size() >= need,
        "only " + seen.size() + " of " + count + " packets arrived (" + refused
            + " refused by send; need " + need + ", seed " + seed() + ")");
  }

  private static boolean wellFormed(byte[] p) {
    if (p.length < 8) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(p);
    int i = b.getInt();
    int size = b.getInt();
    if (size != p.length) {
      return false;
    }
    for (int k = 8; k < size; k++) {
      if (p[k] != (byte) (i + k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * R6.3: a packet of exactly {@link Transport#maxPayloadBytes()} is accepted and arrives intact;
   * one byte more is refused with {@code false} (no exception) and nothing arrives. On failure:
   * an off-by-one in the size check, or a receive buffer smaller than the limit (truncation).
   */
  @Test
  public void required_r6_3_maxPayloadPassesAndOneMoreIsRefused() throws Exception {
    BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    Transport a = started(new LinkedBlockingQueue<>());
    Transport b = started(inbox);
    int max = a.maxPayloadBytes();
    assertTrue(max >= 1, "maxPayloadBytes must be >= 1, was " + max);
    byte[] big = new byte[max];
    new Random(seed()).nextBytes(big);
    String seed = " (seed " + seed() + ")";
    assertTrue(a.send(b.localAddress(), big),
        "a packet of maxPayloadBytes (" + max + ") was refused" + seed);
    Received r = poll(inbox);
    assertNotNull(r, "the packet of maxPayloadBytes did not arrive" + seed);
    assertArrayEquals(big, r.bytes(), "the packet of maxPayloadBytes arrived changed" + seed);
    assertFalse(a.send(b.localAddress(), new byte[max + 1]),
        "a packet of maxPayloadBytes + 1 (" + (max + 1) + ") was accepted");
    assertTrue(inbox.poll(100, TimeUnit.MILLISECONDS) == null, "a refused packet arrived");
  }

  /**
   * R6.4: after {@code close()}, a new transport can take the same address and receive on it.
   * Runs only if {@link #supportsRebindAfterClose()}. On failure: the socket is not closed, or
   * closing does not wait for it (the event loop is still shutting down).
   */
  @Test
  public void optional_r6_4_closeReleasesTheAddress() throws Exception {
    assumeTrue(supportsRebindAfterClose(), "transport does not declare rebind after close");
    Transport first = started(new LinkedBlockingQueue<>());
    InetSocketAddress address = first.localAddress();
    first.close();
    Transport second = newTransportAt(address);
    made.add(second);
    BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    second.start((from, bytes) -> inbox.add(new Received(from, bytes)));
    Transport sender = started(new LinkedBlockingQueue<>());
    assertTrue(sender.send(address, new byte[] {1, 2, 3}));
    Received r = poll(inbox);
    assertNotNull(r, "the transport rebound to " + address + " received nothing");
    assertArrayEquals(new byte[] {1, 2, 3}, r.bytes());
  }

  /**
   * R6.5: {@code close()} is idempotent, works on a transport never started, and {@code send}
   * after close does not throw. On failure: a second close that shuts an executor down twice or
   * dereferences a cleared field.
   */
  @Test
  public void required_r6_5_closeIsIdempotent() throws Exception {
    Transport unstarted = make();
    unstarted.close();
    unstarted.close();
    Transport t = started(new LinkedBlockingQueue<>());
    Transport peer = started(new LinkedBlockingQueue<>());
    t.close();
    t.close();
    t.send(peer.localAddress(), new byte[] {1});
  }

  /**
   * R6.6: a receiver that throws on every other packet still gets every later packet, and
   * {@code send} never throws because of it. On failure: the exception escapes into the I/O
   * loop (which then closes the channel) or into the sender.
   */
  @Test
  public void required_r6_6_receiverThatThrowsDoesNotStopDelivery() throws Exception {
    Transport a = started(new LinkedBlockingQueue<>());
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    Transport b = make();
    b.start(
        (from, bytes) -> {
          int i = ByteBuffer.wrap(bytes).getInt();
          seen.add(i);
          if (i % 2 == 0) {
            throw new IllegalStateException("receiver fails on purpose on packet " + i);
          }
        });
    for (int i = 0; i < 20; i++) {
      int n = i;
      a.send(b.localAddress(), ByteBuffer.allocate(4).putInt(i).array());
      assertTrue(await(() -> seen.contains(n), deliveryTimeoutMillis()),
          "packet " + i + " did not arrive after the receiver threw " + (i / 2) + " times");
    }
  }

  /**
   * R6.7: random bytes of random sizes (1 to the limit) are delivered as they are, and a normal
   * packet after them still arrives. On failure: the transport parses or frames what it carries,
   * or a malformed input puts it in a bad state.
   */
  @Test
  public void required_r6_7_garbageIsDeliveredAsBytes() throws Exception {
    List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
    Transport a = started(new LinkedBlockingQueue<>());
    Transport b = make();
    b.start((from, bytes) -> got.add(HexFormat.of().formatHex(bytes)));
    Random random = new Random(seed() + 7);
    List<String> sent = new ArrayList<>();
    int max = Math.min(a.maxPayloadBytes(), 4_096);
    for (int i = 0; i < 200; i++) {
      byte[] p = new byte[1 + random.nextInt(max)];
      random.nextBytes(p);
      assertTrue(a.send(b.localAddress(), p),
          "send refused a packet of " + p.length + " bytes (seed " + seed() + ")");
      sent.add(HexFormat.of().formatHex(p));
      if (i % 32 == 31) {
        int expected = i + 1;
        await(() -> got.size() >= expected, deliveryTimeoutMillis());
      }
    }
    assertTrue(await(() -> got.size() >= sent.size(), deliveryTimeoutMillis()),
        "only " + got.size() + " of " + sent.size() + " garbage packets arrived (seed " + seed()
            + ")");
    String[] a1 = sent.toArray(new String[0]);
    String[] a2 = got.toArray(new String[0]);
    Arrays.sort(a1);
    Arrays.sort(a2);
    assertArrayEquals(a1, a2, "garbage packets arrived changed (seed " + seed() + ")");
    got.clear();
    assertTrue(a.send(b.localAddress(), new byte[] {42}));
    assertTrue(await(() -> !got.isEmpty(), deliveryTimeoutMillis()),
        "a normal packet after the garbage did not arrive");
    assertEquals("2a", got.get(0));
  }
}
