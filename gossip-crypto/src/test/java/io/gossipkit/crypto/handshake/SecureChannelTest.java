package io.gossipkit.crypto.handshake;

import static io.gossipkit.crypto.handshake.Fixtures.A;
import static io.gossipkit.crypto.handshake.Fixtures.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link SecureChannel}: sealing, ordering, replay, limits and rekeying. */
class SecureChannelTest {
  private final ManualClock clock = new ManualClock(0);

  /** Channels [initiator, responder] from a real PSK handshake with {@code policy}. */
  private SecureChannel[] connect(RekeyPolicy policy, int maxFrameBytes) throws Exception {
    return connect(policy, maxFrameBytes, 1);
  }

  private SecureChannel[] connect(RekeyPolicy policy, int maxFrameBytes, long seed)
      throws Exception {
    HandshakeConfig ca =
        Fixtures.psk(A, clock, b -> b.rekeyPolicy(policy).maxFrameBytes(maxFrameBytes)
            .random(new DeterministicRandom(seed)));
    HandshakeConfig cb =
        Fixtures.psk(B, clock, b -> b.rekeyPolicy(policy).maxFrameBytes(maxFrameBytes));
    Fixtures.Run run = Fixtures.handshake(ca, cb);
    return new SecureChannel[] {run.initiator().channel(), run.responder().channel()};
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void framesRoundTripInBothDirections() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1024);
    for (int n = 0; n < 50; n++) {
      byte[] up = bytes("up " + n);
      byte[] down = new byte[n * 7];
      Arrays.fill(down, (byte) n);
      byte[] upFrame = ch[0].seal(up);
      assertEquals(up.length + SecureChannel.OVERHEAD_BYTES, upFrame.length);
      assertArrayEquals(up, ch[1].open(upFrame));
      assertArrayEquals(down, ch[0].open(ch[1].seal(down)));
    }
  }

  @Test
  void framesSealIntoAndOpenFromTheFrontOfReusedLargerBuffers() throws Exception {
    // As the TCP transport opens them: each sealed frame copied to the front of one scratch
    // array that still holds the tail of a longer frame before it.
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 64 << 10);
    byte[] scratch = new byte[128 << 10];
    Arrays.fill(scratch, (byte) 0x5a);
    for (int n : new int[] {40_000, 3, 20_000, 0, 33_000}) {
      byte[] plain = new byte[n];
      Arrays.fill(plain, (byte) n);
      byte[] frame = ch[0].seal(plain);
      System.arraycopy(frame, 0, scratch, 0, frame.length);

      assertArrayEquals(plain, ch[1].open(scratch, frame.length), "frame of " + n);
    }
    // Sealing into the front of a reused buffer gives the same frames as sealing afresh.
    byte[] sealScratch = new byte[128 << 10];
    for (int n : new int[] {40_000, 3, 0}) {
      byte[] plain = new byte[n];
      Arrays.fill(plain, (byte) (n + 1));
      int length = ch[0].seal(plain, sealScratch);
      assertEquals(SecureChannel.sealedLength(n), length);
      assertArrayEquals(plain, ch[1].open(sealScratch, length), "sealed into scratch, " + n);
    }
    assertThrows(IllegalArgumentException.class, () -> ch[0].seal(new byte[100], new byte[50]));
    byte[] tampered = ch[0].seal(bytes("x"));
    System.arraycopy(tampered, 0, scratch, 0, tampered.length);
    scratch[tampered.length - 1] ^= 1;
    assertThrows(AuthenticationException.class, () -> ch[1].open(scratch, tampered.length));
  }

  @Test
  void sealedFrameHidesThePlaintext() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1024);
    byte[] plain = bytes("a secret that should not appear in clear");
    byte[] frame = ch[0].seal(plain);
    String asText = new String(frame, StandardCharsets.ISO_8859_1);
    assertFalse(asText.contains("secret"));
  }

  @Test
  void replayedFrameIsRejectedAndChannelRecovers() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1024);
    byte[] f0 = ch[0].seal(bytes("zero"));
    byte[] f1 = ch[0].seal(bytes("one"));
    ch[1].open(f0);
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> ch[1].open(f0));
    assertTrue(e.getMessage().startsWith("REPLAYED"), e.getMessage());
    assertEquals(1, ch[1].rejections(ChannelFailure.REPLAYED));
    assertArrayEquals(bytes("one"), ch[1].open(f1));
    assertThrows(AuthenticationException.class, () -> ch[1].open(f1));
    assertEquals(2, ch[1].rejections(ChannelFailure.REPLAYED));
  }

  @Test
  void reorderedFrameIsRejectedAndChannelRecovers() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1024);
    byte[] f0 = ch[0].seal(bytes("zero"));
    byte[] f1 = ch[0].seal(bytes("one"));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> ch[1].open(f1));
    assertTrue(e.getMessage().startsWith("OUT_OF_ORDER"), e.getMessage());
    assertArrayEquals(bytes("zero"), ch[1].open(f0));
    assertArrayEquals(bytes("one"), ch[1].open(f1));
    assertEquals(1, ch[1].rejections(ChannelFailure.OUT_OF_ORDER));
  }

  @Test
  void tamperedFrameIsRejectedAndTheGenuineOneStillOpens() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1024);
    byte[] frame = ch[0].seal(bytes("payload"));
    for (int pos = SecureChannel.HEADER_BYTES; pos < frame.length; pos++) {
      byte[] bad = frame.clone();
      bad[pos] ^= 1;
      assertThrows(AuthenticationException.class, () -> ch[1].open(bad));
    }
    assertEquals(frame.length - SecureChannel.HEADER_BYTES,
        ch[1].rejections(ChannelFailure.AUTHENTICATION_FAILED));
    assertArrayEquals(bytes("payload"), ch[1].open(frame));
  }

  @Test
  void frameForTheOtherDirectionDoesNotOpen() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1024);
    byte[] own = ch[0].seal(bytes("reflected"));
    assertThrows(AuthenticationException.class, () -> ch[0].open(own));
  }

  @Test
  void frameOfAnotherSessionDoesNotOpen() throws Exception {
    SecureChannel[] one = connect(RekeyPolicy.defaults(), 1024);
    SecureChannel[] two = connect(RekeyPolicy.defaults(), 1024, 2);
    assertThrows(AuthenticationException.class, () -> two[1].open(one[0].seal(bytes("x"))));
  }

  @Test
  void shortAndOversizedFramesAreRejectedBeforeDecryption() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 64);
    assertThrows(AuthenticationException.class, () -> ch[1].open(new byte[0]));
    assertThrows(AuthenticationException.class,
        () -> ch[1].open(new byte[SecureChannel.OVERHEAD_BYTES - 1]));
    assertThrows(AuthenticationException.class,
        () -> ch[1].open(new byte[SecureChannel.OVERHEAD_BYTES + 65]));
    assertEquals(2, ch[1].rejections(ChannelFailure.MALFORMED));
    assertEquals(1, ch[1].rejections(ChannelFailure.OVERSIZED));
    assertThrows(IllegalArgumentException.class, () -> ch[0].seal(new byte[65]));
    byte[] max = new byte[64];
    assertArrayEquals(max, ch[1].open(ch[0].seal(max)));
    assertArrayEquals(new byte[0], ch[1].open(ch[0].seal(new byte[0])));
  }

  @Test
  void rekeysAfterTheConfiguredFrameCountAndKeepsWorking() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.of(1L << 30, 4), 1024);
    SecureChannel a = ch[0];
    SecureChannel b = ch[1];
    byte[] epoch0Key = a.sendKeyForTesting();
    List<byte[]> keys = new ArrayList<>();
    keys.add(epoch0Key);
    for (int n = 0; n < 4; n++) {
      assertEquals(0, a.sendEpoch());
      assertArrayEquals(bytes("f" + n), b.open(a.seal(bytes("f" + n))));
    }
    assertEquals(1, a.sendEpoch());
    assertEquals(1, b.receiveEpoch());
    assertEquals(0, a.receiveEpoch(), "the other direction rekeys on its own count");
    byte[] epoch1Key = a.sendKeyForTesting();
    assertFalse(Arrays.equals(epoch0Key, epoch1Key), "rekeying changes the key");
    assertArrayEquals(epoch1Key, b.receiveKeyForTesting(), "both ends ratchet alike");

    // Frame 4, the first under the new key, does not open with the pre-rekey key.
    byte[] f4 = a.seal(bytes("after rekey"));
    byte[] ad = Arrays.copyOf(f4, SecureChannel.HEADER_BYTES);
    assertNull(Primitives.open(epoch0Key, 4, ad, f4, 8, f4.length - 8));
    assertArrayEquals(bytes("after rekey"), b.open(f4));

    for (int n = 5; n < 40; n++) {
      assertArrayEquals(bytes("f" + n), b.open(a.seal(bytes("f" + n))));
      keys.add(a.sendKeyForTesting());
    }
    assertEquals(10, a.sendEpoch());
    assertEquals(10, b.receiveEpoch());
    assertEquals(11, keys.stream().map(Arrays::toString).distinct().count(),
        "every epoch has its own key");
  }

  @Test
  void rekeysAfterTheConfiguredByteVolume() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.of(100, 1L << 20), 1024);
    byte[] before = ch[1].sendKeyForTesting();
    ch[0].open(ch[1].seal(new byte[60]));
    assertEquals(0, ch[1].sendEpoch());
    ch[0].open(ch[1].seal(new byte[40])); // 100 bytes in this epoch: the ratchet turns
    assertEquals(1, ch[1].sendEpoch());
    assertEquals(1, ch[0].receiveEpoch());
    byte[] after = ch[1].sendKeyForTesting();
    assertFalse(Arrays.equals(before, after));
    byte[] f = ch[1].seal(bytes("x"));
    assertNull(Primitives.open(before, 2, Arrays.copyOf(f, 8), f, 8, f.length - 8));
    assertArrayEquals(bytes("x"), ch[0].open(f));
  }

  @Test
  void rejectedFramesDoNotAdvanceTheRatchet() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.of(1L << 30, 2), 1024);
    byte[] f0 = ch[0].seal(bytes("0"));
    byte[] f1 = ch[0].seal(bytes("1"));
    byte[] f2 = ch[0].seal(bytes("2"));
    ch[1].open(f0);
    byte[] forged = f1.clone();
    forged[forged.length - 1] ^= 1;
    assertThrows(AuthenticationException.class, () -> ch[1].open(forged));
    assertThrows(AuthenticationException.class, () -> ch[1].open(f2));
    assertEquals(0, ch[1].receiveEpoch());
    ch[1].open(f1);
    assertEquals(1, ch[1].receiveEpoch());
    assertArrayEquals(bytes("2"), ch[1].open(f2));
  }

  @Test
  void counterAtTheTopOfTheRangeIsOutOfOrderNotReplayed() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1024);
    byte[] frame = ch[0].seal(bytes("x"));
    Arrays.fill(frame, 0, 8, (byte) 0xff);
    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> ch[1].open(frame));
    assertTrue(e.getMessage().startsWith("OUT_OF_ORDER"), e.getMessage());
  }

  @Test
  void aFrameLargerThanARecordIsSealedAsFullRecordsAndOpensWhole() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1 << 20);
    for (int len : new int[] {SecureChannel.RECORD_BYTES, SecureChannel.RECORD_BYTES + 1,
        3 * SecureChannel.RECORD_BYTES, 100_000}) {
      byte[] plain = new byte[len];
      for (int i = 0; i < len; i++) {
        plain[i] = (byte) (i * 31 + len);
      }
      byte[] frame = ch[0].seal(plain);
      int records = (len + SecureChannel.RECORD_BYTES - 1) / SecureChannel.RECORD_BYTES;
      assertEquals(len + records * SecureChannel.OVERHEAD_BYTES, frame.length);
      assertEquals(frame.length, SecureChannel.sealedLength(len));
      assertArrayEquals(plain, ch[1].open(frame));
    }
  }

  @Test
  void aFrameCutAtARecordBoundaryIsRefusedAndTheChannelStillOpensTheNextFrame() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1 << 20);
    byte[] frame = ch[0].seal(new byte[2 * SecureChannel.RECORD_BYTES + 10]);
    // A changed length prefix would hand the reader the first two records as a whole frame:
    // each authentic, but the second says more follow.
    byte[] cut = Arrays.copyOf(frame, 2 * (SecureChannel.RECORD_BYTES + SecureChannel.OVERHEAD_BYTES));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> ch[1].open(cut));
    assertTrue(e.getMessage().startsWith("MALFORMED"), e.getMessage());
    assertArrayEquals(new byte[2 * SecureChannel.RECORD_BYTES + 10], ch[1].open(frame));
    assertArrayEquals(bytes("next"), ch[1].open(ch[0].seal(bytes("next"))));
  }

  @Test
  void twoFramesJoinedIntoOneAreRefused() throws Exception {
    SecureChannel[] ch = connect(RekeyPolicy.defaults(), 1 << 20);
    byte[] first = ch[0].seal(new byte[SecureChannel.RECORD_BYTES]);
    byte[] second = ch[0].seal(bytes("second"));
    byte[] joined = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, joined, first.length, second.length);
    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> ch[1].open(joined));
    assertTrue(e.getMessage().startsWith("MALFORMED"), e.getMessage());
    assertEquals(SecureChannel.RECORD_BYTES, ch[1].open(first).length);
    assertArrayEquals(bytes("second"), ch[1].open(second));
  }

  @Test
  void aForgedLastRecordUndoesARekeyTheEarlierRecordsTurned() throws Exception {
    // Rekeys every 2 records: a 5-record frame turns the ratchet twice before its last record.
    SecureChannel[] ch = connect(RekeyPolicy.of(1L << 30, 2), 1 << 20);
    byte[] plain = new byte[4 * SecureChannel.RECORD_BYTES + 7];
    Arrays.fill(plain, (byte) 7);
    byte[] frame = ch[0].seal(plain);
    assertEquals(2, ch[0].sendEpoch());
    byte[] keyBefore = ch[1].receiveKeyForTesting();
    byte[] forged = frame.clone();
    forged[forged.length - 1] ^= 1;
    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> ch[1].open(forged));
    assertTrue(e.getMessage().startsWith("AUTHENTICATION_FAILED"), e.getMessage());
    assertEquals(0, ch[1].receiveEpoch());
    assertArrayEquals(keyBefore, ch[1].receiveKeyForTesting(), "the key is restored, not wiped");
    assertArrayEquals(plain, ch[1].open(frame));
    assertEquals(2, ch[1].receiveEpoch());
    assertArrayEquals(bytes("after"), ch[1].open(ch[0].seal(bytes("after"))));
  }

  @Test
  void mutatedMultiRecordFramesAreRefusedAndNeverBreakTheChannel() throws Exception {
    // Rekeys every 3 records, so mutations also land on frames whose ratchet turns mid-frame.
    SecureChannel[] ch = connect(RekeyPolicy.of(1L << 30, 3), 1 << 20);
    Random random = new Random(7);
    int full = SecureChannel.RECORD_BYTES + SecureChannel.OVERHEAD_BYTES;
    for (int round = 0; round < 60; round++) {
      byte[] plain = new byte[1 + random.nextInt(4 * SecureChannel.RECORD_BYTES)];
      random.nextBytes(plain);
      byte[] frame = ch[0].seal(plain);
      byte[] bad;
      switch (round % 5) {
        case 0: // a flipped bit anywhere
          bad = frame.clone();
          bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
          break;
        case 1: // cut anywhere
          bad = Arrays.copyOf(frame, random.nextInt(frame.length));
          break;
        case 2: // grown by a few bytes
          bad = Arrays.copyOf(frame, frame.length + 1 + random.nextInt(40));
          break;
        case 3: // the first two records swapped, when there are two full ones
          bad = frame.clone();
          if (frame.length > 2 * full) {
            System.arraycopy(frame, 0, bad, full, full);
            System.arraycopy(frame, full, bad, 0, full);
          } else {
            bad[bad.length - 1] ^= 1;
          }
          break;
        default: // the more bit of the first record cleared
          bad = frame.clone();
          bad[0] ^= (byte) 0x80;
          break;
      }
      byte[] refused = bad;
      if (!Arrays.equals(refused, frame)) {
        assertThrows(AuthenticationException.class, () -> ch[1].open(refused),
            "mutation " + (round % 5) + " of a " + plain.length + "-byte frame");
      }
      assertArrayEquals(plain, ch[1].open(frame), "the genuine frame after mutation " + round % 5);
    }
  }
}
