package io.gossipkit.crypto.handshake;

import static io.gossipkit.crypto.handshake.Fixtures.A;
import static io.gossipkit.crypto.handshake.Fixtures.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The strict handshake-message parser, seen through {@link Handshake#receive}. */
class HandshakeParserTest {
  private final ManualClock clock = new ManualClock(0);

  private HandshakeConfig config(AuthMode mode, io.gossipkit.api.NodeId node) {
    return mode == AuthMode.PSK
        ? Fixtures.psk(node, clock, b -> {})
        : Fixtures.identity(node, clock, b -> {});
  }

  /** A responder in AWAIT_INIT, and a valid INIT for it. */
  private record Case(Supplier<Handshake> target, byte[] valid) {}

  private Case caseFor(AuthMode mode, int type) throws Exception {
    HandshakeConfig ca = config(mode, A);
    HandshakeConfig cb = config(mode, B);
    Handshake i = Handshake.initiator(ca);
    Handshake r = Handshake.responder(cb);
    byte[] init = i.start();
    if (type == HandshakeCodec.TYPE_INIT) {
      // Each attempt gets a fresh responder (with a fresh replay cache) so only parsing can fail.
      return new Case(() -> Handshake.responder(config(mode, B)), init);
    }
    byte[] response = r.receive(init).orElseThrow();
    if (type == HandshakeCodec.TYPE_RESPONSE) {
      return new Case(i::copy, response);
    }
    byte[] finish = i.receive(response).orElseThrow();
    return new Case(r::copy, finish);
  }

  private static HandshakeFailure reject(Handshake hs, byte[] msg) {
    HandshakeException e = assertThrows(HandshakeException.class, () -> hs.receive(msg));
    assertEquals(HandshakeState.FAILED, hs.state());
    assertTrue(e.getMessage().length() > 10, "message explains: " + e.getMessage());
    return e.failure();
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void everyTruncationIsMalformed(AuthMode mode) throws Exception {
    for (int type = 1; type <= 3; type++) {
      Case c = caseFor(mode, type);
      for (int len = 0; len < c.valid().length; len++) {
        byte[] cut = Arrays.copyOf(c.valid(), len);
        assertEquals(HandshakeFailure.MALFORMED, reject(c.target().get(), cut),
            "type " + type + " cut to " + len);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void trailingBytesAreMalformed(AuthMode mode) throws Exception {
    for (int type = 1; type <= 3; type++) {
      Case c = caseFor(mode, type);
      byte[] longer = Arrays.copyOf(c.valid(), c.valid().length + 1);
      assertEquals(HandshakeFailure.MALFORMED, reject(c.target().get(), longer));
    }
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void oversizedMessageIsRejectedBeforeParsing(AuthMode mode) throws Exception {
    for (int type = 1; type <= 3; type++) {
      Case c = caseFor(mode, type);
      byte[] huge = Arrays.copyOf(c.valid(), Handshake.MAX_MESSAGE_BYTES + 1);
      assertEquals(HandshakeFailure.OVERSIZED, reject(c.target().get(), huge));
      assertEquals(HandshakeFailure.OVERSIZED, reject(c.target().get(), new byte[1 << 20]));
    }
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void otherVersionsAreUnsupported(AuthMode mode) throws Exception {
    for (int type = 1; type <= 3; type++) {
      Case c = caseFor(mode, type);
      for (int v : new int[] {0, 2, 255}) {
        byte[] m = c.valid().clone();
        m[0] = (byte) v;
        assertEquals(HandshakeFailure.UNSUPPORTED_VERSION, reject(c.target().get(), m));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void headerFieldsAreChecked(AuthMode mode) throws Exception {
    Case c = caseFor(mode, HandshakeCodec.TYPE_INIT);
    byte[] unknownType = c.valid().clone();
    unknownType[1] = 9;
    assertEquals(HandshakeFailure.MALFORMED, reject(c.target().get(), unknownType));
    byte[] wrongType = c.valid().clone();
    wrongType[1] = HandshakeCodec.TYPE_FINISH;
    assertEquals(HandshakeFailure.UNEXPECTED_MESSAGE, reject(c.target().get(), wrongType));
    byte[] unknownMode = c.valid().clone();
    unknownMode[2] = 7;
    assertEquals(HandshakeFailure.MALFORMED, reject(c.target().get(), unknownMode));
    byte[] otherMode = c.valid().clone();
    otherMode[2] = (byte) (mode == AuthMode.PSK ? 2 : 1);
    assertEquals(HandshakeFailure.WRONG_MODE, reject(c.target().get(), otherMode));
    byte[] reserved = c.valid().clone();
    reserved[3] = 1;
    assertEquals(HandshakeFailure.MALFORMED, reject(c.target().get(), reserved));
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void nodeIdFieldIsChecked(AuthMode mode) throws Exception {
    Case c = caseFor(mode, HandshakeCodec.TYPE_INIT);
    int lenAt = 4 + 16 + 32;
    byte[] empty = c.valid().clone();
    empty[lenAt] = 0;
    assertEquals(HandshakeFailure.MALFORMED, reject(c.target().get(), empty));
    byte[] tooLong = c.valid().clone();
    tooLong[lenAt] = (byte) 200;
    assertEquals(HandshakeFailure.MALFORMED, reject(c.target().get(), tooLong));
    byte[] badUtf8 = c.valid().clone();
    badUtf8[lenAt + 1] = (byte) 0xc0; // an overlong-encoding lead byte: never valid UTF-8
    assertEquals(HandshakeFailure.MALFORMED, reject(c.target().get(), badUtf8));
  }

  @ParameterizedTest
  @EnumSource(AuthMode.class)
  void eachMessageIsOnlyAcceptedInItsOwnState(AuthMode mode) throws Exception {
    Case init = caseFor(mode, HandshakeCodec.TYPE_INIT);
    Case response = caseFor(mode, HandshakeCodec.TYPE_RESPONSE);
    Case finish = caseFor(mode, HandshakeCodec.TYPE_FINISH);
    byte[][] msgs = {init.valid(), response.valid(), finish.valid()};
    Case[] targets = {init, response, finish};
    for (int t = 0; t < 3; t++) {
      for (int m = 0; m < 3; m++) {
        if (t != m) {
          assertEquals(
              HandshakeFailure.UNEXPECTED_MESSAGE,
              reject(targets[t].target().get(), msgs[m]),
              "message " + m + " in state of " + t);
        }
      }
    }
  }
}
