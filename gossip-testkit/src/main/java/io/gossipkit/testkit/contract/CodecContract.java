package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gossipkit.api.Codec;
import io.gossipkit.api.CodecException;
import io.gossipkit.api.Digest;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.Ack;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.MailAck;
import io.gossipkit.api.message.MemberGossip;
import io.gossipkit.api.message.MemberSync;
import io.gossipkit.api.message.MemberUpdate;
import io.gossipkit.api.message.Nack;
import io.gossipkit.api.message.Ping;
import io.gossipkit.api.message.PingReq;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorOffer;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.RumorRequest;
import io.gossipkit.api.message.SyncDigest;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Codec} must pass: rules R4.1 to R4.13 of {@code
 * docs/contracts.md}, checking round trips of every built-in message, the exactness of
 * {@link Codec#encodedSize}, and that no input (random, truncated, padded, over a limit or
 * claiming a huge length) makes {@link Codec#decode} throw anything but {@link CodecException} or
 * allocate beyond its limit.
 *
 * <p>Extend it with one factory method, as the built-in codec does; the subclass runs under JUnit 5
 * like any test. All randomness derives from {@link #seed()}, which every failure message prints,
 * so a failure replays exactly. Every rule runs under a timeout in its own thread, so a decoder
 * that loops forever on hostile input fails instead of hanging the build.
 *
 * <pre>{@code
 * class MyCodecContractTest extends CodecContract {
 *   @Override
 *   protected Codec newCodec(GossipConfig config) {
 *     return new MyCodec(config);
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class CodecContract {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
  /**
   * Message types generated: the seven of the strategies, the six of SWIM membership and the two
   * of lazy rumor pushes.
   */
  private static final int TYPES = 15;

  private Codec codec;
  private GossipConfig config;

  /** Creates the codec under test, enforcing the limits of {@code config}. */
  protected abstract Codec newCodec(GossipConfig config);

  /** The configuration of the codec under test; override to check other limits. */
  protected GossipConfig config() {
    return GossipConfig.lan();
  }

  /** The root seed of every random choice; override to explore, print it to replay. */
  protected long seed() {
    return 0x6055_1BC0DECL;
  }

  /** Random byte arrays tried by rule R4.4; more find more, fewer run faster. */
  protected int fuzzIterations() {
    return 20_000;
  }

  /**
   * Bytes one decode may allocate beyond {@link Codec#maxMessageBytes()} in rule R4.9: room for an
   * exception with its stack trace and a few small objects, not for a buffer sized by the input.
   */
  protected long allocationSlackBytes() {
    return 16 * 1024;
  }

  /** Builds the codec under test once per rule. */
  @BeforeEach
  public void setUpCodec() {
    config = config();
    codec = newCodec(config);
  }

  /**
   * R4.1: every built-in message type, with random contents, decodes to a message equal to the
   * one encoded.
   *
   * <p>On failure: the message printed did not survive. Check that each field of that type is
   * written and read in the same order, that empty lists, tombstones (no value) and both boolean
   * flags are carried, and that strings are UTF-8 on both sides (keys here mix 1- to 4-byte
   * characters).
   */
  @Test
  public void required_r4_1_roundTripsEveryMessageType() throws CodecException {
    Messages random = new Messages(seed(), config);
    for (int type = 0; type < TYPES; type++) {
      for (int i = 0; i < 60; i++) {
        assertRoundTrips(random.message(type), "R4.1 type " + type + " sample " + i);
      }
    }
  }

  /**
   * R4.2: fields exactly at their limits are accepted and round-trip: a key of {@code
   * maxKeyBytes}, a value of {@code maxValueBytes} (or as much as fits the message), {@code
   * maxEntriesPerMessage} entries, a node id of {@value NodeId#MAX_UTF8_BYTES} bytes, {@value
   * RumorReply#MAX_ACKED} acks, and extreme numbers.
   *
   * <p>On failure: a limit is applied with {@code >=} where {@code >} was meant, or a length
   * field is too narrow for the largest allowed value (a one-byte length for a 255-byte id is fine;
   * a one-byte length for a 1024-byte key is not).
   */
  @Test
  public void required_r4_2_roundTripsFieldsAtTheirLimits() throws CodecException {
    for (GossipMessage message : atTheLimits(config)) {
      assertRoundTrips(message, "R4.2");
    }
  }

  /**
   * R4.3: {@link Codec#encodedSize} equals {@code encode(message).length} for every message.
   *
   * <p>On failure: the size arithmetic and the encoder disagree for the printed message; compare
   * them field by field, looking at variable-length numbers near their boundaries and at keys
   * with multi-byte characters (count UTF-8 bytes, not chars).
   */
  @Test
  public void required_r4_3_encodedSizeIsExactlyTheEncodedLength() throws CodecException {
    Messages random = new Messages(seed() + 3, config);
    List<GossipMessage> messages = new ArrayList<>(atTheLimits(config));
    for (int i = 0; i < 3_000; i++) {
      messages.add(random.message(i % TYPES));
    }
    for (GossipMessage message : messages) {
      assertEquals(codec.encode(message).length, codec.encodedSize(message),
          () -> "R4.3 seed " + seed() + ": encodedSize of " + message);
    }
  }

  /**
   * R4.4: decoding random bytes, and valid encodings with random bytes flipped, inserted or
   * deleted, either returns a message or throws {@link CodecException}; never another exception.
   *
   * <p>On failure: the input printed in hex made decode throw what it printed. Wrap the decoder's
   * body so that index, state, argument and buffer exceptions become {@code CodecException}, and
   * check what a record constructor refuses (an acked list over 64, a negative digest size) before
   * calling it.
   */
  @Test
  public void required_r4_4_randomBytesOnlyEverThrowCodecException() throws CodecException {
    Random random = new Random(seed() + 4);
    for (int i = 0; i < fuzzIterations(); i++) {
      byte[] bytes = new byte[random.nextInt(i % 2 == 0 ? 16 : 256)];
      random.nextBytes(bytes);
      decodeOrRefuse(bytes, "R4.4 random array ", i);
    }
    Messages messages = new Messages(seed() + 4, config);
    for (int i = 0; i < 500; i++) {
      byte[] valid = codec.encode(messages.message(i % TYPES));
      for (int j = 0; j < 20; j++) {
        decodeOrRefuse(mutate(valid, random), "R4.4 mutation of message ", i);
      }
    }
  }

  /**
   * R4.5: every proper prefix of a valid encoding, including the empty one, is refused with
   * {@link CodecException}, so a truncated datagram or frame is never taken for a message.
   *
   * <p>On failure: the printed prefix decoded. Either a field is read past the end without a
   * check, or the format lets a message end early (an optional tail); make the end of the message
   * explicit, for example by requiring every field.
   */
  @Test
  public void required_r4_5_rejectsEveryTruncation() throws CodecException {
    Messages random = new Messages(seed() + 5, config);
    for (int i = 0; i < 100; i++) {
      byte[] bytes = codec.encode(random.message(i % TYPES));
      for (int length = 0; length < bytes.length; length++) {
        assertRefused(bytes, 0, length, "R4.5 prefix");
      }
    }
  }

  /**
   * R4.6: a valid encoding followed by any extra byte is refused, so padding or a second message
   * in the same buffer is noticed instead of silently dropped.
   *
   * <p>On failure: after reading a message, check that the whole given range was consumed.
   */
  @Test
  public void required_r4_6_rejectsTrailingBytes() throws CodecException {
    Messages random = new Messages(seed() + 6, config);
    for (int i = 0; i < 200; i++) {
      byte[] valid = codec.encode(random.message(i % TYPES));
      if (valid.length >= codec.maxMessageBytes()) {
        continue;
      }
      byte[] bytes = Arrays.copyOf(valid, valid.length + 1);
      bytes[valid.length] = (byte) i;
      assertRefused(bytes, 0, bytes.length, "R4.6 one trailing byte");
    }
  }

  /**
   * R4.7: {@code decode(bytes, offset, length)} reads exactly that range of a larger array,
   * whatever surrounds it.
   *
   * <p>On failure: the decoder reads from index 0 or to the end of the array instead of honouring
   * {@code offset} and {@code length}.
   */
  @Test
  public void required_r4_7_decodesOnlyTheGivenRange() throws CodecException {
    Messages random = new Messages(seed() + 7, config);
    for (int i = 0; i < 100; i++) {
      GossipMessage message = random.message(i % TYPES);
      byte[] bytes = codec.encode(message);
      byte[] framed = new byte[bytes.length + 2 * i + 2];
      Arrays.fill(framed, (byte) (0x80 | i));
      int offset = i + 1;
      System.arraycopy(bytes, 0, framed, offset, bytes.length);
      assertEquals(message, codec.decode(framed, offset, bytes.length),
          () -> "R4.7 seed " + seed() + ": at offset " + offset);
    }
  }

  /**
   * R4.8: a message whose key, value, entry count, wanted-key count or digest-version count is one
   * over the decoding codec's limit is refused with {@link CodecException} naming what was wrong.
   * The messages are written by a second codec from {@link #newCodec} with larger limits.
   *
   * <p>On failure: the decoder does not compare that length or count with its limit in {@link
   * GossipConfig}; compare each one as soon as it is read, before reading or allocating anything
   * for it.
   */
  @Test
  public void required_r4_8_rejectsFieldsOverTheirLimits() throws CodecException {
    Codec roomy = newCodec(roomy(config));
    for (GossipMessage message : overTheLimits(config)) {
      byte[] bytes = roomy.encode(message);
      assertRefused(bytes, 0, bytes.length, "R4.8 " + describe(message));
    }
  }

  /**
   * R4.9: overwriting or inserting, at every position of small valid encodings, a length claim of
   * 2^31 - 1, 2^28 or 2^24 (as a varint, and as a 4-byte int in either byte order) yields a
   * message or {@link CodecException}, and no decode allocates more than {@link
   * Codec#maxMessageBytes()} plus {@link #allocationSlackBytes()} (measured per thread where the
   * JVM supports it).
   *
   * <p>On failure: some length is used to size an array or a collection before it is checked
   * against its limit and against the bytes that remain; check first, then allocate.
   */
  @Test
  public void required_r4_9_rejectsHugeLengthClaimsWithoutAllocatingThem() throws CodecException {
    int[][] claims = {
      {0xFF, 0xFF, 0xFF, 0xFF, 0x07}, {0x80, 0x80, 0x80, 0x80, 0x01}, {0x80, 0x80, 0x80, 0x08},
      {0xFF, 0xFF, 0xFF, 0x7F}, {0x7F, 0xFF, 0xFF, 0xFF}, {0x00, 0x00, 0x00, 0x01},
      {0x01, 0x00, 0x00, 0x00}
    };
    Messages random = new Messages(seed() + 9, config);
    List<byte[]> hostile = new ArrayList<>();
    for (int i = 0; i < 2 * TYPES; i++) {
      byte[] valid = codec.encode(random.small(i % TYPES));
      for (int at = 0; at < valid.length; at++) {
        for (int[] claim : claims) {
          hostile.add(overwrite(valid, at, claim));
          hostile.add(insert(valid, at, claim));
        }
      }
    }
    Allocations allocations = Allocations.currentThread();
    long bound = codec.maxMessageBytes() + allocationSlackBytes();
    for (int pass = 0; pass < 2; pass++) { // the first pass warms up and is not measured
      for (byte[] bytes : hostile) {
        long before = allocations.bytes();
        decodeOrRefuse(bytes, "R4.9 length claim ", 0);
        long allocated = allocations.bytes() - before;
        if (pass == 1 && allocated > bound) {
          fail("R4.9 seed " + seed() + ": decoding " + bytes.length + " bytes allocated "
              + allocated + " bytes, more than " + bound + ": " + HEX.formatHex(bytes));
        }
      }
    }
  }

  /**
   * R4.10: input longer than {@link Codec#maxMessageBytes()} is refused, whether it is a valid
   * message padded with zeros or a real message written by a codec with a larger limit.
   *
   * <p>On failure: compare the input length with {@code maxMessageBytes} before anything else.
   */
  @Test
  public void required_r4_10_rejectsInputLongerThanMaxMessageBytes() throws CodecException {
    byte[] valid = codec.encode(new MailAck(1));
    byte[] padded = Arrays.copyOf(valid, codec.maxMessageBytes() + 1);
    assertRefused(padded, 0, padded.length, "R4.10 zero-padded MailAck");
    GossipMessage big = overMaxMessageBytes(config);
    assumeTrue(big != null, "config too small to build a message over maxMessageBytes");
    byte[] bytes = newCodec(roomy(config)).encode(big);
    assertTrue(bytes.length > codec.maxMessageBytes(), "R4.10 test message is too small");
    assertRefused(bytes, 0, bytes.length, "R4.10 " + describe(big));
  }

  /**
   * R4.11: {@link Codec#encode} throws {@link CodecException} for a message whose encoding would
   * exceed {@link Codec#maxMessageBytes()}, although each of its fields is within its limit.
   *
   * <p>On failure: compute the size first ({@code encodedSize}) and refuse before encoding.
   */
  @Test
  public void required_r4_11_encodeRefusesMessagesOverMaxMessageBytes() {
    GossipMessage big = overMaxMessageBytes(config);
    assumeTrue(big != null, "config too small to build a message over maxMessageBytes");
    assertEncodeRefused(codec, big, "R4.11 " + describe(big));
  }

  /**
   * R4.12: {@link Codec#encode} throws {@link CodecException} for a message holding a key, value
   * or list over its limit, so a node never sends what a peer with the same configuration must
   * refuse.
   *
   * <p>On failure: the encoder must check the same limits the decoder does.
   */
  @Test
  public void required_r4_12_encodeRefusesFieldsOverTheirLimits() {
    for (GossipMessage message : overTheLimits(config)) {
      assertEncodeRefused(codec, message, "R4.12 " + describe(message));
    }
  }

  /**
   * R4.13: one codec instance encodes and decodes correctly from several threads at once.
   *
   * <p>On failure: the codec shares mutable state (a buffer, a serializer instance, a charset
   * decoder) between threads; pool it or keep one per thread.
   */
  @Test
  public void required_r4_13_isSafeToShareBetweenThreads() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long threadSeed = seed() + 13 + t;
        results.add(pool.submit(() -> {
          Messages random = new Messages(threadSeed, config);
          for (int i = 0; i < 400; i++) {
            GossipMessage message = random.message(i % TYPES);
            byte[] bytes = codec.encode(message);
            assertEquals(message, codec.decode(bytes, 0, bytes.length), "R4.13");
          }
          return null;
        }));
      }
      for (Future<?> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  private void assertRoundTrips(GossipMessage message, String rule) throws CodecException {
    byte[] bytes = codec.encode(message);
    GossipMessage decoded = codec.decode(bytes, 0, bytes.length);
    assertEquals(message, decoded, () -> rule + " seed " + seed() + ": " + describe(message));
  }

  private void assertRefused(byte[] bytes, int offset, int length, String rule) {
    try {
      GossipMessage m = codec.decode(bytes, offset, length);
      fail(rule + " seed " + seed() + ": decoded to " + m + " from "
          + HEX.formatHex(bytes, offset, offset + Math.min(length, 256)));
    } catch (CodecException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank(),
          rule + ": CodecException without a message");
    } catch (RuntimeException e) {
      throw new AssertionError(rule + " seed " + seed() + ": threw " + e, e);
    }
  }

  private void assertEncodeRefused(Codec c, GossipMessage message, String rule) {
    try {
      byte[] bytes = c.encode(message);
      fail(rule + " seed " + seed() + ": encoded to " + bytes.length + " bytes");
    } catch (CodecException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank(),
          rule + ": CodecException without a message");
    } catch (RuntimeException e) {
      throw new AssertionError(rule + ": threw " + e + " instead of CodecException", e);
    }
  }

  /** Decodes or refuses; {@code rule} and {@code index} are joined only on failure. */
  private void decodeOrRefuse(byte[] bytes, String rule, int index) {
    try {
      codec.decode(bytes, 0, bytes.length);
    } catch (CodecException e) {
      // refused: fine
    } catch (Throwable t) {
      throw new AssertionError(rule + index + " seed " + seed() + ": threw " + t + " for "
          + HEX.formatHex(bytes, 0, Math.min(bytes.length, 256)), t);
    }
  }

  private static byte[] mutate(byte[] valid, Random random) {
    byte[] bytes = valid.clone();
    for (int m = 1 + random.nextInt(3); m > 0 && bytes.length > 0; m--) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(4)) {
        case 0:
          bytes[at] ^= (byte) (1 << random.nextInt(8));
          break;
        case 1:
          bytes[at] = (byte) random.nextInt(256);
          break;
        case 2:
          bytes = insert(bytes, at, new int[] {random.nextInt(256)});
          break;
        default:
          byte[] shorter = new byte[bytes.length - 1];
          System.arraycopy(bytes, 0, shorter, 0, at);
          System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
          bytes = shorter;
      }
    }
    return bytes;
  }

  private static byte[] overwrite(byte[] valid, int at, int[] claim) {
    byte[] bytes = Arrays.copyOf(valid, Math.max(valid.length, at + claim.length));
    for (int i = 0; i < claim.length; i++) {
      bytes[at + i] = (byte) claim[i];
    }
    return bytes;
  }

  private static byte[] insert(byte[] valid, int at, int[] claim) {
    byte[] bytes = new byte[valid.length + claim.length];
    System.arraycopy(valid, 0, bytes, 0, at);
    for (int i = 0; i < claim.length; i++) {
      bytes[at + i] = (byte) claim[i];
    }
    System.arraycopy(valid, at, bytes, at + claim.length, valid.length - at);
    return bytes;
  }

  private static String describe(GossipMessage m) {
    String s = m.toString();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** A configuration whose limits comfortably exceed every limit of {@code c}. */
  private static GossipConfig roomy(GossipConfig c) {
    int maxMessage = c.maxMessageBytes() + (4 << 20);
    return c.toBuilder()
        .maxMessageBytes(maxMessage)
        .maxKeyBytes(c.maxKeyBytes() * 2 + 16)
        .maxValueBytes(c.maxValueBytes() + (1 << 20))
        .maxEntriesPerMessage(c.maxEntriesPerMessage() * 2 + 16)
        .build();
  }

  private static Version version(long timestamp) {
    return Version.of(timestamp, NodeId.of("n"));
  }

  private static List<Entry> tombstones(int n) {
    List<Entry> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(Entry.tombstone("", version(i)));
    }
    return list;
  }

  /** Messages holding each field at its limit, each small enough to fit maxMessageBytes. */
  private static List<GossipMessage> atTheLimits(GossipConfig c) {
    List<GossipMessage> list = new ArrayList<>();
    int room = c.maxMessageBytes() - 300; // header, one version and small fields, generously
    NodeId longId = NodeId.of("é".repeat(NodeId.MAX_UTF8_BYTES / 2) + "x");
    if (c.maxKeyBytes() <= room) {
      String key = "k".repeat(c.maxKeyBytes());
      list.add(new SyncEntries(List.of(Entry.tombstone(key, version(1)))));
      list.add(new SyncReply(List.of(), List.of(key)));
    }
    int valueLength = Math.max(0, Math.min(c.maxValueBytes(), room));
    byte[] value = new byte[valueLength];
    new Random(valueLength).nextBytes(value);
    list.add(new Mail(Long.MAX_VALUE, List.of(Entry.of("v", value, version(Long.MAX_VALUE)))));
    if (c.maxEntriesPerMessage() * 64L <= room) {
      list.add(new RumorPush(tombstones(c.maxEntriesPerMessage()), true, true));
    }
    if (NodeId.MAX_UTF8_BYTES <= room) {
      list.add(new MailAck(Long.MIN_VALUE));
      list.add(new SyncEntries(List.of(Entry.tombstone("", Version.of(0, longId)))));
    }
    int acks = Math.min(RumorReply.MAX_ACKED, c.maxEntriesPerMessage());
    if (acks * 64L <= room) {
      List<KeyVersion> acked = new ArrayList<>();
      for (int i = 0; i < acks; i++) {
        acked.add(new KeyVersion("k" + i, version(i)));
      }
      list.add(new RumorReply(List.of(), acked, -1L, true));
      list.add(new SyncDigest(Exchange.PUSH_PULL, new Digest(-1L, Integer.MAX_VALUE, acked)));
    }
    return list;
  }

  /** Messages each holding one field one over its limit in {@code c}; fine under roomy(c). */
  private static List<GossipMessage> overTheLimits(GossipConfig c) {
    String longKey = "k".repeat(c.maxKeyBytes() + 1);
    int entries = c.maxEntriesPerMessage() + 1;
    List<String> keys = Collections.nCopies(entries, "");
    return List.of(
        new SyncEntries(List.of(Entry.tombstone(longKey, version(1)))),
        new Mail(1, List.of(Entry.of("v", new byte[c.maxValueBytes() + 1], version(1)))),
        new RumorPush(tombstones(entries), false, false),
        new SyncReply(List.of(), keys),
        new SyncReply(List.of(), List.of(longKey)),
        new SyncDigest(Exchange.PULL, new Digest(0, entries,
            Collections.nCopies(entries, new KeyVersion("", version(2))))),
        new SyncDigest(Exchange.PULL, new Digest(0, 1, List.of(new KeyVersion(longKey,
            version(2))))),
        new MemberGossip(Collections.nCopies(entries, new MemberUpdate(NodeId.of("m"), null,
            MemberState.DEAD, 1, NodeId.of("m")))));
  }

  /**
   * A message whose fields are each within the limits of {@code c} but whose whole is over
   * {@code maxMessageBytes}, or null if the limits do not allow one.
   */
  private static GossipMessage overMaxMessageBytes(GossipConfig c) {
    int value = c.maxValueBytes();
    long perEntry = value + 16L;
    long needed = c.maxMessageBytes() / perEntry + 2;
    if (value < 64 || needed > c.maxEntriesPerMessage()) {
      return null;
    }
    List<Entry> list = new ArrayList<>();
    for (int i = 0; i < needed; i++) {
      list.add(Entry.of("k" + i, new byte[value], version(i)));
    }
    return new SyncEntries(list);
  }

  /** Per-thread allocation counter, or a counter that reads 0 where the JVM has none. */
  private static final class Allocations {
    private final com.sun.management.ThreadMXBean threads;

    private Allocations(com.sun.management.ThreadMXBean threads) {
      this.threads = threads;
    }

    static Allocations currentThread() {
      java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
      if (bean instanceof com.sun.management.ThreadMXBean) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        if (threads.isThreadAllocatedMemorySupported()) {
          threads.setThreadAllocatedMemoryEnabled(true);
          return new Allocations(threads);
        }
      }
      return new Allocations(null);
    }

    long bytes() {
      return threads == null ? 0 : threads.getCurrentThreadAllocatedBytes();
    }
  }

  /**
   * Seeded generator of valid messages within the limits of a configuration: keys mixing 1- to
   * 4-byte UTF-8 characters, tombstones, equal and extreme numbers, and lists small enough that a
   * message fits {@code maxMessageBytes} with room to spare.
   */
  private static final class Messages {
    private static final String[] CHARS = {"a", "Z", "0", "/", "é", "€", "中", "😀"};
    // Lengths where variable-length integers (7 bits, 1 byte, 14 bits...) change width.
    private static final int[] EDGES = {0, 1, 127, 128, 255, 256, 1023, 1024, 16_383, 16_384};

    private final Random random;
    private final GossipConfig config;

    Messages(long seed, GossipConfig config) {
      this.random = new Random(seed);
      this.config = config;
    }

    GossipMessage message(int type) {
      // Halve the list sizes until the rough size estimate fits: keeps small configs usable.
      for (int scale = 8; ; scale /= 2) {
        Sized sized = new Sized(scale);
        GossipMessage m = sized.message(type);
        if (scale == 0 || sized.estimate * 2 <= config.maxMessageBytes()) {
          return m;
        }
      }
    }

    GossipMessage small(int type) {
      return new Sized(1).message(type);
    }

    /** One message's worth of generation, with a running estimate of its encoded size. */
    private final class Sized {
      private final int scale;
      long estimate = 16;

      Sized(int scale) {
        this.scale = scale;
      }

      GossipMessage message(int type) {
        switch (type) {
          case 0:
            return new SyncDigest(Exchange.values()[random.nextInt(3)], digest());
          case 1:
            return new SyncReply(entries(), keys());
          case 2:
            return new SyncEntries(entries());
          case 3:
            return new RumorPush(entries(), random.nextBoolean(), random.nextBoolean());
          case 4:
            return new RumorReply(entries(), keyVersions(
                Math.min(RumorReply.MAX_ACKED, count())), random.nextLong(), random.nextBoolean());
          case 5:
            return new Mail(number(), entries());
          case 6:
            return new MailAck(number());
          case 7:
            return new Ping(number(), nodeId(), updates());
          case 8:
            return new PingReq(number(), nodeId(), address(), updates());
          case 9:
            return new Ack(number(), updates());
          case 10:
            return new MemberSync(random.nextBoolean(), updates());
          case 11:
            return new MemberGossip(updates());
          case 12:
            return new Nack(number());
          case 13:
            return new RumorOffer(keyVersions(
                Math.min(RumorOffer.MAX_OFFERED, count())), random.nextBoolean());
          default:
            return new RumorRequest(keyVersions(Math.min(RumorRequest.MAX_WANTED, count())));
        }
      }

      NodeId nodeId() {
        String id = text(8, NodeId.MAX_UTF8_BYTES);
        return NodeId.of(id.isEmpty() ? "o" : id);
      }

      /** An IPv4, IPv6 or unresolved (host name) address with any port. */
      InetSocketAddress address() {
        int port = random.nextInt(65_536);
        estimate += 20;
        int kind = random.nextInt(3);
        if (kind == 2) {
          String host = text(12, 255);
          return InetSocketAddress.createUnresolved(host.isEmpty() ? "h" : host, port);
        }
        byte[] ip = new byte[kind == 0 ? 4 : 16];
        random.nextBytes(ip);
        try {
          return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
          throw new AssertionError("4 or 16 bytes are always an address", e);
        }
      }

      List<MemberUpdate> updates() {
        List<MemberUpdate> list = new ArrayList<>();
        MemberState[] states = MemberState.values();
        for (int n = count(); n > 0; n--) {
          NodeId id = nodeId();
          MemberState state = states[random.nextInt(states.length)];
          InetSocketAddress address =
              state == MemberState.ALIVE || random.nextBoolean() ? address() : null;
          NodeId from = random.nextBoolean() ? id : nodeId();
          list.add(new MemberUpdate(id, address, state, number() & Long.MAX_VALUE, from));
        }
        return list;
      }

      int count() {
        int n = random.nextInt(32) == 0 && scale >= 8 ? 120 + random.nextInt(20)
            : random.nextInt(scale + 1);
        return Math.min(config.maxEntriesPerMessage(), n);
      }

      long number() {
        switch (random.nextInt(4)) {
          case 0:
            return random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
          case 1:
            return random.nextInt(300);
          default:
            return random.nextLong() >>> random.nextInt(64);
        }
      }

      String text(int maxChars, int maxBytes) {
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = random.nextInt(maxChars + 1); i > 0; i--) {
          String c = CHARS[random.nextInt(CHARS.length)];
          int width = c.getBytes(StandardCharsets.UTF_8).length;
          if (bytes + width > maxBytes) {
            break;
          }
          sb.append(c);
          bytes += width;
        }
        estimate += bytes + 5;
        return sb.toString();
      }

      String key() {
        if (random.nextInt(16) == 0) {
          int length = Math.min(EDGES[random.nextInt(EDGES.length)], config.maxKeyBytes());
          estimate += length + 5;
          return "k".repeat(length);
        }
        return text(16, config.maxKeyBytes());
      }

      int valueLength() {
        int max = config.maxValueBytes();
        return random.nextInt(8) == 0
            ? Math.min(EDGES[random.nextInt(EDGES.length)], max)
            : random.nextInt(Math.min(max, 48) + 1);
      }

      Version version() {
        // Few distinct timestamps, so equal timestamps with different origins are common.
        long timestamp = random.nextInt(3) == 0 ? random.nextInt(3) : random.nextLong() >>> 1;
        String origin = text(8, NodeId.MAX_UTF8_BYTES);
        estimate += 8;
        return Version.of(timestamp, NodeId.of(origin.isEmpty() ? "o" : origin));
      }

      Entry entry() {
        String key = key();
        Version version = version();
        if (random.nextInt(4) == 0) {
          return Entry.tombstone(key, version);
        }
        byte[] value = new byte[valueLength()];
        random.nextBytes(value);
        estimate += value.length + 6;
        return Entry.of(key, value, version);
      }

      List<Entry> entries() {
        List<Entry> list = new ArrayList<>();
        for (int n = count(); n > 0; n--) {
          list.add(entry());
        }
        return list;
      }

      List<String> keys() {
        List<String> list = new ArrayList<>();
        for (int n = count(); n > 0; n--) {
          list.add(key());
        }
        return list;
      }

      List<KeyVersion> keyVersions(int n) {
        List<KeyVersion> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          list.add(new KeyVersion(key(), version()));
        }
        return list;
      }

      Digest digest() {
        List<KeyVersion> versions = keyVersions(count());
        int size = random.nextBoolean() ? versions.size() : random.nextInt(Integer.MAX_VALUE);
        return new Digest(random.nextLong(), size, versions);
      }
    }
  }
}
