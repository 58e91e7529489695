package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.Entry;
import io.gossipkit.api.EntrySigner;
import io.gossipkit.api.EntryVerifier;
import io.gossipkit.api.EntryVerifier.Result;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every pair of {@link EntrySigner} and {@link EntryVerifier} must pass: rules
 * R11.1 to R11.8 of {@code docs/contracts.md}. A signature must verify for exactly the write its
 * origin signed: any change to key, value, timestamp, origin or tombstone flag, and any forged
 * or altered signature, is {@link Result#INVALID}; an origin without a known key is {@link
 * Result#UNKNOWN_ORIGIN} and an entry without a signature {@link Result#UNSIGNED}, as {@link
 * EntryVerifier#verify} documents; and {@code verify} never throws, whatever it is given.
 *
 * <p>Keys come from a {@link Cluster}: each node's key pair, made on first use, with a signer per
 * node and verifiers trusting chosen nodes. Every rule uses nodes {@code node-a} and {@code
 * node-b} (trusted), {@code node-c} (never trusted) and a trusted node whose id is 255 UTF-8
 * bytes of non-ASCII text. Entries are live writes and tombstones with empty, small and 64 KiB
 * values, non-ASCII keys, and timestamps 0 and {@link Long#MAX_VALUE}, plus seeded random ones:
 * {@link #seed()} is printed by every failure. Every rule runs under a 60 s timeout in its own
 * thread.
 *
 * <p>A signature of the wrong length cannot reach a verifier: {@link Entry#withSignature} and
 * {@link Entry#wrap} refuse any length but 0 and {@link Entry#SIGNATURE_BYTES}, and codecs refuse
 * it on the wire; R11.4 checks every way a signature of the right length can be wrong.
 *
 * <pre>{@code
 * class MySignatureContractTest extends EntrySignatureContract {
 *   @Override
 *   protected Cluster newCluster() {
 *     Map<NodeId, MyKeyPair> keys = new ConcurrentHashMap<>();
 *     return new Cluster() {
 *       public EntrySigner signerOf(NodeId node) {
 *         return new MySigner(node, keys.computeIfAbsent(node, n -> MyKeyPair.generate()));
 *       }
 *
 *       public EntryVerifier verifierTrusting(Set<NodeId> nodes) {
 *         Map<NodeId, MyPublicKey> trusted = new HashMap<>();
 *         for (NodeId n : nodes) {
 *           trusted.put(n, keys.computeIfAbsent(n, k -> MyKeyPair.generate()).publicKey());
 *         }
 *         return new MyVerifier(trusted);
 *       }
 *     };
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class EntrySignatureContract {
  private static final HexFormat HEX = HexFormat.of();
  private static final NodeId A = NodeId.of("node-a");
  private static final NodeId B = NodeId.of("node-b");
  /** A node with a key pair that no verifier of the contract trusts. */
  private static final NodeId C = NodeId.of("node-c");
  /** A trusted node whose id is 255 UTF-8 bytes, the most a node id may have. */
  private static final NodeId LONG_ID = NodeId.of("é".repeat(127) + "x");
  private static final Set<NodeId> TRUSTED = Set.of(A, B, LONG_ID);
  private static final long NOW = Version.pack(1_700_000_000_000L, 7);

  private Cluster cluster;
  private EntrySigner signerA;
  private EntryVerifier verifier;

  /**
   * The keys of one cluster: each node's key pair, made the first time the node is named and
   * the same on every later call. Each call to {@link EntrySignatureContract#newCluster()} must
   * return a cluster with keys of its own.
   */
  public interface Cluster {
    /** A signer of {@code node}'s writes with {@code node}'s private key. */
    EntrySigner signerOf(NodeId node);

    /** A verifier that knows the public keys of exactly {@code nodes}, and of no other node. */
    EntryVerifier verifierTrusting(Set<NodeId> nodes);
  }

  /** Creates a cluster with fresh keys of its own; called once per rule, twice by R11.4. */
  protected abstract Cluster newCluster();

  /** The root seed of the random entries and signatures; override to explore, print to replay. */
  protected long seed() {
    return 0x51_6E_A7L;
  }

  /** Random entries verified by R11.7. Default 2,000. */
  protected int fuzzIterations() {
    return 2_000;
  }

  /** Makes the cluster, the signer of {@code node-a} and a verifier trusting the trusted nodes. */
  @BeforeEach
  public void setUpCluster() {
    cluster = newCluster();
    assertNotNull(cluster, "newCluster() returned null");
    signerA = signerOf(cluster, A);
    verifier = verifierTrusting(cluster, TRUSTED);
  }

  /**
   * R11.1: {@code sign} returns exactly {@link Entry#SIGNATURE_BYTES} bytes for every write of
   * its node: live writes and tombstones, empty and 64 KiB values, non-ASCII keys, extreme
   * timestamps, and a node id of 255 bytes.
   *
   * <p>On failure: the signature is returned with a prefix or in an encoding (DER, hex, Base64)
   * rather than as the raw 64 bytes; entries carry exactly 64 and codecs refuse any other length.
   */
  @Test
  public void required_r11_1_signatureIsSignatureBytesLong() {
    EntrySigner signerLong = signerOf(cluster, LONG_ID);
    for (NodeId origin : List.of(A, LONG_ID)) {
      EntrySigner signer = origin == A ? signerA : signerLong;
      for (Entry e : writesBy(origin, new Random(seed() + 1))) {
        sign(signer, e, "R11.1");
      }
    }
  }

  /**
   * R11.2: a signed write verifies {@link Result#VALID}: by the shared verifier, by a second
   * verifier made for the same nodes, by one trusting only the origin, with the signature of a
   * second signer of the same node, and as a copy rebuilt from equal but distinct key, value and
   * node id instances.
   *
   * <p>On failure: signer and verifier encode different bytes (both must sign exactly {@code
   * CanonicalEntry.encode(entry)}), the verifier looks up keys by identity instead of {@code
   * equals}, or the signature is read from the wrong place.
   */
  @Test
  public void required_r11_2_aSignedEntryVerifies() {
    EntryVerifier second = verifierTrusting(cluster, TRUSTED);
    EntrySigner signerLong = signerOf(cluster, LONG_ID);
    for (NodeId origin : List.of(A, LONG_ID)) {
      EntrySigner signer = origin == A ? signerA : signerLong;
      EntrySigner again = signerOf(cluster, origin);
      EntryVerifier onlyOrigin = verifierTrusting(cluster, Set.of(origin));
      for (Entry e : writesBy(origin, new Random(seed() + 2))) {
        Entry signed = e.withSignature(sign(signer, e, "R11.2"));
        expect(Result.VALID, verifier, signed, "R11.2: a signed write");
        expect(Result.VALID, second, signed, "R11.2: a signed write, by a second verifier");
        expect(Result.VALID, onlyOrigin, signed,
            "R11.2: a signed write, by a verifier trusting only its origin");
        expect(Result.VALID, verifier, e.withSignature(sign(again, e, "R11.2")),
            "R11.2: a write signed by a second signer of its node");
        expect(Result.VALID, verifier, rebuilt(signed).withSignature(signed.signature()),
            "R11.2: an equal copy of a signed write");
      }
    }
  }

  /**
   * R11.3: a signed write changed in any field its signature covers is {@link Result#INVALID}:
   * its value (a bit flipped, a byte added or removed, emptied or filled), its key (a character
   * changed, added or removed), its timestamp (plus or minus one, a high bit flipped), its origin
   * (another trusted node) or its tombstone flag (both ways, also for an empty value).
   *
   * <p>On failure: the message names the field: the verifier checks bytes that leave it out
   * (both sides must use {@code CanonicalEntry.encode}, which covers every field), or it looks
   * up the key of the wrong node.
   */
  @Test
  public void required_r11_3_changingTheWriteInvalidatesItsSignature() {
    for (Entry e : writesBy(A, new Random(seed() + 3))) {
      byte[] sig = sign(signerA, e, "R11.3");
      for (Map.Entry<String, Entry> changed : changesOf(e, new Random(seed() + 3)).entrySet()) {
        expect(Result.INVALID, verifier, changed.getValue().withSignature(sig),
            "R11.3: the signed write " + e + " with its " + changed.getKey() + " changed");
      }
    }
  }

  /**
   * R11.4: a write carrying a wrong signature of the right length is {@link Result#INVALID}: all
   * zeros, all ones, one bit flipped in each of the 64 bytes, either half of the genuine one
   * zeroed, the signature of another write of the same node, the same write signed by the
   * origin's signer of another cluster (another key claiming the same node), and 50 random ones.
   *
   * <p>On failure: the verifier accepts a signature without checking it against the origin's key
   * (a structural check only), compares only part of it, or trusts every key it has for some
   * node rather than the origin's.
   */
  @Test
  public void required_r11_4_forgedSignaturesAreInvalid() {
    Random random = new Random(seed() + 4);
    EntrySigner impostor = signerOf(newOtherCluster(), A);
    for (Entry e : writesBy(A, new Random(seed() + 4)).subList(0, 6)) {
      byte[] genuine = sign(signerA, e, "R11.4");
      Map<String, byte[]> forged = new LinkedHashMap<>();
      forged.put("all zeros", new byte[Entry.SIGNATURE_BYTES]);
      byte[] ones = new byte[Entry.SIGNATURE_BYTES];
      Arrays.fill(ones, (byte) 0xff);
      forged.put("all ones", ones);
      for (int i = 0; i < Entry.SIGNATURE_BYTES; i++) {
        byte[] flipped = genuine.clone();
        int bit = random.nextInt(8);
        flipped[i] ^= (byte) (1 << bit);
        forged.put("bit " + bit + " of byte " + i + " flipped", flipped);
      }
      byte[] firstHalf = genuine.clone();
      Arrays.fill(firstHalf, Entry.SIGNATURE_BYTES / 2, Entry.SIGNATURE_BYTES, (byte) 0);
      forged.put("second half zeroed", firstHalf);
      byte[] secondHalf = genuine.clone();
      Arrays.fill(secondHalf, 0, Entry.SIGNATURE_BYTES / 2, (byte) 0);
      forged.put("first half zeroed", secondHalf);
      Entry other = Entry.of(e.key() + "'", new byte[] {1}, e.version());
      forged.put("the signature of another write of the node", sign(signerA, other, "R11.4"));
      forged.put("the signature of another key claiming the node", sign(impostor, e, "R11.4"));
      for (int i = 0; i < 50; i++) {
        byte[] noise = new byte[Entry.SIGNATURE_BYTES];
        random.nextBytes(noise);
        forged.put("random signature " + i, noise);
      }
      for (Map.Entry<String, byte[]> f : forged.entrySet()) {
        expect(Result.INVALID, verifier, e.withSignature(f.getValue()),
            "R11.4: " + e + " with " + f.getKey() + " (" + HEX.formatHex(f.getValue()) + ")");
      }
    }
  }

  /**
   * R11.5: a signed write whose origin the verifier has no key for is {@link
   * Result#UNKNOWN_ORIGIN}, whether its signature is genuine or not: a write of {@code node-c}
   * signed by its own signer, or carrying zeros; and a write of {@code node-a} under verifiers
   * trusting only {@code node-b}, or nobody.
   *
   * <p>On failure: an unknown origin is reported as {@link Result#INVALID} (the engine then
   * drops a write it should keep when signatures are optional), or the signature is checked
   * against some other node's key; look the origin up first.
   */
  @Test
  public void required_r11_5_anOriginWithoutAKeyIsUnknown() {
    EntrySigner signerC = signerOf(cluster, C);
    for (Entry e : writesBy(C, new Random(seed() + 5)).subList(0, 6)) {
      expect(Result.UNKNOWN_ORIGIN, verifier, e.withSignature(sign(signerC, e, "R11.5")),
          "R11.5: a write of untrusted " + C + " signed by its signer");
      expect(Result.UNKNOWN_ORIGIN, verifier, e.withSignature(new byte[Entry.SIGNATURE_BYTES]),
          "R11.5: a write of untrusted " + C + " with a signature of zeros");
    }
    EntryVerifier onlyB = verifierTrusting(cluster, Set.of(B));
    EntryVerifier nobody = verifierTrusting(cluster, Set.of());
    for (Entry e : writesBy(A, new Random(seed() + 5)).subList(0, 6)) {
      Entry signed = e.withSignature(sign(signerA, e, "R11.5"));
      expect(Result.UNKNOWN_ORIGIN, onlyB, signed,
          "R11.5: a signed write of node-a, by a verifier trusting only node-b");
      expect(Result.UNKNOWN_ORIGIN, nobody, signed,
          "R11.5: a signed write of node-a, by a verifier trusting nobody");
    }
  }

  /**
   * R11.6: an entry without a signature is {@link Result#UNSIGNED}, whoever its origin (trusted,
   * untrusted, and under a verifier trusting nobody), live or tombstone, including a signed write
   * whose signature was removed ({@code withSignature(new byte[0])}).
   *
   * <p>On failure: the verifier checks the origin's key before {@link Entry#isSigned()}, or
   * verifies an empty signature and calls it {@link Result#INVALID}: check {@code isSigned()}
   * first.
   */
  @Test
  public void required_r11_6_anEntryWithoutASignatureIsUnsigned() {
    EntryVerifier nobody = verifierTrusting(cluster, Set.of());
    for (NodeId origin : List.of(A, C, LONG_ID)) {
      for (Entry e : writesBy(origin, new Random(seed() + 6)).subList(0, 6)) {
        expect(Result.UNSIGNED, verifier, e, "R11.6: an unsigned write of " + origin);
        expect(Result.UNSIGNED, nobody, e,
            "R11.6: an unsigned write of " + origin + ", by a verifier trusting nobody");
      }
    }
    for (Entry e : writesBy(A, new Random(seed() + 6)).subList(0, 6)) {
      Entry stripped = e.withSignature(sign(signerA, e, "R11.6")).withSignature(new byte[0]);
      expect(Result.UNSIGNED, verifier, stripped, "R11.6: a write whose signature was removed");
    }
  }

  /**
   * R11.7: {@link #fuzzIterations()} seeded entries (random origins, keys with non-ASCII text,
   * surrogate pairs and unpaired surrogates, values of 0 to 300 bytes, extreme timestamps,
   * tombstones) with random, zero, altered, borrowed, genuine or no signatures never make {@code
   * verify} throw or return null, and each gets exactly the result R11.2 to R11.6 require.
   *
   * <p>On failure: the printed entry made {@code verify} throw or answer wrongly. An exception
   * from encoding (a key UTF-8 cannot carry), from the key lookup or from the crypto library must
   * become {@link Result#INVALID}; the verifier runs on the node's thread.
   */
  @Test
  public void required_r11_7_verifyNeverThrows() {
    Random random = new Random(seed() + 7);
    NodeId[] origins = {A, B, C, LONG_ID};
    Map<NodeId, EntrySigner> signers = new LinkedHashMap<>();
    for (NodeId origin : origins) {
      signers.put(origin, signerOf(cluster, origin));
    }
    for (int i = 0; i < fuzzIterations(); i++) {
      NodeId origin = origins[random.nextInt(origins.length)];
      Entry e = randomWrite(origin, random);
      int kind = random.nextInt(6);
      boolean encodable = encodable(e.key());
      Entry input;
      Result expected;
      if (kind == 0) {
        input = e;
        expected = Result.UNSIGNED;
      } else if (kind == 1 && encodable) {
        input = e.withSignature(sign(signers.get(origin), e, "R11.7"));
        expected = Result.VALID;
      } else if (kind == 2 && encodable) {
        byte[] sig = sign(signers.get(origin), e, "R11.7");
        sig[random.nextInt(sig.length)] ^= (byte) (1 << random.nextInt(8));
        input = e.withSignature(sig);
        expected = Result.INVALID;
      } else if (kind == 3) {
        Entry other = randomWrite(origin, random);
        byte[] sig = encodable(other.key())
            ? sign(signers.get(origin), other, "R11.7")
            : new byte[Entry.SIGNATURE_BYTES];
        input = e.withSignature(sig);
        // One write in many is signed twice: the borrowed signature is then genuine.
        expected = encodable(other.key()) && other.equals(e) ? Result.VALID : Result.INVALID;
      } else if (kind == 4) {
        input = e.withSignature(new byte[Entry.SIGNATURE_BYTES]);
        expected = Result.INVALID;
      } else {
        byte[] noise = new byte[Entry.SIGNATURE_BYTES];
        random.nextBytes(noise);
        input = e.withSignature(noise);
        expected = Result.INVALID;
      }
      if (input.isSigned() && !TRUSTED.contains(origin)) {
        expected = Result.UNKNOWN_ORIGIN;
      }
      expect(expected, verifier, input, "R11.7 input " + i);
    }
  }

  /**
   * R11.8: {@code signsFor} agrees with {@code sign}: the signer of {@code node-a} says true for
   * {@code node-a} (also for an equal but distinct id); for every other node it says false and
   * {@code sign} then throws {@link IllegalArgumentException}, or it says true and {@code sign}
   * returns {@link Entry#SIGNATURE_BYTES} bytes.
   *
   * <p>On failure: {@code signsFor} is left at its default (true for everyone) while {@code sign}
   * refuses other nodes' writes, so a node given the wrong signer is built and fails only at its
   * first write; or {@code sign} refuses with another exception type, which the engine does not
   * expect.
   */
  @Test
  public void required_r11_8_signsForAgreesWithSign() {
    assertTrue(signsFor(signerA, A), "R11.8: the signer of node-a does not sign for node-a");
    assertTrue(signsFor(signerA, NodeId.of(new String(A.value().toCharArray()))),
        "R11.8: the signer of node-a does not sign for an equal but distinct node-a id");
    for (NodeId other : List.of(B, C, LONG_ID, NodeId.of("node-a "), NodeId.of("NODE-A"))) {
      boolean says = signsFor(signerA, other);
      for (Entry e : writesBy(other, new Random(seed() + 8)).subList(0, 3)) {
        String what = "R11.8: the signer of node-a, whose signsFor(" + other + ") is " + says
            + ", signing " + e;
        if (says) {
          sign(signerA, e, what);
          continue;
        }
        try {
          byte[] sig = signerA.sign(e);
          fail(what + ": returned " + (sig == null ? "null" : sig.length + " bytes")
              + " instead of throwing IllegalArgumentException");
        } catch (IllegalArgumentException expected) {
          // The required refusal.
        } catch (RuntimeException e2) {
          fail(what + ": threw " + e2 + " instead of IllegalArgumentException", e2);
        }
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private Cluster newOtherCluster() {
    Cluster other = newCluster();
    assertNotNull(other, "newCluster() returned null");
    return other;
  }

  private static EntrySigner signerOf(Cluster c, NodeId node) {
    EntrySigner signer = c.signerOf(node);
    assertNotNull(signer, () -> "signerOf(" + node + ") returned null");
    return signer;
  }

  private static EntryVerifier verifierTrusting(Cluster c, Set<NodeId> nodes) {
    EntryVerifier v = c.verifierTrusting(nodes);
    assertNotNull(v, () -> "verifierTrusting(" + nodes + ") returned null");
    return v;
  }

  private static boolean signsFor(EntrySigner signer, NodeId origin) {
    try {
      return signer.signsFor(origin);
    } catch (RuntimeException e) {
      return fail("R11.8: " + signer + ".signsFor(" + origin + ") threw " + e, e);
    }
  }

  private byte[] sign(EntrySigner signer, Entry e, String where) {
    byte[] sig;
    try {
      sig = signer.sign(e);
    } catch (RuntimeException ex) {
      return fail(where + " seed " + seed() + ": " + signer + ".sign(" + e + ") threw " + ex, ex);
    }
    assertNotNull(sig, () -> where + ": " + signer + ".sign(" + e + ") returned null");
    assertEquals(Entry.SIGNATURE_BYTES, sig.length, () -> tag(where, "R11.1") + ": " + signer
        + ".sign(" + e + ") returned " + sig.length + " bytes, not " + Entry.SIGNATURE_BYTES);
    return sig;
  }

  private void expect(Result expected, EntryVerifier v, Entry e, String what) {
    Result got;
    try {
      got = v.verify(e);
    } catch (RuntimeException ex) {
      fail(tag(what, "R11.7") + ", seed " + seed() + ": " + v + ".verify(" + e + ") threw " + ex,
          ex);
      return;
    }
    assertNotNull(got, () -> tag(what, "R11.7") + ": " + v + ".verify(" + e + ") returned null");
    assertEquals(expected, got, () -> what + ", seed " + seed() + ": " + v + ".verify(" + e
        + ") with signature " + HEX.formatHex(e.signatureUnsafe()));
  }

  /** Fixed writes covering the edge cases, then 20 seeded random ones. */
  private static List<Entry> writesBy(NodeId origin, Random random) {
    List<Entry> writes = new ArrayList<>();
    writes.add(Entry.of("k", new byte[] {1, 2, 3}, Version.of(NOW, origin)));
    writes.add(Entry.tombstone("k", Version.of(NOW, origin)));
    writes.add(Entry.of("clé-€-\uD83D\uDE00", new byte[0], Version.of(0, origin)));
    writes.add(Entry.tombstone("", Version.of(Long.MAX_VALUE, origin)));
    byte[] big = new byte[64 * 1024];
    random.nextBytes(big);
    writes.add(Entry.of("big", big, Version.of(Long.MAX_VALUE, origin)));
    writes.add(Entry.of("", new byte[] {0}, Version.of(1, origin)));
    for (int i = 0; i < 20; i++) {
      Entry e;
      do {
        e = randomWrite(origin, random);
      } while (!encodable(e.key()));
      writes.add(e);
    }
    return writes;
  }

  private static Entry randomWrite(NodeId origin, Random random) {
    String key = randomKey(random);
    long[] timestamps = {0, 1, NOW, Long.MAX_VALUE, random.nextLong() & Long.MAX_VALUE};
    Version version = Version.of(timestamps[random.nextInt(timestamps.length)], origin);
    if (random.nextInt(4) == 0) {
      return Entry.tombstone(key, version);
    }
    byte[] value = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(301)];
    random.nextBytes(value);
    return Entry.of(key, value, version);
  }

  private static String randomKey(Random random) {
    String[] pieces = {"a", "k", "key/", "é", "€", "\uD83D\uDE00", "\u0000", " "};
    StringBuilder key = new StringBuilder();
    for (int n = random.nextInt(6); n > 0; n--) {
      // About one key in 16 holds an unpaired surrogate, which UTF-8 cannot carry.
      key.append(random.nextInt(40) == 0 ? "\uD800" : pieces[random.nextInt(pieces.length)]);
    }
    return key.toString();
  }

  /** Whether {@code s} is well-formed UTF-16 (no unpaired surrogate), so a signer can encode it. */
  private static boolean encodable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** An equal copy of {@code e}'s write made of distinct instances, without its signature. */
  private static Entry rebuilt(Entry e) {
    Version v = Version.of(e.version().timestamp(),
        NodeId.of(new String(e.version().origin().value().toCharArray())));
    String key = new String(e.key().toCharArray());
    return e.isTombstone() ? Entry.tombstone(key, v) : Entry.of(key, e.value(), v);
  }

  /** Every single-field change of {@code e}'s write, by name. */
  private static Map<String, Entry> changesOf(Entry e, Random random) {
    Map<String, Entry> changes = new LinkedHashMap<>();
    String key = e.key();
    Version v = e.version();
    byte[] value = e.value();
    if (!e.isTombstone()) {
      if (value.length > 0) {
        byte[] flipped = value.clone();
        int at = random.nextInt(flipped.length);
        flipped[at] ^= (byte) (1 << random.nextInt(8));
        changes.put("value (byte " + at + " flipped)", Entry.of(key, flipped, v));
        changes.put("value (last byte removed)",
            Entry.of(key, Arrays.copyOf(value, value.length - 1), v));
        changes.put("value (emptied)", Entry.of(key, new byte[0], v));
      }
      changes.put("value (a byte appended)",
          Entry.of(key, Arrays.copyOf(value, value.length + 1), v));
      changes.put("tombstone flag (set)", Entry.tombstone(key, v));
    } else {
      changes.put("tombstone flag (cleared, value empty)", Entry.of(key, new byte[0], v));
      changes.put("tombstone flag (cleared, value 0x00)", Entry.of(key, new byte[1], v));
    }
    changes.put("key (a character appended)", with(e, key + "x", v));
    if (!key.isEmpty()) {
      String rest = key.substring(key.offsetByCodePoints(0, 1));
      changes.put("key (first character changed)",
          with(e, (key.charAt(0) == 'a' ? "b" : "a") + rest, v));
      changes.put("key (last character removed)",
          with(e, key.substring(0, key.offsetByCodePoints(key.length(), -1)), v));
    }
    long t = v.timestamp();
    if (t < Long.MAX_VALUE) {
      changes.put("timestamp (+1)", with(e, key, Version.of(t + 1, v.origin())));
    }
    if (t > 0) {
      changes.put("timestamp (-1)", with(e, key, Version.of(t - 1, v.origin())));
    }
    changes.put("timestamp (bit 40 flipped)",
        with(e, key, Version.of(t ^ (1L << 40), v.origin())));
    changes.put("origin (another trusted node)", with(e, key, Version.of(t, B)));
    return changes;
  }

  private static Entry with(Entry e, String key, Version v) {
    return e.isTombstone() ? Entry.tombstone(key, v) : Entry.of(key, e.value(), v);
  }

  /** {@code where}, followed by the rule it checks unless it already starts with it. */
  private static String tag(String where, String rule) {
    return where.startsWith(rule) ? where : where + " (" + rule + ")";
  }
}
