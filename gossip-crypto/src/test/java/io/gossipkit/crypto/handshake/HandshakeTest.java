package io.gossipkit.crypto.handshake;

import static io.gossipkit.crypto.handshake.Fixtures.A;
import static io.gossipkit.crypto.handshake.Fixtures.B;
import static io.gossipkit.crypto.handshake.Fixtures.C;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.NodeId;
import io.gossipkit.crypto.sign.Ed25519PublicKey;
import io.gossipkit.crypto.sign.SigningKeyDirectory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour of the {@link Handshake} state machine in both authentication modes. */
class HandshakeTest {
  private final ManualClock clock = new ManualClock(1_000_000);

  private HandshakeConfig config(AuthMode mode, NodeId node) {
    return mode == AuthMode.PSK
        ? Fixtures.psk(node, clock, b -> {})
        : Fixtures.identity(node, clock, b -> {});
  }

  private static HandshakeFailure expectFailure(Handshake hs, byte[] msg) {
    HandshakeException e = assertThrows(HandshakeException.class, () -> hs.receive(msg));
    assertEquals(HandshakeState.FAILED, hs.state(), "a rejected message fails the handshake");
    assertEquals(e.failure(), hs.failure().orElseThrow());
    return e.failure();
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void establishesMatchingChannelsOnBothSides(AuthMode mode) throws Exception {
    HandshakeConfig ca = config(mode, A);
    HandshakeConfig cb = config(mode, B);
    Fixtures.Run run = Fixtures.handshake(ca, cb);

    assertEquals(HandshakeState.ESTABLISHED, run.initiator().state());
    assertEquals(HandshakeState.ESTABLISHED, run.responder().state());
    SecureChannel ia = run.initiator().channel();
    SecureChannel rb = run.responder().channel();
    assertEquals(B, ia.peer());
    assertEquals(A, rb.peer());
    assertEquals(mode, ia.mode());
    assertArrayEquals(ia.sessionId(), rb.sessionId());
    assertArrayEquals(ia.sendKeyForTesting(), rb.receiveKeyForTesting());
    assertArrayEquals(rb.sendKeyForTesting(), ia.receiveKeyForTesting());
    assertFalse(Arrays.equals(ia.sendKeyForTesting(), ia.receiveKeyForTesting()),
        "each direction has its own key");
    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(hello, rb.open(ia.seal(hello)));
    assertArrayEquals(hello, ia.open(rb.seal(hello)));
    assertEquals(1, ca.metrics().established());
    assertEquals(1, cb.metrics().established());
    assertEquals(0, ca.metrics().totalFailures() + cb.metrics().totalFailures());
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void messagesHaveDocumentedFixedSizes(AuthMode mode) throws Exception {
    Fixtures.Run run = Fixtures.handshake(config(mode, A), config(mode, B));
    int id = A.value().length();
    boolean psk = mode == AuthMode.PSK;
    assertEquals(4 + 16 + 32 + 1 + id + (psk ? 16 : 0), run.init().length);
    assertEquals(4 + 32 + 1 + id + (psk ? 16 : 80), run.response().length);
    assertEquals(4 + (psk ? 16 : 80), run.finish().length);
  }

  @Test
  void twoHandshakesGiveDifferentSessionsAndKeys() throws Exception {
    HandshakeConfig ca = config(AuthMode.PSK, A);
    HandshakeConfig cb = config(AuthMode.PSK, B);
    SecureChannel first = Fixtures.handshake(ca, cb).initiator().channel();
    SecureChannel second = Fixtures.handshake(ca, cb).initiator().channel();
    assertFalse(Arrays.equals(first.sessionId(), second.sessionId()));
    assertFalse(Arrays.equals(first.sendKeyForTesting(), second.sendKeyForTesting()));
  }

  @Test
  void responderWithAnotherPskRejectsInitAndInitiatorTimesOut() throws Exception {
    HandshakeConfig ca = Fixtures.pskBuilder(A, Fixtures.psk(1), clock).build();
    HandshakeConfig cb = Fixtures.pskBuilder(B, Fixtures.psk(2), clock).build();
    Handshake i = Handshake.initiator(ca);
    Handshake r = Handshake.responder(cb);

    assertEquals(HandshakeFailure.AUTHENTICATION_FAILED, expectFailure(r, i.start()));
    assertEquals(1, cb.metrics().failures(HandshakeFailure.AUTHENTICATION_FAILED));

    // The responder sends nothing back, so the initiator's side ends at its deadline.
    clock.advance(ca.timeoutMillis());
    assertTrue(i.checkDeadline());
    assertEquals(HandshakeFailure.TIMEOUT, i.failure().orElseThrow());
  }

  @Test
  void initiatorRejectsResponseFromHolderOfAnotherPsk() throws Exception {
    HandshakeConfig ca = Fixtures.pskBuilder(A, Fixtures.psk(1), clock).build();
    Handshake i = Handshake.initiator(ca);
    byte[] init = i.start();
    // A rogue responder that holds psk(2) and skips checking INIT's tag, then answers honestly.
    byte[] rogue = RogueResponder.respond(init, Fixtures.psk(2), B);
    assertEquals(HandshakeFailure.AUTHENTICATION_FAILED, expectFailure(i, rogue));
    // The same rogue code with the right PSK is accepted: the failure above is the PSK's doing.
    Handshake i2 = Handshake.initiator(Fixtures.pskBuilder(A, Fixtures.psk(1), clock).build());
    byte[] init2 = i2.start();
    assertTrue(i2.receive(RogueResponder.respond(init2, Fixtures.psk(1), B)).isPresent());
    assertEquals(HandshakeState.ESTABLISHED, i2.state());
  }

  @Test
  void theSigningKeyFileServesAsTheHandshakeDirectory() throws Exception {
    // The file format of SigningKeyDirectory, as a node's operator keeps it for entry signatures.
    SigningKeyDirectory file = SigningKeyDirectory.parse(SigningKeyDirectory.format(Map.of(
        A, Ed25519PublicKey.of(Fixtures.publicKey(A)),
        B, Ed25519PublicKey.of(Fixtures.publicKey(B)))));
    KeyDirectory fromFile = KeyDirectory.from(file);
    HandshakeConfig ca = Fixtures.identity(A, clock,
        b -> b.identity(Fixtures.identityKey(A), fromFile));
    HandshakeConfig cb = Fixtures.identity(B, clock,
        b -> b.identity(Fixtures.identityKey(B), fromFile));

    Fixtures.Run run = Fixtures.handshake(ca, cb);

    assertEquals(B, run.initiator().channel().peer());
    assertEquals(A, run.responder().channel().peer());
    assertTrue(fromFile.publicKey(C).isEmpty(), "a node the file does not list");
  }

  @Test
  void initiatorRejectsResponderSigningWithKeyOtherThanItsDirectoryEntry() throws Exception {
    byte[] wrongKeyForB = Fixtures.publicKey(C);
    HandshakeConfig ca =
        Fixtures.identity(A, clock, b -> b.identity(Fixtures.identityKey(A),
            KeyDirectory.of(Map.of(A, Fixtures.publicKey(A), B, wrongKeyForB))));
    Handshake i = Handshake.initiator(ca);
    Handshake r = Handshake.responder(config(AuthMode.ED25519, B));
    byte[] response = r.receive(i.start()).orElseThrow();
    assertEquals(HandshakeFailure.BAD_SIGNATURE, expectFailure(i, response));
  }

  @Test
  void responderRejectsInitiatorSigningWithKeyOtherThanItsDirectoryEntry() throws Exception {
    HandshakeConfig cb =
        Fixtures.identity(B, clock, b -> b.identity(Fixtures.identityKey(B),
            KeyDirectory.of(Map.of(A, Fixtures.publicKey(C), B, Fixtures.publicKey(B)))));
    Handshake i = Handshake.initiator(config(AuthMode.ED25519, A));
    Handshake r = Handshake.responder(cb);
    byte[] finish = i.receive(r.receive(i.start()).orElseThrow()).orElseThrow();
    assertEquals(HandshakeFailure.BAD_SIGNATURE, expectFailure(r, finish));
    assertEquals(1, cb.metrics().failures(HandshakeFailure.BAD_SIGNATURE));
  }

  @Test
  void nodeSigningWithAnotherPrivateKeyIsRejected() throws Exception {
    // A claims to be A but holds C's private key.
    HandshakeConfig impostor =
        Fixtures.identity(
            A, clock, b -> b.identity(Fixtures.identityKey(C), Fixtures.directoryAb()));
    Handshake i = Handshake.initiator(impostor);
    Handshake r = Handshake.responder(config(AuthMode.ED25519, B));
    byte[] finish = i.receive(r.receive(i.start()).orElseThrow()).orElseThrow();
    assertEquals(HandshakeFailure.BAD_SIGNATURE, expectFailure(r, finish));
  }

  @Test
  void responderRejectsInitiatorMissingFromItsDirectory() throws Exception {
    Handshake i = Handshake.initiator(config(AuthMode.ED25519, C));
    Handshake r = Handshake.responder(config(AuthMode.ED25519, B));
    assertEquals(HandshakeFailure.UNKNOWN_PEER, expectFailure(r, i.start()));
  }

  @Test
  void initiatorRejectsResponderMissingFromItsDirectory() throws Exception {
    HandshakeConfig ca =
        Fixtures.identity(A, clock, b -> b.identity(Fixtures.identityKey(A),
            KeyDirectory.of(Map.of(A, Fixtures.publicKey(A), C, Fixtures.publicKey(C)))));
    HandshakeConfig cc =
        Fixtures.identity(C, clock, b -> b.identity(Fixtures.identityKey(C),
            KeyDirectory.of(Map.of(A, Fixtures.publicKey(A), C, Fixtures.publicKey(C)))));
    // B is unknown to A; B's own directory knows A, so only A's check can stop this.
    Handshake i = Handshake.initiator(ca);
    Handshake r = Handshake.responder(config(AuthMode.ED25519, B));
    byte[] response = r.receive(i.start()).orElseThrow();
    assertEquals(HandshakeFailure.UNKNOWN_PEER, expectFailure(i, response));
    // And with a responder it does know, the same initiator config succeeds.
    assertEquals(HandshakeState.ESTABLISHED, Fixtures.handshake(ca, cc).initiator().state());
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void initiatorRejectsResponderOtherThanTheOneDialled(AuthMode mode) throws Exception {
    Handshake i = Handshake.initiator(config(mode, A), C);
    Handshake r = Handshake.responder(config(mode, B));
    byte[] response = r.receive(i.start()).orElseThrow();
    assertEquals(HandshakeFailure.UNEXPECTED_PEER, expectFailure(i, response));
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void peerClaimingThisNodesOwnIdIsRejected(AuthMode mode) throws Exception {
    Handshake i = Handshake.initiator(config(mode, A));
    Handshake r = Handshake.responder(config(mode, A));
    assertEquals(HandshakeFailure.UNEXPECTED_PEER, expectFailure(r, i.start()));
  }

  /**
   * Flips every bit position class (0x01 and 0x80) of every byte of every message; whichever side
   * notices first, the handshake must not establish anywhere.
   */
  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void tamperingWithAnyByteOfAnyMessageFailsTheHandshake(AuthMode mode) throws Exception {
    HandshakeConfig ca = config(mode, A);
    HandshakeConfig cb = config(mode, B);
    Fixtures.Run clean = Fixtures.handshake(ca, cb);
    int[] lengths = {clean.init().length, clean.response().length, clean.finish().length};
    int cases = 0;
    for (int msg = 0; msg < 3; msg++) {
      for (int pos = 0; pos < lengths[msg]; pos++) {
        for (int mask : new int[] {0x01, 0x80}) {
          assertTamperFails(ca, cb, msg, pos, mask);
          cases++;
        }
      }
    }
    assertTrue(cases > 200, "covered " + cases + " tamperings");
  }

  private static void assertTamperFails(
      HandshakeConfig ca, HandshakeConfig cb, int msg, int pos, int mask) {
    Handshake i = Handshake.initiator(ca);
    Handshake r = Handshake.responder(cb);
    String where = "message " + msg + " byte " + pos + " ^ " + mask;
    try {
      byte[] init = i.start();
      if (msg == 0) {
        init[pos] ^= (byte) mask;
      }
      byte[] response = r.receive(init).orElseThrow();
      if (msg == 1) {
        response[pos] ^= (byte) mask;
      }
      byte[] finish = i.receive(response).orElseThrow();
      if (msg == 2) {
        finish[pos] ^= (byte) mask;
      }
      r.receive(finish);
      fail("tampering with " + where + " went unnoticed");
    } catch (HandshakeException e) {
      assertTrue(
          i.state() == HandshakeState.FAILED || r.state() == HandshakeState.FAILED, where);
      assertFalse(
          r.state() == HandshakeState.ESTABLISHED, where + ": responder established");
      if (msg < 2) {
        assertFalse(i.state() == HandshakeState.ESTABLISHED, where + ": initiator established");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void replayedInitIsRejectedByTheSameResponderAndByItsReplayCache(AuthMode mode)
      throws Exception {
    HandshakeConfig cb = config(mode, B);
    Handshake i = Handshake.initiator(config(mode, A));
    Handshake r = Handshake.responder(cb);
    byte[] init = i.start();
    r.receive(init);
    assertEquals(HandshakeFailure.UNEXPECTED_MESSAGE, expectFailure(r, init));
    Handshake fresh = Handshake.responder(cb);
    assertEquals(HandshakeFailure.REPLAYED, expectFailure(fresh, init));
    assertEquals(1, cb.metrics().failures(HandshakeFailure.REPLAYED));
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void replayedSessionCannotBeCompletedWithoutTheInitiatorsEphemeralKey(AuthMode mode)
      throws Exception {
    HandshakeConfig ca = config(mode, A);
    Fixtures.Run recorded = Fixtures.handshake(ca, config(mode, B));
    // A responder whose replay cache has forgotten the INIT answers it, but the recorded FINISH
    // belongs to the old transcript and cannot be re-made without e_i's private key.
    HandshakeConfig forgetful =
        mode == AuthMode.PSK
            ? Fixtures.psk(B, clock, b -> b.random(new DeterministicRandom(4242)))
            : Fixtures.identity(B, clock, b -> b.random(new DeterministicRandom(4242)));
    Handshake r = Handshake.responder(forgetful);
    byte[] newResponse = r.receive(recorded.init()).orElseThrow();
    assertFalse(Arrays.equals(newResponse, recorded.response()), "fresh responder ephemeral");
    assertEquals(HandshakeFailure.AUTHENTICATION_FAILED, expectFailure(r, recorded.finish()));
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void responseFromAnotherSessionIsRejected(AuthMode mode) throws Exception {
    HandshakeConfig ca = config(mode, A);
    Fixtures.Run old = Fixtures.handshake(ca, config(mode, B));
    Handshake i = Handshake.initiator(ca); // same config: its entropy has moved on
    i.start();
    assertEquals(HandshakeFailure.AUTHENTICATION_FAILED, expectFailure(i, old.response()));
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void replayAfterEstablishmentIsRejectedButKeepsTheSession(AuthMode mode) throws Exception {
    HandshakeConfig ca = config(mode, A);
    Fixtures.Run run = Fixtures.handshake(ca, config(mode, B));
    HandshakeException e =
        assertThrows(HandshakeException.class, () -> run.initiator().receive(run.response()));
    assertEquals(HandshakeFailure.WRONG_STATE, e.failure());
    assertEquals(HandshakeState.ESTABLISHED, run.initiator().state());
    byte[] x = {1, 2, 3};
    assertArrayEquals(x, run.responder().channel().open(run.initiator().channel().seal(x)));
    assertEquals(1, ca.metrics().failures(HandshakeFailure.WRONG_STATE));
  }

  @Test
  void messageBeforeStartIsRejected() {
    Handshake i = Handshake.initiator(config(AuthMode.PSK, A));
    assertEquals(HandshakeFailure.WRONG_STATE, expectFailure(i, new byte[] {1, 2, 0, 0}));
  }

  @Test
  void messagesAfterFailureAreRejectedAsWrongState() {
    HandshakeConfig cb = config(AuthMode.PSK, B);
    Handshake r = Handshake.responder(cb);
    assertEquals(HandshakeFailure.MALFORMED, expectFailure(r, new byte[1]));
    HandshakeException e = assertThrows(HandshakeException.class, () -> r.receive(new byte[1]));
    assertEquals(HandshakeFailure.WRONG_STATE, e.failure());
    assertEquals(HandshakeFailure.MALFORMED, r.failure().orElseThrow(), "first reason is kept");
    assertEquals(1, cb.metrics().failures(HandshakeFailure.MALFORMED));
    assertEquals(1, cb.metrics().failures(HandshakeFailure.WRONG_STATE));
  }

  @Test
  void startTwiceOrOnResponderIsAProgrammingError() {
    Handshake i = Handshake.initiator(config(AuthMode.PSK, A));
    i.start();
    assertThrows(IllegalStateException.class, i::start);
    assertThrows(IllegalStateException.class, Handshake.responder(config(AuthMode.PSK, B))::start);
    assertThrows(IllegalStateException.class, i::channel);
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void deadlinePassedWithoutAnswerFailsTheHandshake(AuthMode mode) throws Exception {
    HandshakeConfig ca = config(mode, A);
    Handshake i = Handshake.initiator(ca);
    Handshake r = Handshake.responder(config(mode, B));
    assertEquals(clock.millis() + HandshakeConfig.DEFAULT_TIMEOUT_MILLIS, i.deadlineMillis());
    byte[] response = r.receive(i.start()).orElseThrow();
    clock.advance(HandshakeConfig.DEFAULT_TIMEOUT_MILLIS - 1);
    assertFalse(i.checkDeadline());
    assertEquals(HandshakeState.AWAIT_RESPONSE, i.state());
    clock.advance(1);
    assertTrue(i.checkDeadline());
    assertEquals(HandshakeState.FAILED, i.state());
    assertEquals(HandshakeFailure.TIMEOUT, i.failure().orElseThrow());
    assertEquals(1, ca.metrics().failures(HandshakeFailure.TIMEOUT));
    // The late answer is refused, and a second check does not count the timeout again.
    assertThrows(HandshakeException.class, () -> i.receive(response));
    i.checkDeadline();
    assertEquals(1, ca.metrics().failures(HandshakeFailure.TIMEOUT));
  }

  @Test
  void messageArrivingAfterTheDeadlineFailsWithTimeout() throws Exception {
    Handshake i = Handshake.initiator(config(AuthMode.PSK, A));
    Handshake r = Handshake.responder(config(AuthMode.PSK, B));
    byte[] init = i.start();
    clock.advance(HandshakeConfig.DEFAULT_TIMEOUT_MILLIS);
    assertEquals(HandshakeFailure.TIMEOUT, expectFailure(r, init));
  }

  @Test
  void establishedHandshakeIgnoresTheDeadline() throws Exception {
    Fixtures.Run run = Fixtures.handshake(config(AuthMode.PSK, A), config(AuthMode.PSK, B));
    clock.advance(HandshakeConfig.DEFAULT_TIMEOUT_MILLIS * 10);
    assertFalse(run.initiator().checkDeadline());
    assertEquals(HandshakeState.ESTABLISHED, run.initiator().state());
  }

  @Test
  void differentRekeyPoliciesAreRefused() {
    Handshake i =
        Handshake.initiator(Fixtures.psk(A, clock, b -> b.rekeyPolicy(RekeyPolicy.of(100, 10))));
    Handshake r = Handshake.responder(config(AuthMode.PSK, B));
    assertEquals(HandshakeFailure.POLICY_MISMATCH, expectFailure(r, i.start()));
  }

  @Test
  void modesDoNotMix() {
    Handshake i = Handshake.initiator(config(AuthMode.PSK, A));
    Handshake r = Handshake.responder(config(AuthMode.ED25519, B));
    assertEquals(HandshakeFailure.WRONG_MODE, expectFailure(r, i.start()));
  }

  @ParameterizedTest
  @EnumSource(ChannelCipher.class)
  void bothSidesSealWithTheChannelCipherTheyChose(ChannelCipher cipher) throws Exception {
    // A rekey every third frame: the derived keys keep the cipher's length.
    RekeyPolicy often = RekeyPolicy.of(1 << 20, 3);
    Fixtures.Run run = Fixtures.handshake(
        Fixtures.psk(A, clock, b -> b.channelCipher(cipher).rekeyPolicy(often)),
        Fixtures.psk(B, clock, b -> b.channelCipher(cipher).rekeyPolicy(often)));
    SecureChannel ia = run.initiator().channel();
    SecureChannel rb = run.responder().channel();
    for (int i = 0; i < 10; i++) {
      byte[] hello = ("hello " + i).getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(hello, rb.open(ia.seal(hello)));
      assertArrayEquals(hello, ia.open(rb.seal(hello)));
      assertEquals(cipher.keyBytes(), ia.keyBytes());
      assertEquals(cipher.keyBytes(), rb.keyBytes());
    }
  }

  @Test
  void channelsSealWithAes128GcmUnlessConfiguredOtherwise() throws Exception {
    assertEquals(ChannelCipher.AES_128_GCM, config(AuthMode.PSK, A).channelCipher());
    Fixtures.Run run = Fixtures.handshake(config(AuthMode.ED25519, A), config(AuthMode.ED25519, B));
    assertEquals(16, run.initiator().channel().keyBytes());
  }

  @Test
  void differentChannelCiphersNeverAgree() {
    Handshake i = Handshake.initiator(
        Fixtures.psk(A, clock, b -> b.channelCipher(ChannelCipher.AES_256_GCM)));
    Handshake r = Handshake.responder(config(AuthMode.PSK, B));
    assertEquals(HandshakeFailure.AUTHENTICATION_FAILED, expectFailure(r, i.start()));
  }

  @Test
  void differentClusterLabelsNeverAgreeInPskMode() {
    Handshake i = Handshake.initiator(Fixtures.psk(A, clock, b -> b.clusterLabel("other")));
    Handshake r = Handshake.responder(config(AuthMode.PSK, B));
    assertEquals(HandshakeFailure.AUTHENTICATION_FAILED, expectFailure(r, i.start()));
  }

  @Test
  void differentClusterLabelsNeverAgreeInIdentityMode() throws Exception {
    Handshake i = Handshake.initiator(Fixtures.identity(A, clock, b -> b.clusterLabel("other")));
    Handshake r = Handshake.responder(config(AuthMode.ED25519, B));
    byte[] response = r.receive(i.start()).orElseThrow();
    assertEquals(HandshakeFailure.AUTHENTICATION_FAILED, expectFailure(i, response));
  }

  @Test
  void lowOrderEphemeralKeyIsRefused() throws Exception {
    Handshake i = Handshake.initiator(config(AuthMode.ED25519, A));
    byte[] init = i.start();
    Arrays.fill(init, 20, 52, (byte) 0); // e_i := 0, a low-order point
    Handshake r = Handshake.responder(config(AuthMode.ED25519, B));
    assertEquals(HandshakeFailure.BAD_KEY, expectFailure(r, init));
  }

  @Test
  void configRejectsMistakesAtBuild() {
    assertThrows(IllegalArgumentException.class,
        () -> HandshakeConfig.builder().preSharedKey(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> HandshakeConfig.builder().timeoutMillis(0));
    assertThrows(IllegalArgumentException.class, () -> HandshakeConfig.builder().maxFrameBytes(0));
    assertThrows(IllegalArgumentException.class,
        () -> HandshakeConfig.builder().clusterLabel("x".repeat(256)));
    assertThrows(IllegalArgumentException.class, () -> RekeyPolicy.of(0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> KeyDirectory.of(Map.of(A, new byte[31])));
    IllegalStateException both = assertThrows(IllegalStateException.class,
        () -> Fixtures.pskBuilder(A, Fixtures.psk(1), clock)
            .identity(Fixtures.identityKey(A), Fixtures.directoryAb()).build());
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    IllegalStateException neither = assertThrows(IllegalStateException.class,
        () -> HandshakeConfig.builder().clusterLabel("x").localNode(A).clock(clock).build());
    assertTrue(neither.getMessage().contains("required"), neither.getMessage());
    assertThrows(IllegalStateException.class,
        () -> HandshakeConfig.builder().localNode(A).preSharedKey(new byte[32]).clock(clock)
            .build());
  }

  @Test
  void builderCanBuildTwiceAndConfigsDoNotShareTheCallersKey() throws Exception {
    byte[] key = Fixtures.psk(7);
    HandshakeConfig.Builder b = Fixtures.pskBuilder(A, key, clock);
    HandshakeConfig first = b.build();
    Arrays.fill(key, (byte) 0); // the caller wipes its copy
    HandshakeConfig second = b.build();
    assertEquals(HandshakeState.ESTABLISHED,
        Fixtures.handshake(first, config(AuthMode.PSK, B)).initiator().state());
    assertEquals(HandshakeState.ESTABLISHED,
        Fixtures.handshake(second, config(AuthMode.PSK, B)).initiator().state());
  }
}
