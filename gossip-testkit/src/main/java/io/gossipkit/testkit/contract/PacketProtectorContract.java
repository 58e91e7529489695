package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link PacketProtector} must pass: rules R5.1 to R5.14 (the table is in
 * {@code docs/security.md}), checking round trips of every payload size, that no flipped bit,
 * truncation, foreign key or foreign cluster label gets through, that replays and stale packets
 * are refused, that key rotation loses no packet, and that nothing but {@link
 * AuthenticationException} ever escapes {@link PacketProtector#open}.
 *
 * <p>A protector is tested as nodes use it: several protectors (members) of one {@link Cluster}
 * share keys, each sealing as its own node, and the contract makes a sender and a receiver, a
 * receiver of another cluster (other keys), and rotates the cluster's keys. Associated data is
 * {@code "gossipkit/1/" + label}, as a node passes it.
 *
 * <pre>{@code
 * class MyProtectorContractTest extends PacketProtectorContract {
 *   @Override
 *   protected Cluster newCluster() {
 *     Keyring keys = Keyring.generate();
 *     return new Cluster() {
 *       public PacketProtector newMember(NodeId id, Clock clock) {
 *         return PacketProtectors.aes256Gcm(keys, id, clock);
 *       }
 *       public void rotate() { ... install a new key, use it ... }
 *       public void retireOldKeys() { ... remove all but the primary ... }
 *     };
 *   }
 * }
 * }</pre>
 *
 * <p>Capabilities with safe defaults say which rules apply: {@link #authenticates()} (plaintext
 * says false and skips every rule about refusing altered or foreign packets), {@link
 * #detectsReplays()}, {@link #maxPacketAge()}. All randomness derives from {@link #seed()}, which
 * every failure prints. Every rule runs under a timeout in its own thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class PacketProtectorContract {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
  private static final long START_MILLIS = 1_700_000_000_000L;

  private final AtomicLong now = new AtomicLong(START_MILLIS);
  /** The clock every member reads: starts at a fixed instant, moved only by the rules. */
  private final Clock clock = now::get;
  private int nextNode;

  /**
   * The nodes of one cluster: protectors sharing keys. Each call to {@link
   * PacketProtectorContract#newCluster()} must return a cluster with keys of its own.
   */
  public interface Cluster {
    /** A protector for node {@code id} holding this cluster's keys and reading {@code clock}. */
    PacketProtector newMember(NodeId id, Clock clock);

    /**
     * Installs a new key on every member and makes it the one that seals; packets sealed under
     * the previous keys must still open. A protector without keys does nothing.
     */
    void rotate();

    /** Removes every key but the one that seals; packets under removed keys no longer open. */
    void retireOldKeys();
  }

  /** Creates a cluster with fresh keys of its own. */
  protected abstract Cluster newCluster();

  /**
   * Whether {@code open} refuses packets altered, truncated, sealed under other keys or other
   * associated data. Default true; only {@link PacketProtector#plaintext()} says false.
   */
  protected boolean authenticates() {
    return true;
  }

  /** Whether {@code open} refuses a packet it already opened. Defaults to {@link #authenticates()}. */
  protected boolean detectsReplays() {
    return authenticates();
  }

  /** The largest payload sealed by rule R5.1. Default 64 KiB. */
  protected int maxPayloadBytes() {
    return 64 * 1024;
  }

  /**
   * Packets longer than this must be refused unopened (rule R5.9). The default, 1 MiB + 1 KiB,
   * is gossip-crypto's default limit.
   */
  protected int maxPacketBytes() {
    return (1 << 20) + 1024;
  }

  /**
   * The oldest packet {@code open} accepts, or {@code null} if it does not check freshness (rule
   * R5.13 is then skipped). Default null.
   */
  protected Duration maxPacketAge() {
    return null;
  }

  /** The root seed of every random choice; override to explore, print it to replay. */
  protected long seed() {
    return 0x5EA1_0BE4L;
  }

  /** Inputs tried by rule R5.12. Default 10,000. */
  protected int fuzzIterations() {
    return 10_000;
  }

  /** Resets the clock before each rule. */
  @BeforeEach
  public void setUpClock() {
    now.set(START_MILLIS);
    nextNode = 0;
  }

  // ------------------------------------------------------------------ rules

  /**
   * R5.1: every payload size from 0 to {@link #maxPayloadBytes()} (all sizes to 300, then each
   * power of two and its neighbours) opens to exactly the bytes sealed.
   *
   * <p>On failure: the size printed did not survive. Check the length arithmetic of seal and open
   * at block boundaries (16, 64 bytes), that open returns the payload and not the whole
   * decryption buffer, and that an empty payload is allowed.
   */
  @Test
  public void required_r5_1_roundTripsEveryPayloadSize() throws AuthenticationException {
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    Random random = new Random(seed() + 1);
    for (int size : payloadSizes()) {
      byte[] payload = bytes(random, size);
      byte[] packet = sender.seal(payload, ad("a"));
      assertArrayEquals(payload, receiver.open(packet, ad("a")),
          "R5.1 seed " + seed() + ": payload of " + size + " bytes");
    }
  }

  /**
   * R5.2: a sealed packet is at most {@link PacketProtector#overheadBytes()} longer than its
   * payload, for payloads of every size from R5.1, so a node can size its buffers and limits.
   *
   * <p>On failure: {@code overheadBytes()} forgets a field (header, tag, nonce, sender id,
   * timestamp) or counts the sealing node's id but not the longest id a sender may have.
   */
  @Test
  public void required_r5_2_sealAddsAtMostOverheadBytes() {
    PacketProtector sender = member(newCluster());
    int overhead = sender.overheadBytes();
    assertTrue(overhead >= 0, "R5.2: overheadBytes() is negative: " + overhead);
    for (int size : payloadSizes()) {
      int sealed = sender.seal(new byte[size], ad("a")).length;
      assertTrue(sealed <= size + overhead, "R5.2: a payload of " + size + " bytes sealed to "
          + sealed + " bytes, more than overheadBytes() = " + overhead + " over");
    }
  }

  /**
   * R5.3: sealing the same payload twice gives different packets, and so do two fresh protectors
   * for the same node: every packet is sealed under a nonce never used before with that key, even
   * across restarts.
   *
   * <p>On failure: the nonce is a constant, a counter that restarts at zero with a new instance,
   * or derived from the payload. Nonces must never repeat under one key; see the session scheme
   * of {@code docs/security.md}.
   */
  @Test
  public void optional_r5_3_neverSealsTheSamePacketTwice() {
    assumeTrue(authenticates(), "the protector does not encrypt");
    Cluster c = newCluster();
    Set<String> seen = new HashSet<>();
    byte[] payload = "same payload".getBytes(StandardCharsets.UTF_8);
    for (int restart = 0; restart < 20; restart++) {
      PacketProtector p = c.newMember(NodeId.of("restarting-node"), clock);
      for (int i = 0; i < 5; i++) {
        byte[] packet = p.seal(payload, ad("a"));
        assertTrue(seen.add(HEX.formatHex(packet)), "R5.3: instance " + restart + " packet " + i
            + " repeats an earlier packet byte for byte: " + HEX.formatHex(packet));
      }
    }
  }

  /**
   * R5.4: flipping any single bit of a sealed packet, in the header, the ciphertext or the tag,
   * makes it refused; afterwards the receiver still opens the original.
   *
   * <p>On failure: the bit index printed is not covered by the tag. Check that the whole header
   * is passed as associated data (version, algorithm, key id, session, counter), that the tag is
   * verified before anything is returned, and that a refused packet does not poison the
   * receiver's state (for example by advancing a replay window before authenticating).
   */
  @Test
  public void optional_r5_4_rejectsEveryFlippedBit() throws AuthenticationException {
    assumeTrue(authenticates(), "the protector does not authenticate");
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    byte[] payload = "sixteen byte msg".getBytes(StandardCharsets.UTF_8);
    byte[] packet = sender.seal(payload, ad("a"));
    for (int bit = 0; bit < packet.length * 8; bit++) {
      byte[] altered = packet.clone();
      altered[bit / 8] ^= (byte) (1 << (bit % 8));
      assertRefused(receiver, altered, ad("a"), "R5.4: bit " + bit + " of " + packet.length * 8
          + " flipped");
    }
    assertArrayEquals(payload, receiver.open(packet, ad("a")),
        "R5.4: the original no longer opens after its altered copies were refused");
  }

  /**
   * R5.5: a packet sealed by another cluster (other keys) is refused, even with the same
   * associated data and key ids.
   *
   * <p>On failure: open does not use the key bytes (for example a key id alone is trusted), or
   * both clusters got the same key from the factory.
   */
  @Test
  public void optional_r5_5_rejectsPacketsUnderAnotherClustersKey() {
    assumeTrue(authenticates(), "the protector does not authenticate");
    PacketProtector sender = member(newCluster());
    PacketProtector stranger = member(newCluster());
    for (int i = 0; i < 20; i++) {
      assertRefused(stranger, sender.seal(new byte[i * 7], ad("a")), ad("a"),
          "R5.5: packet " + i + " from another cluster");
    }
  }

  /**
   * R5.6: a packet sealed with one cluster label (associated data) is refused under another, or
   * under empty associated data, though the keys are the same.
   *
   * <p>On failure: the caller's associated data is not fed to the AEAD, or only its length is.
   */
  @Test
  public void optional_r5_6_rejectsPacketsUnderAnotherClusterLabel() {
    assumeTrue(authenticates(), "the protector does not authenticate");
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    assertRefused(receiver, sender.seal(new byte[10], ad("a")), ad("b"), "R5.6: label a opened as b");
    assertRefused(receiver, sender.seal(new byte[10], ad("a")), new byte[0],
        "R5.6: label a opened with empty associated data");
    assertRefused(receiver, sender.seal(new byte[10], new byte[0]), ad("a"),
        "R5.6: empty associated data opened as label a");
  }

  /**
   * R5.7: every proper prefix of a sealed packet is refused.
   *
   * <p>On failure: the length printed was accepted: a field is read without checking the bytes
   * that remain, or the tag is taken from wherever the packet happens to end.
   */
  @Test
  public void optional_r5_7_rejectsEveryTruncation() {
    assumeTrue(authenticates(), "the protector does not authenticate");
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    byte[] packet = sender.seal(bytes(new Random(seed() + 7), 100), ad("a"));
    for (int len = 0; len < packet.length; len++) {
      assertRefused(receiver, Arrays.copyOf(packet, len), ad("a"),
          "R5.7: truncated to " + len + " of " + packet.length + " bytes");
    }
  }

  /**
   * R5.8: the empty packet is refused.
   *
   * <p>On failure: open reads the first byte without checking the length, or returns an empty
   * payload for an empty packet.
   */
  @Test
  public void optional_r5_8_rejectsTheEmptyPacket() {
    assumeTrue(authenticates(), "the protector does not authenticate");
    assertRefused(member(newCluster()), new byte[0], ad("a"), "R5.8: the empty packet");
  }

  /**
   * R5.9: packets longer than {@link #maxPacketBytes()} are refused, random bytes or a valid
   * header followed by padding, without allocating for them.
   *
   * <p>On failure: compare the packet's length with the configured limit first, before any
   * buffer is sized from it or any decryption runs.
   */
  @Test
  public void optional_r5_9_rejectsOversizedPackets() {
    assumeTrue(authenticates(), "the protector does not authenticate");
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    byte[] valid = sender.seal(new byte[8], ad("a"));
    byte[] padded = Arrays.copyOf(valid, maxPacketBytes() + 1);
    assertRefused(receiver, padded, ad("a"), "R5.9: a valid packet padded to "
        + padded.length + " bytes");
    assertRefused(receiver, bytes(new Random(seed() + 9), maxPacketBytes() + 1), ad("a"),
        "R5.9: random bytes, " + (maxPacketBytes() + 1) + " of them");
  }

  /**
   * R5.10: a packet opens once: opened again it is refused, while packets arriving out of order
   * (50 packets in shuffled order) all open, and the receiver keeps opening new packets.
   *
   * <p>On failure: if a replay opened, the receiver keeps no replay state per sender; if a
   * reordered packet was refused, the window accepts only increasing counters (UDP reorders).
   */
  @Test
  public void optional_r5_10_rejectsReplaysButNotReordering() throws AuthenticationException {
    assumeTrue(detectsReplays(), "the protector does not detect replays");
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    List<byte[]> packets = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      packets.add(sender.seal(new byte[] {(byte) i}, ad("a")));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < packets.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed() + 10));
    for (int i : order) {
      assertArrayEquals(new byte[] {(byte) i}, receiver.open(packets.get(i), ad("a")),
          "R5.10 seed " + seed() + ": packet " + i + " refused when delivered out of order");
    }
    for (int i : order) {
      assertRefused(receiver, packets.get(i), ad("a"), "R5.10: packet " + i + " replayed");
    }
    byte[] fresh = sender.seal(new byte[] {42}, ad("a"));
    assertArrayEquals(new byte[] {42}, receiver.open(fresh, ad("a")),
        "R5.10: a new packet after the replays");
  }

  /**
   * R5.11: rotating keys loses nothing: packets sealed under the old primary still open after a
   * new key became primary; packets under the new key open; once the old key is retired, packets
   * still sealed under it are refused (if the protector authenticates) while new ones open.
   *
   * <p>On failure: open tries only the primary key instead of the key named by the packet; the
   * sender caches the old key past a rotation; or a removed key still opens packets.
   */
  @Test
  public void required_r5_11_keyRotationLosesNothing() throws AuthenticationException {
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    byte[] before = sender.seal(text("before"), ad("a"));
    byte[] straggler = sender.seal(text("straggler"), ad("a"));
    assertArrayEquals(text("before"), receiver.open(sender.seal(text("before"), ad("a")), ad("a")));
    c.rotate();
    byte[] after = sender.seal(text("after"), ad("a"));
    assertArrayEquals(text("after"), receiver.open(after, ad("a")),
        "R5.11: a packet under the new primary");
    assertArrayEquals(text("before"), receiver.open(before, ad("a")),
        "R5.11: a packet under the old primary, opened after the rotation");
    PacketProtector joiner = member(c);
    assertArrayEquals(text("after"), joiner.open(sender.seal(text("after"), ad("a")), ad("a")),
        "R5.11: a member created after the rotation");
    c.retireOldKeys();
    assertArrayEquals(text("later"), receiver.open(sender.seal(text("later"), ad("a")), ad("a")),
        "R5.11: a packet after the old key was retired");
    if (authenticates()) {
      assertRefused(receiver, straggler, ad("a"), "R5.11: a packet under a retired key");
    }
  }

  /**
   * R5.12: {@link #fuzzIterations()} seeded inputs (random bytes of every small length, and
   * valid packets with bytes flipped, replaced, inserted, deleted, truncated, extended, or with
   * extreme values written over their first 32 bytes) either open or throw {@link
   * AuthenticationException}; nothing else escapes.
   *
   * <p>On failure: the printed hex input threw something else. Wrap index, argument and state
   * exceptions from parsing and from the cipher library into {@code AuthenticationException},
   * and check every length before reading or allocating.
   */
  @Test
  public void required_r5_12_onlyAuthenticationExceptionEscapesOpen() {
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    Random random = new Random(seed() + 12);
    List<byte[]> valid = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      valid.add(sender.seal(bytes(random, random.nextInt(120)), ad("a")));
    }
    for (int i = 0; i < fuzzIterations(); i++) {
      byte[] input = fuzzInput(random, valid);
      try {
        receiver.open(input, ad("a"));
      } catch (AuthenticationException expected) {
        // The only allowed failure.
      } catch (RuntimeException | Error e) {
        fail("R5.12 seed " + seed() + " input " + i + " threw " + e + " for "
            + HEX.formatHex(input), e);
      }
    }
  }

  /**
   * R5.13: a packet older than {@link #maxPacketAge()} is refused though authentic and never
   * opened, while one half that old opens.
   *
   * <p>On failure: the sender's clock reading is not sealed into the packet, or the receiver
   * compares it with the wrong clock (use the {@link Clock} given to the protector, not the
   * system clock), or with the age in the wrong unit.
   */
  @Test
  public void optional_r5_13_rejectsStalePackets() throws AuthenticationException {
    Duration maxAge = maxPacketAge();
    assumeTrue(maxAge != null, "the protector does not check freshness");
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    byte[] young = sender.seal(text("young"), ad("a"));
    byte[] old = sender.seal(text("old"), ad("a"));
    now.addAndGet(maxAge.toMillis() / 2);
    assertArrayEquals(text("young"), receiver.open(young, ad("a")),
        "R5.13: a packet half as old as the limit");
    now.addAndGet(maxAge.toMillis() / 2 + 1_000);
    assertRefused(receiver, old, ad("a"), "R5.13: a packet " + (maxAge.toMillis() + 1_000)
        + " ms old, limit " + maxAge.toMillis() + " ms");
  }

  /**
   * R5.14: one sender and one receiver shared by four threads seal and open 4 x 250 packets at
   * once: every packet opens to its own payload, and (for encrypting protectors) no two packets
   * are equal.
   *
   * <p>On failure: shared mutable state in seal or open: a cipher object, a buffer, a nonce
   * counter read and incremented non-atomically, or an unsynchronized replay window.
   */
  @Test
  public void required_r5_14_isSafeToShareBetweenThreads() throws Exception {
    Cluster c = newCluster();
    PacketProtector sender = member(c);
    PacketProtector receiver = member(c);
    int threads = 4;
    int perThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<byte[]>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          start.await();
          List<byte[]> sealed = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            byte[] payload = text("thread " + thread + " packet " + i);
            byte[] packet = sender.seal(payload, ad("a"));
            assertArrayEquals(payload, receiver.open(packet, ad("a")),
                "R5.14: thread " + thread + " packet " + i);
            sealed.add(packet);
          }
          return sealed;
        }));
      }
      start.countDown();
      Set<String> distinct = new HashSet<>();
      for (Future<List<byte[]>> f : results) {
        for (byte[] packet : f.get(50, TimeUnit.SECONDS)) {
          distinct.add(HEX.formatHex(packet));
        }
      }
      if (authenticates()) {
        assertEquals(threads * perThread, distinct.size(),
            "R5.14: packets sealed concurrently repeat: a nonce was used twice");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ helpers

  private PacketProtector member(Cluster c) {
    return c.newMember(NodeId.of("contract-node-" + nextNode++), clock);
  }

  /** The associated data a node of cluster {@code label} passes. */
  private static byte[] ad(String label) {
    return ("gossipkit/1/" + label).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(Random random, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  private List<Integer> payloadSizes() {
    Set<Integer> sizes = new java.util.TreeSet<>();
    int max = maxPayloadBytes();
    for (int s = 0; s <= Math.min(300, max); s++) {
      sizes.add(s);
    }
    for (int p = 256; p <= max; p *= 2) {
      for (int d = -1; d <= 1; d++) {
        if (p + d <= max) {
          sizes.add(p + d);
        }
      }
    }
    sizes.add(max);
    return new ArrayList<>(sizes);
  }

  private void assertRefused(PacketProtector receiver, byte[] packet, byte[] ad,
      String caseName) {
    // Every message names the seed: several rules build their packets from it.
    String what = caseName + " (seed " + seed() + ")";
    byte[] opened;
    try {
      opened = receiver.open(packet, ad);
    } catch (AuthenticationException expected) {
      assertFalse(expected.getMessage() == null || expected.getMessage().isBlank(),
          what + ": refused without a reason");
      return;
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": open threw " + e
          + " instead of AuthenticationException", e);
    }
    fail(what + ": was accepted and opened to " + opened.length + " bytes");
  }

  private byte[] fuzzInput(Random random, List<byte[]> valid) {
    byte[] base = valid.get(random.nextInt(valid.size())).clone();
    switch (random.nextInt(9)) {
      case 0:
        return bytes(random, random.nextInt(200));
      case 1: {
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
          base[random.nextInt(base.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return base;
      }
      case 2:
        base[random.nextInt(base.length)] = (byte) random.nextInt(256);
        return base;
      case 3:
        return Arrays.copyOf(base, random.nextInt(base.length));
      case 4: {
        byte[] longer = Arrays.copyOf(base, base.length + 1 + random.nextInt(64));
        for (int i = base.length; i < longer.length; i++) {
          longer[i] = (byte) random.nextInt(256);
        }
        return longer;
      }
      case 5: {
        int at = random.nextInt(base.length + 1);
        byte[] inserted = new byte[base.length + 1];
        System.arraycopy(base, 0, inserted, 0, at);
        inserted[at] = (byte) random.nextInt(256);
        System.arraycopy(base, at, inserted, at + 1, base.length - at);
        return inserted;
      }
      case 6: {
        int at = random.nextInt(base.length);
        byte[] deleted = new byte[base.length - 1];
        System.arraycopy(base, 0, deleted, 0, at);
        System.arraycopy(base, at + 1, deleted, at, base.length - at - 1);
        return deleted;
      }
      case 7: {
        // Extreme values (all ones, all zeros, sign bits) over a header-sized prefix: lengths,
        // ids and counters at their limits.
        int at = random.nextInt(Math.min(32, base.length));
        int len = Math.min(1 + random.nextInt(8), base.length - at);
        byte fill = new byte[] {(byte) 0xff, 0, (byte) 0x80, 0x7f}[random.nextInt(4)];
        Arrays.fill(base, at, at + len, fill);
        return base;
      }
      default: {
        byte[] other = valid.get(random.nextInt(valid.size()));
        int cut = random.nextInt(Math.min(base.length, other.length));
        System.arraycopy(other, 0, base, 0, cut);
        return base;
      }
    }
  }
}
