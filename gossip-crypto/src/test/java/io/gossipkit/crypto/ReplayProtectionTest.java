package io.gossipkit.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.crypto.ProtectorMetrics.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The replay window and freshness check as a receiver applies them, sessions evicted included. */
class ReplayProtectionTest {
  private static final byte[] AD = "gossipkit/1/r".getBytes(StandardCharsets.UTF_8);
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Clock clock = now::get;
  private final Keyring keys = Keyring.generate();

  private AeadPacketProtector node(String id, ReplayPolicy policy) {
    return PacketProtectors.aes256Gcm(keys, NodeId.of(id), clock, policy);
  }

  private static String refusal(AeadPacketProtector p, byte[] packet) {
    return assertThrows(AuthenticationException.class, () -> p.open(packet, AD)).getMessage();
  }

  @Test
  void refusesPacketsAWholeWindowBehindTheSendersNewest() throws Exception {
    ReplayPolicy policy = ReplayPolicy.builder().windowPackets(64).build();
    AeadPacketProtector sender = node("s", policy);
    AeadPacketProtector receiver = node("r", policy);
    List<byte[]> packets = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      packets.add(sender.seal(new byte[] {(byte) i}, AD));
    }
    receiver.open(packets.get(99), AD);
    receiver.open(packets.get(36), AD); // 99 - 63: the oldest still inside
    String m = refusal(receiver, packets.get(35));
    assertTrue(m.startsWith("replayed packet: counter 35 of session "), m);
    assertTrue(m.endsWith(" is behind the replay window (newest 99, window 64)"), m);
    assertEquals(1, receiver.metrics().rejected(Rejection.REPLAY));
  }

  @Test
  void refusesPacketsOlderThanMaxAgeOrTooFarAhead() throws Exception {
    ReplayPolicy policy = ReplayPolicy.builder().maxAge(Duration.ofSeconds(10))
        .maxFutureSkew(Duration.ofSeconds(2)).build();
    AeadPacketProtector sender = node("s", policy);
    AeadPacketProtector receiver = node("r", policy);
    byte[] sealed = sender.seal(new byte[1], AD);
    now.addAndGet(10_000);
    receiver.open(sealed, AD); // exactly maxAge old: still accepted
    byte[] late = sender.seal(new byte[1], AD);
    now.addAndGet(10_001);
    assertTrue(refusal(receiver, late).startsWith("packet too old: sealed at 1010000 by s"));

    AtomicLong ahead = new AtomicLong(now.get() + 2_001);
    AeadPacketProtector fast = PacketProtectors.aes256Gcm(keys, NodeId.of("f"), ahead::get, policy);
    assertTrue(refusal(receiver, fast.seal(new byte[1], AD)).startsWith("packet from the future"));
    ahead.set(now.get() + 2_000);
    receiver.open(fast.seal(new byte[1], AD), AD);
    assertEquals(2, receiver.metrics().rejected(Rejection.STALE));
  }

  @Test
  void tracksAtMostMaxSessionsAndEvictsTheLeastRecentlyUsed() throws Exception {
    ReplayPolicy policy = ReplayPolicy.builder().maxSessions(2).build();
    AeadPacketProtector a = node("a", policy);
    AeadPacketProtector b = node("b", policy);
    AeadPacketProtector c = node("c", policy);
    AeadPacketProtector receiver = node("r", policy);
    receiver.open(a.seal(new byte[1], AD), AD);
    receiver.open(b.seal(new byte[1], AD), AD);
    receiver.open(a.seal(new byte[1], AD), AD); // a is now the most recently used
    receiver.open(c.seal(new byte[1], AD), AD); // evicts b
    assertEquals(1L, receiver.metrics().snapshot().get("sessions.evicted"));
    now.incrementAndGet();
    receiver.open(a.seal(new byte[1], AD), AD); // a still tracked: no new eviction
    assertEquals(1L, receiver.metrics().snapshot().get("sessions.evicted"));
  }

  @Test
  void anEvictedSessionsPacketsCannotBeReplayedIntoAFreshWindow() throws Exception {
    ReplayPolicy policy = ReplayPolicy.builder().maxSessions(1).build();
    AeadPacketProtector a = node("a", policy);
    AeadPacketProtector b = node("b", policy);
    AeadPacketProtector receiver = node("r", policy);
    byte[] a1 = a.seal(new byte[] {1}, AD);
    receiver.open(a1, AD);
    now.incrementAndGet();
    receiver.open(b.seal(new byte[] {2}, AD), AD); // evicts a's window
    // Well within maxAge, so freshness alone would let it in: the eviction horizon does not.
    String m = refusal(receiver, a1);
    assertTrue(m.startsWith("packet too old: sealed at 1000000 by a, before a forgotten replay "
        + "window's newest packet"), m);

    now.incrementAndGet();
    byte[] a2 = a.seal(new byte[] {3}, AD);
    assertArrayEquals(new byte[] {3}, receiver.open(a2, AD), "a's new packets still open");
    // a's window is back, but starts after the horizon: a1 stays refused, as does b's old packet.
    assertTrue(refusal(receiver, a1).startsWith("packet too old"));
    assertTrue(refusal(receiver, a2).startsWith("replayed packet"));
    assertEquals(2, receiver.metrics().rejected(Rejection.STALE));
  }

  @Test
  void refusalsBeforeAuthenticationLeaveTheWindowsAlone() throws Exception {
    AeadPacketProtector sender = node("s", ReplayPolicy.defaults());
    AeadPacketProtector receiver = node("r", ReplayPolicy.defaults());
    byte[] first = sender.seal(new byte[1], AD);
    byte[] second = sender.seal(new byte[1], AD);
    byte[] forged = second.clone();
    forged[forged.length - 1] ^= 1;
    assertEquals("authentication failed", refusal(receiver, forged));
    receiver.open(second, AD);
    receiver.open(first, AD);
  }
}
