package io.gossipkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.CanonicalEntry;
import io.gossipkit.api.Cancellable;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.EntrySigner;
import io.gossipkit.api.EntryVerifier;
import io.gossipkit.api.EntryVerifier.Result;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.core.internal.EntryHash;
import io.gossipkit.core.internal.VersionedStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of origin signatures: signing local writes, checking received entries before
 * they touch the replica or the clock, and what is dropped and counted in each mode.
 *
 * <p>Signatures here are a keyed SHA-512 of the canonical bytes: 64 bytes, unforgeable without
 * the origin's secret as far as these tests care, and free of any dependency on gossip-crypto,
 * whose Ed25519 implementation has tests of its own.
 */
class GossipEngineSignatureTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final NodeId SELF = NodeId.of("self");
  private static final NodeId PEER = NodeId.of("peer");
  private static final NodeId STRANGER = NodeId.of("stranger");

  /** Keyed-hash "signatures" for the nodes whose secrets it holds. */
  static final class ToySigner implements EntrySigner {
    private final Map<NodeId, String> secrets;

    ToySigner(Map<NodeId, String> secrets) {
      this.secrets = secrets;
    }

    @Override
    public byte[] sign(Entry entry) {
      String secret = secrets.get(entry.version().origin());
      if (secret == null) {
        throw new IllegalArgumentException("no key for " + entry.version().origin());
      }
      return mac(secret, entry);
    }

    @Override
    public boolean signsFor(NodeId origin) {
      return secrets.containsKey(origin);
    }

    static byte[] mac(String secret, Entry entry) {
      try {
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        sha512.update(secret.getBytes(StandardCharsets.UTF_8));
        return sha512.digest(CanonicalEntry.encode(entry));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Checks toy signatures for the nodes whose secrets it holds, and counts its calls. */
  static final class ToyVerifier implements EntryVerifier {
    private final Map<NodeId, String> secrets;
    int calls;

    ToyVerifier(Map<NodeId, String> secrets) {
      this.secrets = secrets;
    }

    @Override
    public Result verify(Entry entry) {
      calls++;
      if (!entry.isSigned()) {
        return Result.UNSIGNED;
      }
      String secret = secrets.get(entry.version().origin());
      if (secret == null) {
        return Result.UNKNOWN_ORIGIN;
      }
      return MessageDigest.isEqual(ToySigner.mac(secret, entry), entry.signature())
          ? Result.VALID
          : Result.INVALID;
    }
  }

  private static final Map<NodeId, String> KEYS = Map.of(SELF, "self-secret", PEER, "peer-secret");
  private static final ToySigner PEER_SIGNER = new ToySigner(Map.of(PEER, "peer-secret"));

  private long now = NOW;
  private final List<Entry> spread = new ArrayList<>();
  private final List<Entry> changes = new ArrayList<>();
  private EngineEnvironment env;

  private GossipEngine engine(boolean require, EntrySigner signer, EntryVerifier verifier) {
    env =
        EngineEnvironment.builder()
            .config(GossipConfig.builder().requireSignatures(require).build())
            .clock(() -> now)
            .scheduler((delay, task) -> Cancellable.NONE)
            .random(RandomSource.seeded(7))
            .sink((from, to, message) -> { })
            .signer(signer)
            .verifier(verifier)
            .build();
    DisseminationStrategy strategy =
        new DisseminationStrategy() {
          @Override
          public void onRound(GossipContext ctx) {}

          @Override
          public void onLocalUpdate(GossipContext ctx, Entry entry) {
            spread.add(entry);
          }

          @Override
          public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {}
        };
    GossipEngine e =
        new GossipEngine(
            SELF, env, strategy, new StaticMembership(new NodeId[] {PEER, SELF}).viewOf(1));
    e.listener((previous, current) -> changes.add(current));
    return e;
  }

  private long counter(String name) {
    return env.counters().get(name);
  }

  private static Entry fromPeer(String key, String value, long millis) {
    return Entry.of(
        key, value.getBytes(StandardCharsets.UTF_8), Version.of(Version.pack(millis, 0), PEER));
  }

  private static Entry signedByPeer(Entry e) {
    return e.withSignature(PEER_SIGNER.sign(e));
  }

  // ---------------------------------------------------------------- signing local writes

  @Test
  void aLocalPutIsSignedBeforeItIsStoredOrSpread() {
    ToyVerifier verifier = new ToyVerifier(KEYS);
    GossipEngine engine = engine(false, new ToySigner(Map.of(SELF, "self-secret")), verifier);

    engine.put("k", new byte[] {1, 2});

    Entry stored = engine.store().get("k");
    assertTrue(stored.isSigned());
    assertEquals(Result.VALID, verifier.verify(stored));
    assertSame(stored, spread.get(0), "the strategy spreads the signed entry itself");
    assertSame(stored, changes.get(0));
  }

  @Test
  void aLocalDeleteIsSignedToo() {
    ToyVerifier verifier = new ToyVerifier(KEYS);
    GossipEngine engine = engine(false, new ToySigner(Map.of(SELF, "self-secret")), verifier);

    engine.put("k", new byte[] {1});
    engine.delete("k");

    Entry stored = engine.store().get("k");
    assertTrue(stored.isTombstone() && stored.isSigned());
    assertEquals(Result.VALID, verifier.verify(stored));
  }

  @Test
  void withoutASignerLocalWritesAreUnsigned() {
    GossipEngine engine = engine(false, null, null);

    engine.put("k", new byte[] {1});

    assertFalse(engine.store().get("k").isSigned());
  }

  @Test
  void aSignerThatRefusesFailsThePutAndWritesNothing() {
    GossipEngine engine = engine(false, new ToySigner(Map.of(PEER, "not mine")), null);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> engine.put("k", new byte[] {1}));

    assertTrue(e.getMessage().contains("could not sign"), e.getMessage());
    assertNull(engine.store().get("k"));
    assertEquals(List.of(), spread);
    assertEquals(List.of(), changes);
  }

  @Test
  void aSignerReturningAnythingButSixtyFourBytesFailsThePut() {
    GossipEngine engine = engine(false, entry -> new byte[32], null);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> engine.delete("k"));

    assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
    assertNull(engine.store().get("k"));
  }

  // ---------------------------------------------------------------- checking received entries

  @Test
  void aValidlySignedEntryIsAppliedInEitherMode() {
    for (boolean require : new boolean[] {false, true}) {
      GossipEngine engine = engine(require, null, new ToyVerifier(KEYS));
      Entry genuine = signedByPeer(fromPeer("k", "v", NOW));

      assertTrue(engine.apply(genuine), "require=" + require);
      assertSame(genuine, engine.store().get("k"));
      assertEquals(0, counter("dropped.bad_signature"));
    }
  }

  @Test
  void anAlteredValueUnderAGenuineSignatureIsDroppedCountedAndNeverApplied() {
    GossipEngine engine = engine(false, null, new ToyVerifier(KEYS));
    Entry genuine = signedByPeer(fromPeer("k", "genuine", NOW));
    Entry altered = fromPeer("k", "altered", NOW).withSignature(genuine.signature());

    assertFalse(engine.apply(altered));

    assertNull(engine.store().get("k"));
    assertEquals(List.of(), changes, "no subscriber ever saw it");
    assertEquals(1, counter("dropped.bad_signature"));
    assertTrue(engine.apply(genuine), "the genuine write still gets in afterwards");
  }

  @Test
  void aForgedSignatureIsDroppedEvenWhenSignaturesAreNotRequired() {
    GossipEngine engine = engine(false, null, new ToyVerifier(KEYS));
    // Signed by someone who holds another key, claiming PEER as its origin.
    Entry forged = fromPeer("k", "forged", NOW);
    forged = forged.withSignature(ToySigner.mac("attacker-secret", forged));

    assertFalse(engine.apply(forged));
    assertEquals(1, counter("dropped.bad_signature"));
  }

  @Test
  void aRejectedEntryDoesNotDragTheClockToItsForgedTimestamp() {
    GossipEngine engine = engine(false, null, new ToyVerifier(KEYS));
    long anHourAhead = NOW + 3_600_000;
    Entry forged = fromPeer("k", "x", anHourAhead);
    forged = forged.withSignature(new byte[Entry.SIGNATURE_BYTES]);

    assertFalse(engine.apply(forged));
    Version local = engine.put("mine", new byte[] {1});

    assertEquals(NOW, local.millis(), "the clock did not observe the forged timestamp");
  }

  @Test
  void anUnsignedEntryIsDroppedAndCountedWhenSignaturesAreRequired() {
    GossipEngine engine = engine(true, null, new ToyVerifier(KEYS));

    assertFalse(engine.apply(fromPeer("k", "v", NOW)));

    assertNull(engine.store().get("k"));
    assertEquals(1, counter("dropped.unsigned"));
  }

  @Test
  void anUnsignedEntryIsAppliedWhenSignaturesAreNotRequired() {
    GossipEngine engine = engine(false, null, new ToyVerifier(KEYS));

    assertTrue(engine.apply(fromPeer("k", "v", NOW)));
    assertEquals(0, counter("dropped.unsigned"));
  }

  @Test
  void aSignatureFromAnUnknownOriginIsDroppedWhenRequiredAndAppliedUnverifiedOtherwise() {
    Entry e = Entry.of("k", new byte[] {1}, Version.of(Version.pack(NOW, 0), STRANGER));
    Entry signed = e.withSignature(ToySigner.mac("stranger-secret", e));

    GossipEngine strict = engine(true, null, new ToyVerifier(KEYS));
    assertFalse(strict.apply(signed));
    assertEquals(1, counter("dropped.unknown_signer"));
    assertEquals(0, counter("signatures.unverified"));

    GossipEngine lenient = engine(false, null, new ToyVerifier(KEYS));
    assertTrue(lenient.apply(signed));
    assertEquals(0, counter("dropped.unknown_signer"));
    assertEquals(1, counter("signatures.unverified"));
  }

  @Test
  void withoutAVerifierASignedEntryIsAppliedAndCountedAsUnverified() {
    GossipEngine engine = engine(false, null, null);

    assertTrue(engine.apply(signedByPeer(fromPeer("k", "v", NOW))));
    assertEquals(1, counter("signatures.unverified"));
    assertTrue(engine.apply(fromPeer("j", "v", NOW)));
    assertEquals(Map.of("signatures.unverified", 1L, "updates.applied", 2L),
        env.counters().snapshot(), "an unsigned entry costs no signature counter");
  }

  @Test
  void aVerifierThatThrowsOrAnswersNullRefusesTheEntryAndTheEngineCarriesOn() {
    GossipEngine throwing =
        engine(false, null, entry -> {
          throw new IllegalStateException("verifier bug");
        });
    assertFalse(throwing.apply(signedByPeer(fromPeer("k", "v", NOW))));
    assertEquals(1, counter("dropped.bad_signature"));

    GossipEngine silent = engine(false, null, entry -> null);
    assertFalse(silent.apply(signedByPeer(fromPeer("k", "v", NOW))));
    assertEquals(1, counter("dropped.bad_signature"));
  }

  @Test
  void copiesOfAWriteTheReplicaHoldsAndOlderWritesCostNoVerification() {
    ToyVerifier verifier = new ToyVerifier(KEYS);
    GossipEngine engine = engine(true, null, verifier);
    Entry genuine = signedByPeer(fromPeer("k", "v", NOW));
    Entry older = signedByPeer(fromPeer("k", "old", NOW - 1));

    assertTrue(engine.apply(genuine));
    for (int i = 0; i < 5; i++) {
      assertFalse(engine.apply(genuine), "a duplicate is no change");
    }
    assertFalse(engine.apply(older));
    // A tampered copy of the held write cannot displace it either, so it needs no check.
    assertFalse(engine.apply(fromPeer("k", "tampered", NOW).withSignature(genuine.signature())));

    assertEquals(1, verifier.calls);
    assertSame(genuine, engine.store().get("k"));
  }

  @Test
  void aNewerWriteIsCheckedAndAppliedOverAnOlderOne() {
    ToyVerifier verifier = new ToyVerifier(KEYS);
    GossipEngine engine = engine(true, null, verifier);
    engine.apply(signedByPeer(fromPeer("k", "v1", NOW)));

    Entry newer = signedByPeer(fromPeer("k", "v2", NOW + 1));
    Entry newerTampered = fromPeer("k", "v3", NOW + 2).withSignature(newer.signature());

    assertFalse(engine.apply(newerTampered));
    assertTrue(engine.apply(newer));
    assertEquals(2 + 1, verifier.calls);
    assertArrayEquals("v2".getBytes(StandardCharsets.UTF_8), engine.store().get("k").value());
  }

  @Test
  void requiringSignaturesWithoutAVerifierIsRefusedWhenTheEnvironmentIsBuilt() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> engine(true, null, null));
    assertTrue(e.getMessage().contains("no verifier"), e.getMessage());
  }

  // ---------------------------------------------------------------- collected deletes

  @Test
  void aDeleteRestoredFromItsRecordKeepsItsSignatureSoPeersThatRequireSignaturesTakeIt() {
    ToyVerifier verifier = new ToyVerifier(KEYS);
    GossipEngine engine = engine(true, new ToySigner(Map.of(SELF, "self-secret")), verifier);
    Entry old = signedByPeer(fromPeer("k", "old", now - 1));
    assertTrue(engine.apply(old));
    engine.delete("k");
    Entry tombstone = engine.store().get("k");
    now += Duration.ofHours(2).toMillis();
    engine.run();
    assertNull(engine.store().get("k"), "the tombstone was collected");

    assertTrue(engine.apply(old), "the replica changed: the delete is back");

    Entry restored = engine.store().get("k");
    assertTrue(restored.isTombstone(), "the old value was refused: " + restored);
    assertEquals(tombstone, restored);
    assertArrayEquals(tombstone.signature(), restored.signature());
    assertEquals(Result.VALID, verifier.verify(restored));
    assertEquals(1, counter("tombstones.deletes_restored"));
  }

  // ---------------------------------------------------------------- one write, signed or not

  @Test
  void aSignedAndAnUnsignedCopyOfOneWriteAreTheSameWriteToEveryReplicaHash() {
    Entry unsigned = fromPeer("k", "v", NOW);
    Entry signed = signedByPeer(unsigned);

    assertEquals(unsigned, signed);
    assertEquals(unsigned.hashCode(), signed.hashCode());
    assertEquals(EntryHash.of(unsigned), EntryHash.of(signed));
    assertNotEquals(unsigned.isSigned(), signed.isSigned());

    VersionedStore store = new VersionedStore();
    store.apply(unsigned, MergePolicy.lastWriterWins());
    long root = store.rootHash();
    assertSame(VersionedStore.UNCHANGED, store.apply(signed, MergePolicy.lastWriterWins()),
        "a replica holding either copy holds the write: nothing to converge");
    assertEquals(root, store.rootHash());
  }
}
