package io.gossipkit.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.crypto.ProtectorMetrics.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The factory, the header and the counters; the contract tests cover the rules. */
class PacketProtectorsTest {
  private static final byte[] AD = "gossipkit/1/test".getBytes(StandardCharsets.UTF_8);
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final Clock clock = now::get;

  private AeadPacketProtector protector(AeadAlgorithm a, Keyring keys, String id) {
    return PacketProtectors.create(a, keys, NodeId.of(id), clock, ReplayPolicy.defaults());
  }

  @ParameterizedTest
  @EnumSource(AeadAlgorithm.class)
  void roundTripsAndReportsTheSealedSenderAndTime(AeadAlgorithm a) throws Exception {
    Keyring keys = Keyring.generate();
    AeadPacketProtector alice = protector(a, keys, "alice");
    AeadPacketProtector bob = protector(a, keys, "bob");
    for (int i = 0; i < 300; i++) {
      byte[] msg = ("hello " + i).getBytes(StandardCharsets.UTF_8);
      byte[] packet = alice.seal(msg, AD);
      assertEquals(msg.length + PacketProtectors.FIXED_OVERHEAD_BYTES + 5, packet.length);
      OpenedPacket opened = bob.openPacket(packet, AD);
      assertArrayEquals(msg, opened.payload());
      assertEquals(NodeId.of("alice"), opened.sender());
      assertEquals(now.get(), opened.sentAtMillis());
    }
    assertEquals(300, alice.metrics().sealed());
    assertEquals(300, bob.metrics().opened());
    assertEquals(a.wireName(), alice.name());
  }

  @ParameterizedTest
  @EnumSource(AeadAlgorithm.class)
  void aForgeryCopyingAGenuinePacketsHeaderDoesNotStopTheGenuinePacket(AeadAlgorithm a)
      throws Exception {
    Keyring keys = Keyring.generate();
    AeadPacketProtector alice = protector(a, keys, "alice");
    AeadPacketProtector bob = protector(a, keys, "bob");
    for (int i = 0; i < 3; i++) {
      byte[] genuine = alice.seal(("update " + i).getBytes(StandardCharsets.UTF_8), AD);
      byte[] forged = genuine.clone();
      forged[forged.length - 1] ^= 1; // same session, key and counter; the tag no longer matches
      assertRefusedAsForged(bob, forged);
      assertRefusedAsForged(bob, forged);
      assertArrayEquals(("update " + i).getBytes(StandardCharsets.UTF_8), bob.open(genuine, AD));
    }
    assertEquals(6, bob.metrics().rejected(Rejection.AUTH));
  }

  @ParameterizedTest
  @EnumSource(AeadAlgorithm.class)
  void aForgeryNamingTheNextCounterOfOurSessionDoesNotStopOurNextSeal(AeadAlgorithm a)
      throws Exception {
    Keyring keys = Keyring.generate();
    AeadPacketProtector alice = protector(a, keys, "alice");
    AeadPacketProtector bob = protector(a, keys, "bob");
    byte[] first = alice.seal(new byte[] {1}, AD);
    // Anyone sees alice's session id and counter in the clear: forge her next packet's header.
    byte[] forged = first.clone();
    forged[29]++;
    assertRefusedAsForged(alice, forged);
    byte[] next = alice.seal(new byte[] {2}, AD);
    assertArrayEquals(Arrays.copyOfRange(forged, 0, 30), Arrays.copyOfRange(next, 0, 30));
    assertArrayEquals(new byte[] {1}, bob.open(first, AD));
    assertArrayEquals(new byte[] {2}, bob.open(next, AD));
  }

  @Test
  void headerCarriesVersionAlgorithmKeyIdAndACountingSession() {
    Keyring keys = Keyring.of(7, Keyring.randomKey());
    AeadPacketProtector p = protector(AeadAlgorithm.CHACHA20_POLY1305, keys, "n");
    byte[] first = p.seal(new byte[0], AD);
    byte[] second = p.seal(new byte[0], AD);
    assertEquals(1, first[0]);
    assertEquals(2, first[1]);
    assertArrayEquals(new byte[] {0, 0, 0, 7}, Arrays.copyOfRange(first, 2, 6));
    assertArrayEquals(Arrays.copyOfRange(first, 6, 22), Arrays.copyOfRange(second, 6, 22));
    assertArrayEquals(new byte[8], Arrays.copyOfRange(first, 22, 30));
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, Arrays.copyOfRange(second, 22, 30));
  }

  @Test
  void everyInstanceDrawsItsOwnSession() {
    Keyring keys = Keyring.generate();
    Set<String> sessions = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      byte[] packet = protector(AeadAlgorithm.AES_256_GCM, keys, "same").seal(new byte[1], AD);
      assertTrue(sessions.add(Arrays.toString(Arrays.copyOfRange(packet, 6, 22))));
    }
  }

  @Test
  void aProtectorRefusesItsOwnPacketsAsReflected() {
    AeadPacketProtector p = protector(AeadAlgorithm.AES_256_GCM, Keyring.generate(), "n");
    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> p.open(p.seal(new byte[3], AD), AD));
    assertTrue(e.getMessage().contains("reflected"), e.getMessage());
    assertEquals(1, p.metrics().rejected(Rejection.REPLAY));
  }

  @Test
  void aPacketSealedUnderThisNodesIdBeforeARestartIsRefusedAsReflected() throws Exception {
    Keyring keys = Keyring.generate();
    byte[] beforeRestart = protector(AeadAlgorithm.AES_256_GCM, keys, "n").seal(new byte[3], AD);
    AeadPacketProtector restarted = protector(AeadAlgorithm.AES_256_GCM, keys, "n");

    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> restarted.open(beforeRestart, AD));
    assertTrue(e.getMessage().contains("reflected"), e.getMessage());
    assertEquals(1, restarted.metrics().rejected(Rejection.REPLAY));
    // Another node opens it: only the id's owner refuses it.
    assertEquals(3,
        protector(AeadAlgorithm.AES_256_GCM, keys, "m").open(beforeRestart, AD).length);
  }

  @Test
  void rejectionsNameTheirReasonAndAreCounted() throws Exception {
    Keyring keys = Keyring.of(3, Keyring.randomKey());
    AeadPacketProtector alice = protector(AeadAlgorithm.AES_256_GCM, keys, "alice");
    AeadPacketProtector bob = protector(AeadAlgorithm.AES_256_GCM, keys, "bob");
    byte[] packet = alice.seal(new byte[10], AD);

    assertMessage(bob, Arrays.copyOf(packet, 12), "truncated: 12 bytes");
    byte[] v9 = packet.clone();
    v9[0] = 9;
    assertMessage(bob, v9, "unsupported format version 9");
    byte[] k7 = packet.clone();
    k7[5] = 7;
    assertMessage(bob, k7, "unknown key id 7");
    byte[] flipped = packet.clone();
    flipped[packet.length - 1] ^= 1;
    assertMessage(bob, flipped, "authentication failed");
    bob.open(packet, AD);
    assertMessage(bob, packet, "replayed packet");
    now.addAndGet(ReplayPolicy.defaults().maxAge().toMillis() + 1);
    assertMessage(bob, alice.seal(new byte[1], AD).clone(), null); // fresh: fine
    byte[] old = alice.seal(new byte[1], AD);
    now.addAndGet(ReplayPolicy.defaults().maxAge().toMillis() + 1);
    assertMessage(bob, old, "packet too old");

    ProtectorMetrics m = bob.metrics();
    assertEquals(2, m.rejected(Rejection.MALFORMED));
    assertEquals(1, m.rejected(Rejection.UNKNOWN_KEY));
    assertEquals(1, m.rejected(Rejection.AUTH));
    assertEquals(1, m.rejected(Rejection.REPLAY));
    assertEquals(1, m.rejected(Rejection.STALE));
    assertEquals(2, m.opened());
    assertEquals(6, m.rejectedTotal());
    assertEquals(1L, m.snapshot().get("rejected.unknown_key"));
  }

  /** Refused by the tag check itself, not by any other error on the way. */
  private static void assertRefusedAsForged(PacketProtector p, byte[] packet) {
    assertEquals("authentication failed",
        assertThrows(AuthenticationException.class, () -> p.open(packet, AD)).getMessage());
  }

  private static void assertMessage(PacketProtector p, byte[] packet, String start) {
    try {
      p.open(packet, AD);
      if (start != null) {
        throw new AssertionError("expected '" + start + "' but the packet opened");
      }
    } catch (AuthenticationException e) {
      assertTrue(start != null && e.getMessage().startsWith(start),
          "expected '" + start + "', got '" + e.getMessage() + "'");
    }
  }

  @Test
  void byNameKnowsEveryAlgorithmAndPlaintextAndListsThemOtherwise() {
    Keyring keys = Keyring.generate();
    for (AeadAlgorithm a : AeadAlgorithm.values()) {
      assertEquals(a.wireName(), PacketProtectors.byName(a.wireName(), keys, NodeId.of("n"),
          clock).name());
    }
    assertEquals("plaintext", PacketProtectors.byName("plaintext", null, null, null).name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PacketProtectors.byName("aes", keys, NodeId.of("n"), clock));
    assertEquals("unknown packet protector 'aes': expected one of aes-128-gcm, aes-256-gcm, "
        + "chacha20-poly1305, xchacha20-poly1305, plaintext", e.getMessage());
    assertInstanceOf(AeadPacketProtector.class,
        PacketProtectors.byName(" AES-256-GCM ", keys, NodeId.of("n"), clock));
  }

  @Test
  void refusesAKeyringTaggedForAnotherAlgorithm() {
    Keyring keys = Keyring.of(1, AeadAlgorithm.CHACHA20_POLY1305, Keyring.randomKey());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PacketProtectors.aes256Gcm(keys, NodeId.of("n"), clock));
    assertTrue(e.getMessage().startsWith("key 1 is tagged chacha20-poly1305"), e.getMessage());
    assertSame(AeadAlgorithm.CHACHA20_POLY1305,
        PacketProtectors.chaCha20Poly1305(keys, NodeId.of("n"), clock).algorithm());
  }

  @Test
  void algorithmsDoNotOpenEachOthersPackets() {
    Keyring keys = Keyring.generate();
    byte[] packet = protector(AeadAlgorithm.CHACHA20_POLY1305, keys, "a").seal(new byte[4], AD);
    AeadPacketProtector x = protector(AeadAlgorithm.XCHACHA20_POLY1305, keys, "b");
    assertMessage(x, packet, "packet sealed with chacha20-poly1305");
  }

  @Test
  void overheadCoversTheLongestSenderId() {
    AeadPacketProtector p = protector(AeadAlgorithm.AES_256_GCM, Keyring.generate(), "x".repeat(255));
    byte[] packet = p.seal(new byte[100], AD);
    assertEquals(100 + p.overheadBytes(), packet.length);
    assertEquals(PacketProtectors.FIXED_OVERHEAD_BYTES + 255, p.overheadBytes());
  }

  @Test
  void sealRefusesWhatAReceiverWouldRefuseAsOversized() {
    ReplayPolicy small = ReplayPolicy.builder().maxPacketBytes(200).build();
    AeadPacketProtector p = PacketProtectors.aes256Gcm(Keyring.generate(), NodeId.of("n"), clock,
        small);
    p.seal(new byte[200 - 56], AD);
    assertThrows(IllegalArgumentException.class, () -> p.seal(new byte[200 - 55], AD));
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x5a);
    Keyring keys = Keyring.of(1, key);
    AeadPacketProtector p = PacketProtectors.aes256Gcm(keys, NodeId.of("n"), clock);
    String text = p + " " + keys + " " + p.metrics();
    assertFalse(text.contains("WlpaWlpa"), text); // base64 of 0x5a bytes
    assertFalse(text.toLowerCase().contains("5a5a"), text);
  }
}
