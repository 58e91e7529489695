package io.gossipkit.crypto.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Entry;
import io.gossipkit.api.EntryVerifier.Result;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ed25519 signing and verification of entries: what verifies, and every way it must not. */
class Ed25519SignatureTest {
  private static final NodeId A = NodeId.of("node-a");
  private static final NodeId B = NodeId.of("node-b");
  private static final HexFormat HEX = HexFormat.of();

  /** A deterministic source of keys, so failures reproduce; shared by this package's tests. */
  static SecureRandom seeded(long seed) {
    try {
      // Deterministic keys make failures reproducible; never do this outside tests.
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private final Ed25519KeyPair keyA = Ed25519KeyPair.generate(seeded(1));
  private final Ed25519KeyPair keyB = Ed25519KeyPair.generate(seeded(2));
  private final Ed25519Signer signerA = Ed25519Signer.of(A, keyA.privateKey());
  private final Ed25519Verifier verifier =
      Ed25519Verifier.of(SigningKeyDirectory.of(Map.of(A, keyA.publicKey(), B, keyB.publicKey())));

  private static final Version V = Version.of(Version.pack(1_700_000_000_000L, 7), A);

  private Entry signedByA(Entry e) {
    return e.withSignature(signerA.sign(e));
  }

  @Test
  void aSignedWriteVerifies() {
    Entry live = signedByA(Entry.of("color", "blue".getBytes(StandardCharsets.UTF_8), V));
    Entry tombstone = signedByA(Entry.tombstone("color", V));

    assertEquals(Entry.SIGNATURE_BYTES, live.signature().length);
    assertEquals(Result.VALID, verifier.verify(live));
    assertEquals(Result.VALID, verifier.verify(tombstone));
  }

  @Test
  void changingAnyFieldOfTheWriteInvalidatesItsSignature() {
    Entry genuine = signedByA(Entry.of("color", new byte[] {1, 2, 3}, V));
    byte[] sig = genuine.signature();
    Map<String, Entry> altered = new LinkedHashMap<>();
    altered.put("key", Entry.of("colour", new byte[] {1, 2, 3}, V));
    altered.put("value", Entry.of("color", new byte[] {1, 2, 4}, V));
    altered.put("value length", Entry.of("color", new byte[] {1, 2, 3, 0}, V));
    altered.put("empty value", Entry.of("color", new byte[0], V));
    altered.put("timestamp", Entry.of("color", new byte[] {1, 2, 3},
        Version.of(V.timestamp() + 1, A)));
    // B's key is listed too, so this is a signature check failing, not an unknown origin.
    altered.put("origin", Entry.of("color", new byte[] {1, 2, 3}, Version.of(V.timestamp(), B)));
    altered.put("tombstone flag", Entry.tombstone("color", V));
    altered.forEach(
        (field, e) ->
            assertEquals(Result.INVALID, verifier.verify(e.withSignature(sig)), "changed " + field));
  }

  @Test
  void flippingAnyBitOfTheSignatureInvalidatesIt() {
    Entry genuine = signedByA(Entry.of("k", new byte[] {9}, V));
    byte[] sig = genuine.signature();
    for (int bit = 0; bit < sig.length * 8; bit++) {
      byte[] flipped = sig.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertEquals(Result.INVALID, verifier.verify(genuine.withSignature(flipped)), "bit " + bit);
    }
  }

  @Test
  void aSignatureMadeWithAnotherKeyForTheSameOriginIsInvalid() {
    // What a malicious member does: sign a write that claims node-a as origin with its own key.
    Entry forged = Entry.of("k", new byte[] {1}, V);
    forged = forged.withSignature(Ed25519Signer.of(A, keyB.privateKey()).sign(forged));

    assertEquals(Result.INVALID, verifier.verify(forged));
  }

  @Test
  void aNonCanonicalSignatureIsInvalid() {
    // S + L verifies under a naive check (same point) but is a different byte string: RFC 8032
    // requires S < L, so nobody can turn one valid signature into another.
    Entry genuine = signedByA(Entry.of("k", new byte[] {9}, V));
    byte[] sig = genuine.signature();
    BigInteger order = BigInteger.ONE.shiftLeft(252)
        .add(new BigInteger("27742317777372353535851937790883648493"));
    BigInteger s = new BigInteger(1, reverse(Arrays.copyOfRange(sig, 32, 64)));
    byte[] malleated = sig.clone();
    byte[] sPlusL = reverse(toFixed(s.add(order), 32));
    System.arraycopy(sPlusL, 0, malleated, 32, 32);

    assertEquals(Result.INVALID, verifier.verify(genuine.withSignature(malleated)));
  }

  private static byte[] reverse(byte[] b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[b.length - 1 - i];
    }
    return out;
  }

  private static byte[] toFixed(BigInteger v, int length) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[length];
    int n = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - n, out, length - n, n);
    return out;
  }

  @Test
  void unsignedAndUnknownOriginsAreSaidSo() {
    Entry unsigned = Entry.of("k", new byte[] {1}, V);
    NodeId stranger = NodeId.of("stranger");
    Entry fromStranger = Entry.of("k", new byte[] {1}, Version.of(1, stranger));
    fromStranger = fromStranger.withSignature(
        Ed25519Signer.of(stranger, Ed25519KeyPair.generate(seeded(3)).privateKey())
            .sign(fromStranger));

    assertEquals(Result.UNSIGNED, verifier.verify(unsigned));
    assertEquals(Result.UNKNOWN_ORIGIN, verifier.verify(fromStranger));
  }

  @Test
  void theDirectoryFindsAnOriginCarryingASimulatorSlot() {
    Entry e = Entry.of("k", new byte[] {1}, Version.of(1, NodeId.withSlot("node-a", 12)));
    Entry signed = e.withSignature(signerA.sign(e));

    assertEquals(Result.VALID, verifier.verify(signed));
  }

  @Test
  void aVerifierNeverThrowsEvenOverAFaultyDirectory() {
    Ed25519Verifier faulty = Ed25519Verifier.of(new SigningKeyDirectory() {
      @Override
      public Ed25519PublicKey publicKey(NodeId node) {
        throw new IllegalStateException("directory down");
      }

      @Override
      public Set<NodeId> nodes() {
        return Set.of();
      }
    });

    assertEquals(Result.INVALID, faulty.verify(signedByA(Entry.of("k", new byte[] {1}, V))));
  }

  @Test
  void aSignerSignsOnlyItsOwnNodesWrites() {
    Entry ofB = Entry.of("k", new byte[] {1}, Version.of(1, B));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> signerA.sign(ofB));

    assertEquals("the signer of node node-a does not sign writes of node node-b", e.getMessage());
    assertTrue(signerA.signsFor(A));
    assertFalse(signerA.signsFor(B));
    assertEquals(A, signerA.node());
    assertEquals(keyA.publicKey(), signerA.publicKey());
  }

  @Test
  void signaturesAreDeterministic() {
    Entry e = Entry.of("k", new byte[] {1, 2}, V);

    assertArrayEquals(signerA.sign(e), signerA.sign(e));
  }

  @Test
  void thePublicKeyDerivesFromThePrivateKeyAsInRfc8032() {
    // RFC 8032, section 7.1, TEST 1.
    Ed25519PrivateKey key = Ed25519PrivateKey.of(
        HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));

    assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        HEX.formatHex(key.publicKey().encoded()));
  }

  @Test
  void keysRoundTripThroughTheirEncodings() {
    Ed25519PrivateKey again = Ed25519PrivateKey.of(keyA.privateKey().encoded());
    String base64 = Base64.getEncoder().encodeToString(keyA.privateKey().encoded());

    assertEquals(keyA.publicKey(), again.publicKey());
    assertEquals(keyA.publicKey(), Ed25519PrivateKey.fromBase64(base64).publicKey());
    assertEquals(keyA.publicKey(), Ed25519PublicKey.fromBase64(keyA.publicKey().toBase64()));
    assertEquals(keyA.publicKey(), Ed25519PublicKey.of(keyA.publicKey().encoded()));
    assertEquals(44, keyA.publicKey().toBase64().length());
    assertEquals(keyA.publicKey(), Ed25519KeyPair.of(again).publicKey());
  }

  @Test
  void weakOrMalformedPublicKeysAreRefused() {
    byte[] identity = new byte[32];
    identity[0] = 1; // the neutral point: every signature would "verify" under a naive check
    byte[] notOnTheCurve = new byte[32];
    Arrays.fill(notOnTheCurve, (byte) 0xFF);

    assertThrows(IllegalArgumentException.class, () -> Ed25519PublicKey.of(identity));
    assertThrows(IllegalArgumentException.class, () -> Ed25519PublicKey.of(new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> Ed25519PublicKey.of(notOnTheCurve));
    assertThrows(IllegalArgumentException.class, () -> Ed25519PublicKey.of(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> Ed25519PublicKey.fromBase64("not base64!"));
    assertThrows(IllegalArgumentException.class, () -> Ed25519PrivateKey.of(new byte[33]));
  }

  @Test
  void noKeyMaterialAppearsInAnyToStringOrErrorMessage() {
    String secret = Base64.getEncoder().encodeToString(keyA.privateKey().encoded());
    String secretHex = HEX.formatHex(keyA.privateKey().encoded());
    String publicBase64 = keyA.publicKey().toBase64();
    for (Object o : new Object[] {keyA, keyA.privateKey(), keyA.publicKey(), signerA, verifier}) {
      String text = o.toString();
      assertFalse(text.contains(secret) || text.contains(secretHex), o.getClass() + ": " + text);
      assertFalse(text.contains(publicBase64), o.getClass() + ": " + text);
      assertFalse(text.contains(secret.substring(0, 8)), o.getClass() + ": " + text);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ed25519PrivateKey.fromBase64(secret.substring(0, 20) + "!"));
    assertFalse(e.getMessage().contains(secret.substring(0, 20)), e.getMessage());
    assertTrue(keyA.privateKey().toString().contains("redacted"));
  }
}
