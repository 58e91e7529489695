package io.gossipkit.crypto.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.ReplicaStore;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.testkit.net.InMemoryNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real nodes (engine, Kryo codec, envelope, protector) over the in-memory network, one of them a
 * malicious member: it holds the cluster key (the protector is plaintext here, which is the same
 * thing for this threat) and runs the normal strategy, but rewrites every write of another node
 * it relays. Honest nodes must never apply what it made, must count it, and must still get the
 * genuine write from the honest paths.
 */
class TamperingRelayEndToEndTest {
  private static final int NODES = 6;
  /** Most writes a test makes before the relay must have had its chance to tamper. */
  private static final int MAX_WRITES = 20;
  private static final String MALICIOUS = "node-5";
  private static final byte[] ALTERED = "altered".getBytes(StandardCharsets.UTF_8);
  private static final byte[] FORGED = "forged".getBytes(StandardCharsets.UTF_8);

  private final InMemoryNetwork net = new InMemoryNetwork();
  private final Map<String, GossipNode> nodes = new HashMap<>();
  private final Map<NodeId, Ed25519KeyPair> keys = new HashMap<>();
  /** Every change an honest node's subscribers saw, as (node, entry). */
  private final List<Map.Entry<String, Entry>> seen = new CopyOnWriteArrayList<>();
  /** Entries the malicious node replaced by tampered copies. */
  private final AtomicLong tampered = new AtomicLong();

  private static GossipConfig config(boolean requireSignatures) {
    return GossipConfig.local().toBuilder()
        .gossipInterval(Duration.ofMillis(20))
        .antiEntropyInterval(Duration.ofMillis(100))
        .requireSignatures(requireSignatures)
        .build();
  }

  private static String id(int i) {
    return "node-" + i;
  }

  /**
   * Starts the cluster. Every node signs its writes and verifies with the directory of all keys;
   * the malicious node's strategy tampers with what it relays; {@code strip} also lets it send
   * altered writes without any signature.
   */
  private void cluster(boolean requireSignatures, boolean strip) {
    for (int i = 0; i < NODES; i++) {
      keys.put(NodeId.of(id(i)), Ed25519KeyPair.generate());
    }
    Map<NodeId, Ed25519PublicKey> publicKeys = new HashMap<>();
    keys.forEach((node, pair) -> publicKeys.put(node, pair.publicKey()));
    Ed25519Verifier verifier = Ed25519Verifier.of(SigningKeyDirectory.of(publicKeys));
    GossipConfig config = config(requireSignatures);
    for (int i = 0; i < NODES; i++) {
      String name = id(i);
      GossipNodes.Builder b =
          GossipNodes.builder(config)
              .id(name)
              .transport(net.transport(name))
              .protector(PacketProtector.plaintext())
              .signer(Ed25519Signer.of(NodeId.of(name), keys.get(NodeId.of(name)).privateKey()))
              .verifier(verifier);
      if (name.equals(MALICIOUS)) {
        Ed25519PrivateKey own = keys.get(NodeId.of(name)).privateKey();
        b.strategy(() -> new TamperingStrategy(
            GossipNodes.defaultStrategy(config).get(), NodeId.of(name), own, strip, tampered));
      }
      for (int j = 0; j < NODES; j++) {
        if (j != i) {
          b.member(id(j), net.address(id(j)));
        }
      }
      GossipNode node = b.build();
      if (!name.equals(MALICIOUS)) {
        node.subscribe((before, now) -> seen.add(Map.entry(name, now)));
      }
      nodes.put(name, node);
    }
    nodes.values().forEach(GossipNode::start);
  }

  @AfterEach
  void closeAll() {
    nodes.values().forEach(GossipNode::close);
  }

  private List<GossipNode> honest() {
    List<GossipNode> out = new ArrayList<>();
    nodes.forEach((name, node) -> {
      if (!name.equals(MALICIOUS)) {
        out.add(node);
      }
    });
    return out;
  }

  private long honestCount(String counter) {
    long sum = 0;
    for (GossipNode n : honest()) {
      sum += n.metrics().get(counter);
    }
    return sum;
  }

  /**
   * Waits until {@code condition} holds, failing at once if any honest node applies anything but
   * a genuine write meanwhile.
   */
  private void await(String what, Map<String, byte[]> genuine, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (int i = 0; i < 2000 && System.nanoTime() < deadline; i++) {
      assertNoHonestNodeAppliedATamperedEntry(genuine);
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("timed out waiting until " + what);
  }

  private void assertNoHonestNodeAppliedATamperedEntry(Map<String, byte[]> genuine) {
    for (Map.Entry<String, Entry> change : seen) {
      Entry e = change.getValue();
      assertFalse(e.isTombstone(), change.getKey() + " applied a forged delete: " + e);
      assertTrue(genuine.containsKey(e.key()),
          change.getKey() + " applied a key nobody wrote: " + e);
      assertArrayEquals(genuine.get(e.key()), e.value(),
          change.getKey() + " applied a value nobody wrote: " + e);
      assertTrue(e.isSigned(), change.getKey() + " holds an unsigned copy: " + e);
    }
  }

  private void assertHonestNodesHoldOnlyGenuineWrites(Map<String, byte[]> genuine) {
    assertNoHonestNodeAppliedATamperedEntry(genuine);
    for (GossipNode n : honest()) {
      Map<String, byte[]> snapshot = n.snapshot();
      assertEquals(genuine.keySet(), snapshot.keySet(), n.id() + " holds exactly the genuine keys");
      genuine.forEach((k, v) -> assertArrayEquals(v, snapshot.get(k), n.id() + " key " + k));
    }
  }

  @Test
  void honestNodesNeverApplyAlteredOrForgedWritesAndStillGetTheGenuineOnes() throws Exception {
    cluster(true, true);
    Map<String, byte[]> genuine = new HashMap<>();
    for (int w = 0; w < 3; w++) {
      byte[] value = ("genuine-" + w).getBytes(StandardCharsets.UTF_8);
      genuine.put("key-" + w, value);
      nodes.get(id(w)).put("key-" + w, value);
    }

    // The malicious node must have learned the writes, rewritten them, and been refused.
    await("the malicious node holds every genuine write (so it has relayed them)", genuine,
        () -> genuine.keySet().stream().allMatch(k -> nodes.get(MALICIOUS).get(k).isPresent()));
    // Whether a tampered copy reaches an honest node before the genuine one is the threads'
    // timing: more writes, one at a time, until both kinds of tampering have been refused.
    for (int w = 3; w < MAX_WRITES
        && (honestCount("dropped.bad_signature") == 0 || honestCount("dropped.unsigned") == 0);
        w++) {
      String key = "key-" + w;
      byte[] value = ("genuine-" + w).getBytes(StandardCharsets.UTF_8);
      genuine.put(key, value);
      nodes.get(id(w % 3)).put(key, value);
      await("the malicious node holds " + key, genuine,
          () -> nodes.get(MALICIOUS).get(key).isPresent());
      Thread.sleep(100);
    }
    await("honest nodes refused altered and forged signatures", genuine,
        () -> honestCount("dropped.bad_signature") > 0);
    await("honest nodes refused stripped signatures", genuine,
        () -> honestCount("dropped.unsigned") > 0);
    await("every honest node holds every genuine write", genuine,
        () -> honest().stream().allMatch(
            n -> genuine.keySet().stream().allMatch(k -> n.get(k).isPresent())));
    // A few more anti-entropy and rumor rounds in which the tampering continues.
    Thread.sleep(300);

    assertTrue(tampered.get() > 0, "the malicious node tampered with what it relayed");
    assertHonestNodesHoldOnlyGenuineWrites(genuine);
    assertEquals(0, honestCount("dropped.unknown_signer"), "every origin's key is known");
  }

  @Test
  void withoutRequiringSignaturesABadSignatureIsStillRefused() throws Exception {
    // Signatures optional: the relay keeps (now wrong) signatures on what it alters and forges.
    // Stripping them would get through in this mode, which is why requireSignatures exists.
    cluster(false, false);
    Map<String, byte[]> genuine = new HashMap<>();
    // The relay can tamper with a write only if it passes the write on before every honest node
    // has it from an honest path, which the threads' timing decides: a few writes, one at a
    // time, until one of its tampered copies has reached an honest node.
    for (int w = 0; w < MAX_WRITES && honestCount("dropped.bad_signature") == 0; w++) {
      String key = "k" + w;
      byte[] value = ("genuine-" + w).getBytes(StandardCharsets.UTF_8);
      genuine.put(key, value);
      nodes.get(id(1)).put(key, value);
      await("the malicious node holds " + key, genuine,
          () -> nodes.get(MALICIOUS).get(key).isPresent());
      Thread.sleep(100);
    }
    await("honest nodes refused bad signatures", genuine,
        () -> honestCount("dropped.bad_signature") > 0);
    await("every honest node holds every write", genuine,
        () -> honest().stream().allMatch(
            n -> genuine.keySet().stream().allMatch(k -> n.get(k).isPresent())));
    Thread.sleep(300);

    assertHonestNodesHoldOnlyGenuineWrites(genuine);
    assertEquals(0, honestCount("dropped.unsigned"));
  }

  @Test
  void aNodeRequiringSignaturesWithoutAVerifierIsRefusedAtBuild() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> GossipNodes.builder(config(true))
                .id("x")
                .transport(net.transport("x"))
                .protector(PacketProtector.plaintext())
                .build());
    assertTrue(e.getMessage().contains("no verifier"), e.getMessage());
  }

  @Test
  void aNodeGivenAnotherNodesSignerIsRefusedAtBuild() {
    Ed25519Signer ofY = Ed25519Signer.of(NodeId.of("y"), Ed25519KeyPair.generate().privateKey());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> GossipNodes.builder(config(false))
                .id("x")
                .transport(net.transport("x"))
                .protector(PacketProtector.plaintext())
                .signer(ofY)
                .build());
    assertTrue(e.getMessage().contains("cannot sign for x"), e.getMessage());
  }

  /**
   * The malicious member: runs a normal strategy, but every message it sends has each entry of
   * another origin replaced by tampered copies. It never relays a genuine write of another node.
   */
  static final class TamperingStrategy implements DisseminationStrategy {
    private final DisseminationStrategy inner;
    private final NodeId self;
    private final Ed25519PrivateKey ownKey;
    private final boolean strip;
    private final AtomicLong tampered;

    TamperingStrategy(DisseminationStrategy inner, NodeId self, Ed25519PrivateKey ownKey,
        boolean strip, AtomicLong tampered) {
      this.inner = inner;
      this.self = self;
      this.ownKey = ownKey;
      this.strip = strip;
      this.tampered = tampered;
    }

    @Override
    public void onRound(GossipContext ctx) {
      inner.onRound(new Tampering(ctx));
    }

    @Override
    public void onLocalUpdate(GossipContext ctx, Entry entry) {
      inner.onLocalUpdate(new Tampering(ctx), entry);
    }

    @Override
    public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {
      inner.onMessage(new Tampering(ctx), from, message);
    }

    @Override
    public boolean isIdle() {
      return inner.isIdle();
    }

    @Override
    public boolean isQuiescent() {
      return inner.isQuiescent();
    }

    /** Every way this member could try to pass off a write of {@code e}'s origin. */
    List<Entry> tamper(Entry e) {
      NodeId origin = e.version().origin();
      long ts = e.version().timestamp();
      List<Entry> out = new ArrayList<>();
      // 1. The value altered under the genuine signature, same version.
      out.add(Entry.of(e.key(), ALTERED, e.version()).withSignature(e.signature()));
      // 2. The same, with a newer version, so it would win wherever it got in.
      out.add(Entry.of(e.key(), ALTERED, Version.of(ts + 1, origin)).withSignature(e.signature()));
      // 3. A newer write forged under the origin's name, signed with this member's own key.
      Entry forged = Entry.of(e.key(), FORGED, Version.of(ts + 2, origin));
      out.add(forged.withSignature(Ed25519Signer.of(origin, ownKey).sign(forged)));
      // 4. A forged delete with the genuine write's signature.
      out.add(Entry.tombstone(e.key(), Version.of(ts + 3, origin)).withSignature(e.signature()));
      // 5. A key nobody wrote, injected under the origin's name.
      out.add(Entry.of("injected/" + e.key(), FORGED, Version.of(ts, origin))
          .withSignature(e.signature()));
      if (strip) {
        // 6. Altered, newer, and no signature at all.
        out.add(Entry.of(e.key(), ALTERED, Version.of(ts + 4, origin)));
      }
      return out;
    }

    List<Entry> tamperAll(List<Entry> entries) {
      List<Entry> out = new ArrayList<>();
      for (Entry e : entries) {
        if (e.version().origin().equals(self)) {
          out.add(e);
        } else {
          out.addAll(tamper(e));
          tampered.incrementAndGet();
        }
      }
      return out;
    }

    GossipMessage tamper(GossipMessage m) {
      if (m instanceof RumorPush) {
        RumorPush p = (RumorPush) m;
        return new RumorPush(tamperAll(p.entries()), p.wantFeedback(), p.pull());
      }
      if (m instanceof RumorReply) {
        RumorReply r = (RumorReply) m;
        return new RumorReply(tamperAll(r.entries()), r.acked(), r.newMask(), r.wantFeedback());
      }
      if (m instanceof SyncReply) {
        SyncReply r = (SyncReply) m;
        return new SyncReply(tamperAll(r.entries()), r.wanted());
      }
      if (m instanceof SyncEntries) {
        return new SyncEntries(tamperAll(((SyncEntries) m).entries()));
      }
      if (m instanceof Mail) {
        Mail mail = (Mail) m;
        return new Mail(mail.sequence(), tamperAll(mail.entries()));
      }
      return m;
    }

    /** The engine's context, with every outgoing message rewritten. */
    private final class Tampering implements GossipContext {
      private final GossipContext ctx;

      Tampering(GossipContext ctx) {
        this.ctx = ctx;
      }

      @Override
      public void send(NodeId to, GossipMessage message) {
        ctx.send(to, tamper(message));
      }

      @Override
      public NodeId self() {
        return ctx.self();
      }

      @Override
      public PeerView peers() {
        return ctx.peers();
      }

      @Override
      public ReplicaStore store() {
        return ctx.store();
      }

      @Override
      public boolean apply(Entry entry) {
        return ctx.apply(entry);
      }

      @Override
      public long now() {
        return ctx.now();
      }

      @Override
      public RandomSource random() {
        return ctx.random();
      }

      @Override
      public GossipConfig config() {
        return ctx.config();
      }

      @Override
      public void count(String name, long delta) {
        ctx.count(name, delta);
      }

      @Override
      public void wake() {
        ctx.wake();
      }
    }
  }
}
