package io.gossipkit.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An entry's optional origin signature and the configuration switch that requires one. */
class EntrySignatureTest {
  private static final Version V = Version.of(Version.pack(1_000, 2), NodeId.of("a"));

  private static byte[] signature(int seed) {
    byte[] s = new byte[Entry.SIGNATURE_BYTES];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (seed + i);
    }
    return s;
  }

  @Test
  void entriesAreUnsignedUntilGivenASignature() {
    Entry e = Entry.of("k", new byte[] {1}, V);

    assertFalse(e.isSigned());
    assertEquals(0, e.signature().length);
    assertFalse(Entry.tombstone("k", V).isSigned());
    assertFalse(Entry.wrap("k", new byte[] {1}, V, false).isSigned());
  }

  @Test
  void withSignatureCopiesTheSignatureAndKeepsTheWrite() {
    Entry e = Entry.of("k", new byte[] {1, 2}, V);
    byte[] sig = signature(3);

    Entry signed = e.withSignature(sig);
    sig[0] = 99;

    assertTrue(signed.isSigned());
    assertArrayEquals(signature(3), signed.signature(), "later changes to the array stay out");
    assertEquals(e.key(), signed.key());
    assertArrayEquals(e.value(), signed.value());
    assertEquals(e.version(), signed.version());
    assertFalse(e.isSigned(), "the original is untouched");
  }

  @Test
  void signatureReturnsACopy() {
    Entry signed = Entry.of("k", new byte[] {1}, V).withSignature(signature(0));

    signed.signature()[0] = 42;

    assertArrayEquals(signature(0), signed.signature());
    assertNotSame(signed.signature(), signed.signature());
  }

  @Test
  void anEmptySignatureMakesAnUnsignedCopy() {
    Entry signed = Entry.tombstone("k", V).withSignature(signature(0));

    Entry unsigned = signed.withSignature(new byte[0]);

    assertFalse(unsigned.isSigned());
    assertTrue(unsigned.isTombstone());
  }

  @Test
  void aSignatureOfAnyOtherLengthIsRefused() {
    Entry e = Entry.of("k", new byte[] {1}, V);
    for (int length : new int[] {1, 32, 63, 65, 128}) {
      IllegalArgumentException ex =
          assertThrows(IllegalArgumentException.class, () -> e.withSignature(new byte[length]));
      assertEquals("signature must be 0 or 64 bytes, was " + length, ex.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> Entry.wrap("k", new byte[0], V, false, new byte[length]));
    }
    assertThrows(NullPointerException.class, () -> e.withSignature(null));
  }

  @Test
  void wrapKeepsTheSignatureArrayForCodecs() {
    byte[] sig = signature(1);
    Entry wrapped = Entry.wrap("k", new byte[] {5}, V, false, sig);

    assertSame(sig, wrapped.signatureUnsafe());
    assertTrue(Entry.wrap("k", null, V, true, sig).isTombstone());
  }

  @Test
  void equalityAndHashIgnoreTheSignatureButNotTheWrite() {
    Entry e = Entry.of("k", new byte[] {1}, V);
    Entry a = e.withSignature(signature(1));
    Entry b = e.withSignature(signature(2));

    assertEquals(e, a);
    assertEquals(a, b);
    assertEquals(e.hashCode(), a.hashCode());
    assertFalse(a.equals(Entry.of("k", new byte[] {2}, V).withSignature(signature(1))));
  }

  @Test
  void toStringSaysSignedButShowsNoSignatureOrValue() {
    Entry signed = Entry.of("k", new byte[] {1, 2, 3}, V).withSignature(signature(0x41));

    assertEquals("k=3B@1000.2@a signed", signed.toString());
  }

  @Test
  void signaturesAreNotRequiredByDefaultAndTheSwitchSurvivesToBuilder() {
    assertFalse(GossipConfig.lan().requireSignatures());
    assertFalse(GossipConfig.wan().requireSignatures());
    GossipConfig strict = GossipConfig.builder().requireSignatures(true).build();

    assertTrue(strict.requireSignatures());
    assertTrue(strict.toBuilder().gossipInterval(Duration.ofMillis(300)).build()
        .requireSignatures());
    assertTrue(strict.toString().contains("requireSignatures=true"), strict.toString());
  }
}
