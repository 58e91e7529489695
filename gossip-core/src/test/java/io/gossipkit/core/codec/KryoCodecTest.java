package io.gossipkit.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.esotericsoftware.kryo.io.Output;
import io.gossipkit.api.CodecException;
import io.gossipkit.api.Digest;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.MailAck;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.SyncDigest;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import java.lang.management.ManagementFactory;
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
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KryoCodecTest {
  private static final GossipConfig CONFIG = GossipConfig.lan();
  private static final KryoCodec CODEC = KryoCodec.of(CONFIG);
  private static final NodeId N = NodeId.of("n");
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

  // ---------------------------------------------------------------- round trips and wire bytes

  @ParameterizedTest(name = "type {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
  void roundTripsRandomMessagesOfEveryTypeAndReencodesToTheSameBytes(int type)
      throws CodecException {
    RandomMessages random = new RandomMessages(1_000 + type);
    for (int i = 0; i < 300; i++) {
      GossipMessage message = random.message(type);
      byte[] bytes = CODEC.encode(message);
      GossipMessage decoded = CODEC.decode(bytes, 0, bytes.length);
      assertEquals(message, decoded, "message " + i);
      assertEquals(message.getClass(), decoded.getClass());
      assertSameSignatures(message, decoded);
      assertArrayEquals(bytes, CODEC.encode(decoded), "re-encoding message " + i);
    }
  }

  /** The entries a message carries, in order; empty for a message without entries. */
  static List<Entry> entriesOf(GossipMessage m) {
    if (m instanceof SyncEntries) {
      return ((SyncEntries) m).entries();
    }
    if (m instanceof SyncReply) {
      return ((SyncReply) m).entries();
    }
    if (m instanceof RumorPush) {
      return ((RumorPush) m).entries();
    }
    if (m instanceof RumorReply) {
      return ((RumorReply) m).entries();
    }
    if (m instanceof Mail) {
      return ((Mail) m).entries();
    }
    return List.of();
  }

  /**
   * Entry equality ignores signatures (a signature attests a write, it is not part of it), so a
   * codec that dropped them would pass {@code assertEquals}: compare them one by one.
   */
  private static void assertSameSignatures(GossipMessage expected, GossipMessage actual) {
    List<Entry> a = entriesOf(expected);
    List<Entry> b = entriesOf(actual);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).isSigned(), b.get(i).isSigned(), "entry " + i + " signed");
      assertArrayEquals(a.get(i).signature(), b.get(i).signature(), "entry " + i + " signature");
    }
  }

  /** 00 01 02 ... 3f: a recognisable signature for byte diagrams. */
  static byte[] countingSignature() {
    byte[] signature = new byte[Entry.SIGNATURE_BYTES];
    for (int i = 0; i < signature.length; i++) {
      signature[i] = (byte) i;
    }
    return signature;
  }

  private static final String COUNTING_SIGNATURE_HEX = HEX.formatHex(countingSignature());

  @Test
  void roundTripsSignedEntriesInEveryMessageThatCarriesEntries() throws CodecException {
    byte[] sig = countingSignature();
    Version v = Version.of(Version.pack(1_700_000_000_000L, 3), NodeId.of("origin"));
    List<Entry> entries =
        List.of(
            Entry.of("live", new byte[] {1, 2, 3}, v).withSignature(sig),
            Entry.tombstone("gone", v).withSignature(sig),
            Entry.of("plain", new byte[] {4}, v),
            Entry.of("empty", new byte[0], v).withSignature(sig));
    List<GossipMessage> messages =
        List.of(
            new SyncEntries(entries),
            new SyncReply(entries, List.of("w")),
            new RumorPush(entries, true, false),
            new RumorReply(entries, List.of(), 5, true),
            new Mail(9, entries));
    for (GossipMessage message : messages) {
      byte[] bytes = CODEC.encode(message);
      GossipMessage decoded = CODEC.decode(bytes, 0, bytes.length);
      assertEquals(message, decoded);
      assertSameSignatures(message, decoded);
      assertEquals(bytes.length, CODEC.encodedSize(message));
      List<Entry> out = entriesOf(decoded);
      assertTrue(out.get(0).isSigned() && out.get(1).isSigned() && out.get(3).isSigned());
      assertTrue(!out.get(2).isSigned(), "an unsigned entry stays unsigned");
    }
  }

  @Test
  void originsThatAlternateWithinAndAcrossMessagesEachEncodeAsThemselves() throws CodecException {
    // The encoder reuses the bytes of the id it wrote last: equal ids from other instances, other
    // ids in between and multi-byte ids must all still come out as written.
    NodeId a = NodeId.of("origin-a");
    NodeId sameAsA = NodeId.of("origin-a");
    NodeId wide = NodeId.of("nöde-é😀");
    List<Entry> entries = new ArrayList<>();
    NodeId[] order = {a, a, wide, sameAsA, a, wide, wide, N};
    for (int i = 0; i < order.length; i++) {
      entries.add(Entry.of("k" + i, new byte[] {(byte) i}, Version.of(i + 1, order[i])));
    }
    for (int round = 0; round < 2; round++) {
      SyncEntries m = new SyncEntries(entries);
      byte[] bytes = CODEC.encode(m);
      assertEquals(CODEC.encodedSize(m), bytes.length);
      SyncEntries back = (SyncEntries) CODEC.decode(bytes, 0, bytes.length);
      for (int i = 0; i < order.length; i++) {
        assertEquals(order[i], back.entries().get(i).version().origin(), "entry " + i);
      }
      Collections.reverse(entries);
      Collections.reverse(Arrays.asList(order));
    }
  }

  @Test
  void aSignatureAddsExactlyItsLengthByteAndSixtyFourBytes() throws CodecException {
    Entry plain = Entry.of("k", new byte[] {7}, Version.of(5, N));
    Entry signed = plain.withSignature(countingSignature());
    Entry plainTombstone = Entry.tombstone("k", Version.of(5, N));
    Entry signedTombstone = plainTombstone.withSignature(countingSignature());
    for (Entry[] pair : new Entry[][] {{plain, signed}, {plainTombstone, signedTombstone}}) {
      GossipMessage without = new SyncEntries(List.of(pair[0]));
      GossipMessage with = new SyncEntries(List.of(pair[1]));
      assertEquals(CODEC.encodedSize(without) + 1 + Entry.SIGNATURE_BYTES, CODEC.encodedSize(with));
      assertEquals(CODEC.encodedSize(with), CODEC.encode(with).length);
    }
  }

  @Test
  void aDecodedSignatureIsNotSharedWithTheInputArray() throws CodecException {
    byte[] bytes = CODEC.encode(new SyncEntries(List.of(
        Entry.of("k", new byte[] {1}, Version.of(1, N)).withSignature(countingSignature()))));
    SyncEntries decoded = (SyncEntries) decode(bytes);
    Arrays.fill(bytes, (byte) 0);
    assertArrayEquals(countingSignature(), decoded.entries().get(0).signature());
  }

  @Test
  void roundTripsEveryFieldAtItsLimit() throws CodecException {
    String maxKey = "k".repeat(CONFIG.maxKeyBytes());
    NodeId maxId = NodeId.of("😀".repeat(NodeId.MAX_UTF8_BYTES / 4) + "abc");
    assertEquals(NodeId.MAX_UTF8_BYTES, WireFormat.utf8Length(maxId.value()));
    Version maxVersion = Version.of(Long.MAX_VALUE, maxId);
    byte[] maxValue = new byte[CONFIG.maxValueBytes()];
    new Random(7).nextBytes(maxValue);
    List<Entry> maxEntries = new ArrayList<>();
    for (int i = 0; i < CONFIG.maxEntriesPerMessage(); i++) {
      maxEntries.add(Entry.tombstone("", Version.of(i, N)));
    }
    List<KeyVersion> maxAcked = new ArrayList<>();
    for (int i = 0; i < RumorReply.MAX_ACKED; i++) {
      maxAcked.add(new KeyVersion("k" + i, Version.of(i, N)));
    }
    List<GossipMessage> messages =
        List.of(
            new SyncEntries(List.of(Entry.of(maxKey, maxValue, maxVersion))),
            new SyncEntries(maxEntries),
            new Mail(Long.MIN_VALUE, maxEntries),
            new MailAck(Long.MAX_VALUE),
            new MailAck(-1),
            new RumorReply(List.of(), maxAcked, -1L, true),
            // 60 keys of maxKeyBytes fill most of a message; then the most keys one may hold.
            new SyncReply(List.of(), Collections.nCopies(60, maxKey)),
            new SyncReply(List.of(), Collections.nCopies(CONFIG.maxEntriesPerMessage(), "")),
            new SyncDigest(
                Exchange.PULL,
                new Digest(
                    Long.MIN_VALUE,
                    Integer.MAX_VALUE,
                    List.of(new KeyVersion(maxKey, maxVersion)))),
            new SyncDigest(
                Exchange.PUSH,
                new Digest(
                    7,
                    CONFIG.maxEntriesPerMessage(),
                    Collections.nCopies(
                        CONFIG.maxEntriesPerMessage(), new KeyVersion("", Version.of(0, N))))),
            new SyncDigest(Exchange.PUSH, Digest.EMPTY),
            new RumorPush(List.of(), false, false));
    for (GossipMessage message : messages) {
      byte[] bytes = CODEC.encode(message);
      assertEquals(message, CODEC.decode(bytes, 0, bytes.length), message.getClass().getName());
    }
    // The largest signed entry: every field at its limit, and the signature on top.
    GossipMessage signed = new SyncEntries(
        List.of(Entry.of(maxKey, maxValue, maxVersion).withSignature(countingSignature())));
    byte[] bytes = CODEC.encode(signed);
    GossipMessage decoded = CODEC.decode(bytes, 0, bytes.length);
    assertEquals(signed, decoded);
    assertSameSignatures(signed, decoded);
  }

  static Stream<Arguments> documentedEncodings() {
    Version v = Version.of(0x0102030405060708L, N);
    return Stream.of(
        Arguments.of(new MailAck(7), "01 16 07"),
        Arguments.of(new Mail(300, List.of()), "01 15 ac 02 00"),
        Arguments.of(
            new SyncEntries(List.of(Entry.of("k", new byte[] {0x2A}, v))),
            "01 12 01 01 6b 08 07 06 05 04 03 02 01 01 6e 00 01 2a"),
        Arguments.of(
            new SyncEntries(List.of(Entry.tombstone("k", Version.of(1, N)))),
            "01 12 01 01 6b 01 00 00 00 00 00 00 00 01 6e 01"),
        // Signed: flags bit 1, then after the value (or a tombstone's flags) 0x40 = 64 and the
        // signature. The unsigned encodings above are byte for byte those of before signatures.
        Arguments.of(
            new SyncEntries(List.of(
                Entry.of("k", new byte[] {0x2A}, v).withSignature(countingSignature()))),
            "01 12 01 01 6b 08 07 06 05 04 03 02 01 01 6e 02 01 2a 40 " + COUNTING_SIGNATURE_HEX),
        Arguments.of(
            new SyncEntries(List.of(
                Entry.tombstone("k", Version.of(1, N)).withSignature(countingSignature()))),
            "01 12 01 01 6b 01 00 00 00 00 00 00 00 01 6e 03 40 " + COUNTING_SIGNATURE_HEX),
        Arguments.of(new RumorPush(List.of(), true, true), "01 13 03 00"),
        Arguments.of(new RumorPush(List.of(), false, true), "01 13 02 00"),
        Arguments.of(
            new RumorReply(List.of(), List.of(new KeyVersion("k", Version.of(2, N))), 1L, false),
            "01 14 00 00 01 01 6b 02 00 00 00 00 00 00 00 01 6e 01 00 00 00 00 00 00 00"),
        Arguments.of(
            new SyncDigest(
                Exchange.PUSH_PULL,
                new Digest(0x10, 1, List.of(new KeyVersion("é", Version.of(0, N))))),
            "01 10 02 10 00 00 00 00 00 00 00 01 01 02 c3 a9 00 00 00 00 00 00 00 00 01 6e"),
        Arguments.of(
            new SyncReply(List.of(), List.of("a", "€")), "01 11 00 02 01 61 03 e2 82 ac"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("documentedEncodings")
  void writesExactlyTheBytesTheWireFormatDocuments(GossipMessage message, String hex)
      throws CodecException {
    byte[] expected = HEX.parseHex(hex);
    assertEquals(hex, HEX.formatHex(CODEC.encode(message)));
    GossipMessage decoded = CODEC.decode(expected, 0, expected.length);
    assertEquals(message, decoded);
    assertSameSignatures(message, decoded);
  }

  @Test
  void writesTheFixedRegistrationIdOfEachMessageTypeAsItsSecondByte() throws CodecException {
    RandomMessages random = new RandomMessages(5);
    int[] ids = {16, 17, 18, 19, 20, 21, 22, 42, 43, 23, 24, 25};
    for (int type = 0; type < RandomMessages.TYPES; type++) {
      byte[] bytes = CODEC.encode(random.message(type));
      assertEquals(WireFormat.FORMAT_VERSION, bytes[0]);
      assertEquals(ids[type], bytes[1], "type " + type);
    }
  }

  @Test
  void decodesOnlyTheGivenRangeOfALargerArray() throws CodecException {
    GossipMessage message = new RandomMessages(11).message(2);
    byte[] bytes = CODEC.encode(message);
    byte[] framed = new byte[bytes.length + 20];
    Arrays.fill(framed, (byte) 0xEE);
    System.arraycopy(bytes, 0, framed, 7, bytes.length);
    assertEquals(message, CODEC.decode(framed, 7, bytes.length));
  }

  // ---------------------------------------------------------------- encodedSize

  @Test
  void encodedSizeEqualsTheEncodedLengthForManyRandomMessages() throws CodecException {
    RandomMessages random = new RandomMessages(42);
    for (int i = 0; i < 10_000; i++) {
      GossipMessage message = random.message();
      assertEquals(CODEC.encode(message).length, CODEC.encodedSize(message), "message " + i);
    }
  }

  @Test
  void varintSizesAgreeWithKryoAtEveryBoundary() {
    for (int bits = 0; bits <= 64; bits++) {
      for (long delta = -2; delta <= 2; delta++) {
        long v = (bits == 64 ? 0 : 1L << bits) + delta;
        assertEquals(Output.varLongLength(v, true), WireFormat.varLongSize(v), "long " + v);
        Output out = new Output(16);
        out.writeVarLong(v, true);
        assertEquals(out.position(), WireFormat.varLongSize(v), "written long " + v);
        int i = (int) v;
        assertEquals(Output.varIntLength(i, true), WireFormat.varIntSize(i), "int " + i);
      }
    }
  }

  @Test
  void utf8LengthCountsEveryCharacterWidthAndSurrogatePairs() {
    assertEquals(0, WireFormat.utf8Length(""));
    assertEquals(1, WireFormat.utf8Length("a"));
    assertEquals(2, WireFormat.utf8Length("é"));
    assertEquals(3, WireFormat.utf8Length("€"));
    assertEquals(4, WireFormat.utf8Length("😀"));
    assertEquals(10, WireFormat.utf8Length("a€😀é"));
    // A lone surrogate is refused by encode; its count only has to be defined.
    assertEquals(3, WireFormat.utf8Length("\uD800"));
  }

  @Test
  void encodedSizeAllocatesNothing() {
    com.sun.management.ThreadMXBean threads = allocationCounter();
    RandomMessages random = new RandomMessages(3);
    List<GossipMessage> messages = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      messages.add(random.message());
    }
    long sink = 0;
    for (int round = 0; round < 20; round++) { // warm up so class loading is not counted
      for (GossipMessage m : messages) {
        sink += CODEC.encodedSize(m);
      }
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < messages.size(); i++) {
        sink += CODEC.encodedSize(messages.get(i));
      }
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(sink > 0);
    // 10,000 calls; a single byte[] or iterator per call would already be 160,000 bytes.
    assertTrue(allocated < 1_024, "encodedSize allocated " + allocated + " bytes in 10,000 calls");
  }

  @Test
  void encodedSizeRefusesAMessageTypeItDoesNotKnow() {
    GossipMessage custom = new GossipMessage() {};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CODEC.encodedSize(custom));
    assertTrue(e.getMessage().startsWith("unknown message type"), e.getMessage());
  }

  // ---------------------------------------------------------------- hostile input: fuzzing

  @Test
  void randomBytesDecodeOnlyToCodecExceptionOrToAMessageThatReencodesIdentically() {
    Random random = new Random(0xF022);
    int decoded = 0;
    for (int i = 0; i < 100_000; i++) {
      byte[] bytes = new byte[random.nextInt(i % 4 == 0 ? 16 : 120)];
      random.nextBytes(bytes);
      // Most arrays get a valid header, or nearly every one would stop at the first byte.
      if (i % 4 != 0 && bytes.length >= 2) {
        bytes[0] = WireFormat.FORMAT_VERSION;
        bytes[1] = (byte) (WireFormat.FIRST_MESSAGE_ID + random.nextInt(7));
        if (random.nextBoolean() && bytes.length >= 3) {
          bytes[2] = (byte) random.nextInt(3); // small counts and flags get past the first field
        }
      }
      decoded += decodeOrRefuse(bytes, "random array ", i);
    }
    // Short MailAck and empty-list messages are valid; some must have been accepted.
    assertTrue(decoded > 100, "only " + decoded + " random arrays decoded");
  }

  @Test
  void mutatedValidMessagesDecodeOnlyToCodecExceptionOrToAMessageThatReencodesIdentically()
      throws CodecException {
    Random random = new Random(0xB17);
    RandomMessages messages = new RandomMessages(0xB17);
    for (int i = 0; i < 600; i++) {
      byte[] valid = CODEC.encode(messages.message());
      for (int j = 0; j < 20; j++) {
        byte[] bytes = mutate(valid, random);
        decodeOrRefuse(bytes, "mutation of message ", i);
      }
    }
  }

  private static byte[] mutate(byte[] valid, Random random) {
    byte[] bytes = valid.clone();
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations && bytes.length > 0; m++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(4)) {
        case 0:
          bytes[at] ^= (byte) (1 << random.nextInt(8));
          break;
        case 1:
          bytes[at] = (byte) random.nextInt(256);
          break;
        case 2: // insert a byte
          byte[] longer = new byte[bytes.length + 1];
          System.arraycopy(bytes, 0, longer, 0, at);
          longer[at] = (byte) random.nextInt(256);
          System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
          bytes = longer;
          break;
        default: // delete a byte
          byte[] shorter = new byte[bytes.length - 1];
          System.arraycopy(bytes, 0, shorter, 0, at);
          System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
          bytes = shorter;
      }
    }
    return bytes;
  }

  /**
   * Returns 1 if the bytes decoded (and re-encode to themselves), 0 if refused; fails else. The
   * case is named by {@code what} and {@code index}, joined only on failure: this runs 100,000
   * times.
   */
  private static int decodeOrRefuse(byte[] bytes, String what, int index) {
    GossipMessage message;
    try {
      message = CODEC.decode(bytes, 0, bytes.length);
    } catch (CodecException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        fail(what + index + ": CodecException without a message");
      }
      return 0;
    } catch (Throwable t) {
      throw new AssertionError(what + index + " threw " + t + " for " + HEX.formatHex(bytes), t);
    }
    try {
      // Canonical varints and strict UTF-8 make decoding injective: no two inputs, one message.
      assertArrayEquals(
          bytes, CODEC.encode(message), () -> what + index + " decoded to " + message);
    } catch (CodecException e) {
      fail(what + index + " decoded to " + message + " but re-encoding failed: " + e.getMessage());
    }
    return 1;
  }

  @Test
  void everyProperPrefixOfAValidMessageIsRefused() throws CodecException {
    RandomMessages random = new RandomMessages(77);
    for (int i = 0; i < 140; i++) {
      int type = i % RandomMessages.TYPES;
      GossipMessage drawn = random.message(type);
      byte[] encoded = CODEC.encode(drawn);
      // Long values add prefixes, not cases: redraw to keep the test fast, a bounded number of
      // times, so a generator that only makes long messages of some type fails instead of hanging.
      for (int redraws = 0; redraws < 1_000 && encoded.length > 400; redraws++) {
        drawn = random.message(type);
        encoded = CODEC.encode(drawn);
      }
      if (encoded.length > 400) {
        fail("1,001 draws of message type " + type + " (last a "
            + drawn.getClass().getSimpleName() + ") were all over 400 bytes");
      }
      byte[] bytes = encoded;
      for (int length = 0; length < bytes.length; length++) {
        int n = length;
        assertThrows(CodecException.class, () -> CODEC.decode(bytes, 0, n),
            () -> "prefix " + n + " of " + HEX.formatHex(bytes));
      }
    }
  }

  @Test
  void truncationIsReportedAsTruncatedInputNamingTheField() {
    // The 12-byte key makes room for the one entry the count promises; the timestamp is cut.
    byte[] bytes =
        WireBytes.header(18).varint(1).string("k".repeat(12)).raw(1, 2).build();
    CodecException e = assertThrows(CodecException.class, () -> decode(bytes));
    assertEquals(
        "SyncEntries: truncated input: version timestamp needs 8 bytes, 2 remain", e.getMessage());
  }

  @ParameterizedTest(name = "{0} trailing bytes")
  @ValueSource(ints = {1, 2, 100})
  void trailingBytesAfterAValidMessageAreRefused(int extra) throws CodecException {
    byte[] valid = CODEC.encode(new MailAck(5));
    byte[] bytes = Arrays.copyOf(valid, valid.length + extra);
    CodecException e = assertThrows(CodecException.class, () -> decode(bytes));
    assertEquals("MailAck: " + extra + " trailing bytes after the message", e.getMessage());
  }

  // ---------------------------------------------------------------- hostile input: lengths

  /** A length or count position in some message, and the limit that guards it. */
  private record LengthField(String name, LongFunction<WireBytes> prefix, String expected,
      int limit) {
    byte[] withClaim(long claim) {
      // Padding, so that the limit and not the end of input is what refuses the claim.
      return prefix.apply(claim).zeros(64).build();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final int MAX_ENTRIES = CONFIG.maxEntriesPerMessage();
  private static final int MAX_KEY = CONFIG.maxKeyBytes();
  private static final int MAX_VALUE = CONFIG.maxValueBytes();

  static List<LengthField> lengthFields() {
    return List.of(
        new LengthField("SyncEntries entry count",
            v -> WireBytes.header(18).varint(v),
            "SyncEntries: entry count %s exceeds maxEntriesPerMessage " + MAX_ENTRIES, MAX_ENTRIES),
        new LengthField("entry key length",
            v -> WireBytes.header(18).varint(1).varint(v),
            "SyncEntries: entry key length %s exceeds maxKeyBytes " + MAX_KEY, MAX_KEY),
        new LengthField("entry version origin length",
            v -> WireBytes.header(18).varint(1).string("k").fixedLong(1).varint(v),
            "SyncEntries: node id length %s exceeds NodeId.MAX_UTF8_BYTES 255", 255),
        new LengthField("entry value length",
            v -> WireBytes.header(18).varint(1).string("k").fixedLong(1).string("n").u8(0)
                .varint(v),
            "SyncEntries: entry value length %s exceeds maxValueBytes " + MAX_VALUE, MAX_VALUE),
        new LengthField("SyncReply entry count",
            v -> WireBytes.header(17).varint(v),
            "SyncReply: entry count %s exceeds maxEntriesPerMessage " + MAX_ENTRIES, MAX_ENTRIES),
        new LengthField("SyncReply wanted key count",
            v -> WireBytes.header(17).varint(0).varint(v),
            "SyncReply: wanted key count %s exceeds maxEntriesPerMessage " + MAX_ENTRIES,
            MAX_ENTRIES),
        new LengthField("SyncReply wanted key length",
            v -> WireBytes.header(17).varint(0).varint(1).varint(v),
            "SyncReply: wanted key length %s exceeds maxKeyBytes " + MAX_KEY, MAX_KEY),
        new LengthField("SyncDigest digest version count",
            v -> WireBytes.header(16).u8(2).fixedLong(9).varint(1).varint(v),
            "SyncDigest: digest version count %s exceeds maxEntriesPerMessage " + MAX_ENTRIES,
            MAX_ENTRIES),
        new LengthField("SyncDigest key version key length",
            v -> WireBytes.header(16).u8(2).fixedLong(9).varint(1).varint(1).varint(v),
            "SyncDigest: key version key length %s exceeds maxKeyBytes " + MAX_KEY, MAX_KEY),
        new LengthField("SyncDigest key version origin length",
            v -> WireBytes.header(16).u8(2).fixedLong(9).varint(1).varint(1).string("k")
                .fixedLong(3).varint(v),
            "SyncDigest: node id length %s exceeds NodeId.MAX_UTF8_BYTES 255", 255),
        new LengthField("RumorPush entry count",
            v -> WireBytes.header(19).u8(1).varint(v),
            "RumorPush: entry count %s exceeds maxEntriesPerMessage " + MAX_ENTRIES, MAX_ENTRIES),
        new LengthField("RumorReply entry count",
            v -> WireBytes.header(20).u8(1).varint(v),
            "RumorReply: entry count %s exceeds maxEntriesPerMessage " + MAX_ENTRIES, MAX_ENTRIES),
        new LengthField("RumorReply acked count",
            v -> WireBytes.header(20).u8(1).varint(0).varint(v),
            "RumorReply: acked count %s exceeds RumorReply.MAX_ACKED 64", RumorReply.MAX_ACKED),
        new LengthField("RumorReply acked key length",
            v -> WireBytes.header(20).u8(1).varint(0).varint(1).varint(v),
            "RumorReply: key version key length %s exceeds maxKeyBytes " + MAX_KEY, MAX_KEY),
        new LengthField("Mail entry count",
            v -> WireBytes.header(21).varint(99).varint(v),
            "Mail: entry count %s exceeds maxEntriesPerMessage " + MAX_ENTRIES, MAX_ENTRIES),
        new LengthField("Mail entry value length",
            v -> WireBytes.header(21).varint(99).varint(1).string("k").fixedLong(1).string("n")
                .u8(0).varint(v),
            "Mail: entry value length %s exceeds maxValueBytes " + MAX_VALUE, MAX_VALUE));
  }

  static Stream<Arguments> hugeClaims() {
    long[] claims = {(1L << 31) - 1, (1L << 32) - 1, 1L << 31, 1L << 28, 1L << 21};
    return lengthFields().stream()
        .flatMap(f -> Stream.concat(
            Arrays.stream(claims).mapToObj(c -> Arguments.of(f, c)),
            Stream.of(Arguments.of(f, (long) f.limit() + 1))));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("hugeClaims")
  void aLengthOverItsLimitInAnyPositionIsRefusedNamingFieldValueAndLimit(
      LengthField field, long claim) {
    byte[] bytes = field.withClaim(claim);
    CodecException e = assertThrows(CodecException.class, () -> decode(bytes));
    assertEquals(String.format(field.expected(), claim), e.getMessage());
  }

  @Test
  void theExampleMessageForAHugeValueLengthReadsAsDocumented() {
    byte[] bytes = lengthFields().get(3).withClaim(Integer.MAX_VALUE);
    CodecException e = assertThrows(CodecException.class, () -> decode(bytes));
    assertTrue(
        e.getMessage().endsWith("entry value length 2147483647 exceeds maxValueBytes 61440"),
        e.getMessage());
  }

  @Test
  void aLengthWithinItsLimitButBeyondTheInputIsRefusedBeforeAllocating() {
    byte[] bytes = WireBytes.header(18).varint(1).string("k").fixedLong(1).string("n").u8(0)
        .varint(MAX_VALUE).zeros(10).build();
    CodecException e = assertThrows(CodecException.class, () -> decode(bytes));
    assertEquals("SyncEntries: truncated input: entry value length 61440 exceeds the 10 bytes "
        + "remaining", e.getMessage());
  }

  @Test
  void aCountTheRemainingBytesCannotHoldIsRefusedBeforeAllocating() {
    byte[] bytes = WireBytes.header(18).varint(1000).zeros(100).build();
    CodecException e = assertThrows(CodecException.class, () -> decode(bytes));
    assertEquals("SyncEntries: truncated input: entry count 1000 needs at least 12000 bytes, "
        + "100 remain", e.getMessage());
  }

  @Test
  void inputLongerThanMaxMessageBytesIsRefusedBeforeReadingIt() {
    byte[] bytes = new byte[CONFIG.maxMessageBytes() + 1];
    CodecException e = assertThrows(CodecException.class, () -> decode(bytes));
    assertEquals("message length 65537 exceeds maxMessageBytes 65536", e.getMessage());
  }

  /** Bytes a stack trace, a message and a few small objects take: what a refusal may cost. */
  private static final long REFUSAL_BYTES = 8 * 1024;

  @Test
  void decodingAHostileLengthClaimAllocatesAtMostMaxMessageBytesPlusASmallConstant() {
    List<byte[]> hostile = new ArrayList<>();
    for (LengthField field : lengthFields()) {
      hostile.add(field.withClaim(Integer.MAX_VALUE));
      hostile.add(field.withClaim(field.limit())); // within the limit, beyond the input
    }
    long worst = 0;
    for (byte[] bytes : hostile) {
      worst = Math.max(worst, allocatedByRefusedDecode(CODEC, bytes));
    }
    long bound = CONFIG.maxMessageBytes() + REFUSAL_BYTES;
    assertTrue(worst <= bound, "a hostile decode allocated " + worst + " bytes, bound " + bound);
    // Stronger: claims of up to 61,440 bytes allocated nothing of their size.
    assertTrue(worst <= REFUSAL_BYTES, "a hostile decode allocated " + worst + " bytes");
  }

  @Test
  void aHugeValueClaimUnderAHugeLimitStillAllocatesNothingUntilTheBytesArePresent() {
    GossipConfig roomy = GossipConfig.lan().toBuilder()
        .maxMessageBytes(64 << 20).maxValueBytes(32 << 20).build();
    byte[] bytes = WireBytes.header(18).varint(1).string("k").fixedLong(1).string("n").u8(0)
        .varint(32 << 20).zeros(100).build();
    long allocated = allocatedByRefusedDecode(KryoCodec.of(roomy), bytes);
    assertTrue(allocated <= REFUSAL_BYTES, "claim of 32 MiB allocated " + allocated + " bytes");
  }

  /**
   * The most bytes this thread allocated in one of ten refused decodes of {@code bytes}, measured
   * after a warm-up so that class loading and the first pooled Kryo are not counted.
   */
  private static long allocatedByRefusedDecode(KryoCodec codec, byte[] bytes) {
    com.sun.management.ThreadMXBean threads = allocationCounter();
    long worst = 0;
    for (int i = 0; i < 110; i++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      try {
        codec.decode(bytes, 0, bytes.length);
        fail("hostile input decoded: " + HEX.formatHex(bytes));
      } catch (CodecException expected) {
        // the exception, its message and its stack trace are part of what is measured
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      if (i >= 100) {
        worst = Math.max(worst, allocated);
      }
    }
    return worst;
  }

  // ---------------------------------------------------------------- hostile input: other fields

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("empty input", new byte[0],
            "truncated input: message length 0 is shorter than the 2-byte header"),
        Arguments.of("header cut short", new byte[] {1},
            "truncated input: message length 1 is shorter than the 2-byte header"),
        Arguments.of("format version 0", new byte[] {0, 22, 0},
            "format version 0 is unknown; this codec reads 1"),
        Arguments.of("format version 2", new byte[] {2, 22, 0},
            "format version 2 is unknown; this codec reads 1"),
        Arguments.of("Kryo's String id", new byte[] {1, 1, 0},
            "message type id 1 is unknown; known ids are 16..25, 30..35, 42..43"),
        Arguments.of("the Entry value-type id", new byte[] {1, 13, 0},
            "message type id 13 is unknown; known ids are 16..25, 30..35, 42..43"),
        Arguments.of("the MemberUpdate value-type id", new byte[] {1, 39, 0},
            "message type id 39 is unknown; known ids are 16..25, 30..35, 42..43"),
        Arguments.of("type id 36, past the membership messages", new byte[] {1, 36, 0},
            "message type id 36 is unknown; known ids are 16..25, 30..35, 42..43"),
        Arguments.of("type id 26", new byte[] {1, 26, 0},
            "message type id 26 is unknown; known ids are 16..25, 30..35, 42..43"),
        Arguments.of("type id 255", new byte[] {1, (byte) 255, 0},
            "message type id 255 is unknown; known ids are 16..25, 30..35, 42..43"),
        Arguments.of("over-long varint", WireBytes.header(22).raw(0x85, 0x00).build(),
            "MailAck: mail ack sequence varint is not in its shortest form"),
        Arguments.of("over-long count", WireBytes.header(18).raw(0x80, 0x00).build(),
            "SyncEntries: entry count varint is not in its shortest form"),
        Arguments.of("count over 32 bits", WireBytes.header(18).raw(0xFF, 0xFF, 0xFF, 0xFF, 0x1F)
                .build(),
            "SyncEntries: entry count varint does not fit 32 bits"),
        Arguments.of("varlong with zero ninth byte",
            WireBytes.header(22).raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00).build(),
            "MailAck: mail ack sequence varint is not in its shortest form"),
        Arguments.of("varlong cut short", WireBytes.header(22).raw(0xFF, 0xFF).build(),
            "MailAck: truncated input: mail ack sequence varint ends after 2 bytes"),
        Arguments.of("over-long UTF-8",
            WireBytes.header(17).varint(0).varint(1).varint(2).raw(0xC0, 0x80).build(),
            "SyncReply: wanted key is not valid UTF-8 at byte 0"),
        Arguments.of("UTF-8 encoded surrogate",
            WireBytes.header(17).varint(0).varint(1).varint(4).raw('a', 0xED, 0xA0, 0x80).build(),
            "SyncReply: wanted key is not valid UTF-8 at byte 1"),
        Arguments.of("UTF-8 cut mid-character",
            WireBytes.header(17).varint(0).varint(1).varint(2).raw(0xE2, 0x82).build(),
            "SyncReply: wanted key is not valid UTF-8 at byte 0"),
        Arguments.of("UTF-8 beyond U+10FFFF",
            WireBytes.header(17).varint(0).varint(1).varint(4).raw(0xF4, 0x90, 0x80, 0x80).build(),
            "SyncReply: wanted key is not valid UTF-8 at byte 0"),
        Arguments.of("empty node id",
            WireBytes.header(18).varint(1).string("k").fixedLong(1).varint(0).u8(1).build(),
            "SyncEntries: node id length 0 is below the minimum 1"),
        Arguments.of("negative timestamp",
            WireBytes.header(18).varint(1).string("k").fixedLong(-5).string("n").u8(1).build(),
            "SyncEntries: version timestamp -5 is negative"),
        Arguments.of("unknown entry flag",
            WireBytes.header(18).varint(1).string("k").fixedLong(1).string("n").u8(4).build(),
            "SyncEntries: entry flags 0x4 has bits set outside 0x3"),
        Arguments.of("signature length 0", signedEntry(0x03, 0, 64),
            "SyncEntries: entry signature length 0 is not Entry.SIGNATURE_BYTES 64"),
        Arguments.of("signature length 63", signedEntry(0x03, 63, 63),
            "SyncEntries: entry signature length 63 is not Entry.SIGNATURE_BYTES 64"),
        Arguments.of("signature length 65", signedEntry(0x03, 65, 65),
            "SyncEntries: entry signature length 65 is not Entry.SIGNATURE_BYTES 64"),
        Arguments.of("signature length 255", signedEntry(0x03, 255, 255),
            "SyncEntries: entry signature length 255 is not Entry.SIGNATURE_BYTES 64"),
        Arguments.of("signature length 65 on a live entry",
            WireBytes.header(21).varint(1).varint(1).string("k").fixedLong(1).string("n").u8(2)
                .varint(1).u8(0x2A).u8(65).zeros(65).build(),
            "Mail: entry signature length 65 is not Entry.SIGNATURE_BYTES 64"),
        Arguments.of("signature cut short", signedEntry(0x03, 64, 10),
            "SyncEntries: truncated input: entry signature needs 64 bytes, 10 remain"),
        Arguments.of("signed flag without a signature", signedEntry(0x03, -1, 0),
            "SyncEntries: truncated input: entry signature length needs 1 bytes, 0 remain"),
        Arguments.of("unknown rumor push flag", WireBytes.header(19).u8(4).varint(0).build(),
            "RumorPush: rumor push flags 0x4 has bits set outside 0x3"),
        Arguments.of("unknown rumor reply flag",
            WireBytes.header(20).u8(2).varint(0).varint(0).fixedLong(0).build(),
            "RumorReply: rumor reply flags 0x2 has bits set outside 0x1"),
        Arguments.of("unknown exchange",
            WireBytes.header(16).u8(3).fixedLong(0).varint(0).varint(0).build(),
            "SyncDigest: exchange 3 is not one of 0 (push), 1 (pull), 2 (push-pull)"),
        Arguments.of("negative digest size",
            WireBytes.header(16).u8(0).fixedLong(0).raw(0x80, 0x80, 0x80, 0x80, 0x08).varint(0)
                .build(),
            "SyncDigest: digest size 2147483648 exceeds 2147483647"),
        Arguments.of("65 acks", ackedReply(65),
            "RumorReply: acked count 65 exceeds RumorReply.MAX_ACKED 64"),
        Arguments.of("range exchange 3", WireBytes.header(23).u8(3).varint(0).varint(0).build(),
            "RangeSummaries: exchange 3 is not one of 0 (push), 1 (pull), 2 (push-pull)"),
        Arguments.of("unknown range flag", WireBytes.header(23).u8(0x0A).varint(0).varint(0)
                .build(),
            "RangeSummaries: range summaries flags 0xa has bits set outside 0x7"),
        Arguments.of("expansion below the deepest level",
            WireBytes.header(23).u8(2).varint(0).varint(1).u8(16).varint(0).u8(0).u8(0).build(),
            "RangeSummaries: expansion level 16 exceeds 15"),
        Arguments.of("expansion prefix wider than its level",
            WireBytes.header(23).u8(2).varint(0).varint(1).u8(1).varint(16).u8(0).u8(0).build(),
            "RangeSummaries: expansion prefix 10 has more than 4 bits"),
        Arguments.of("empty child in the mask",
            WireBytes.header(23).u8(2).varint(0).varint(1).u8(0).varint(0).u8(1).u8(0)
                .fixedLong(0).varint(0).build(),
            "RangeSummaries: expansion child 0 is empty but present in the mask"),
        Arguments.of("range positions out of order",
            WireBytes.header(24).u8(2).varint(0).fixedLong(5).fixedLong(4).fixedLong(9).varint(0)
                .build(),
            "RangeVersions: range positions must satisfy from <= to <= end"),
        Arguments.of("resume past the end",
            WireBytes.header(25).u8(2).varint(0).fixedLong(-1).fixedLong(7).varint(0).varint(0)
                .varint(0).build(),
            "RangeEntries: range resume is past its end"),
        Arguments.of("negative watermark",
            WireBytes.header(25).u8(2).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80)
                .build(),
            "RangeEntries: collected-up-to watermark 9223372036854775808 exceeds "
                + "9223372036854775807"));
  }

  /**
   * A SyncEntries of one tombstone with {@code flags}, then a signature length byte {@code
   * length} (none if negative) and {@code present} bytes of signature.
   */
  private static byte[] signedEntry(int flags, int length, int present) {
    WireBytes b = WireBytes.header(18).varint(1).string("k").fixedLong(1).string("n").u8(flags);
    if (length >= 0) {
      b.u8(length);
    }
    return b.zeros(present).build();
  }

  private static byte[] ackedReply(int acks) {
    WireBytes b = WireBytes.header(20).u8(0).varint(0).varint(acks);
    for (int i = 0; i < acks; i++) {
      b.string("k" + i).fixedLong(i).string("n");
    }
    return b.fixedLong(0).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedInputIsRefusedWithAMessageNamingTheField(
      String what, byte[] bytes, String expected) {
    CodecException e = assertThrows(CodecException.class, () -> decode(bytes));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void sixtyFourAcksAreAcceptedWhereSixtyFiveAreRefused() throws CodecException {
    RumorReply reply = (RumorReply) decode(ackedReply(64));
    assertEquals(64, reply.acked().size());
  }

  @Test
  void aBadArrayRangeIsACodecExceptionNotAnIndexError() {
    byte[] bytes = new byte[10];
    assertThrows(CodecException.class, () -> CODEC.decode(null, 0, 0));
    assertThrows(CodecException.class, () -> CODEC.decode(bytes, -1, 2));
    assertThrows(CodecException.class, () -> CODEC.decode(bytes, 0, -1));
    assertThrows(CodecException.class, () -> CODEC.decode(bytes, 5, 6));
    CodecException e =
        assertThrows(CodecException.class, () -> CODEC.decode(bytes, Integer.MAX_VALUE, 2));
    assertEquals("input range offset 2147483647 length 2 is outside the array of 10 bytes",
        e.getMessage());
  }

  @Test
  void aDecodedValueIsNotSharedWithTheInputArray() throws CodecException {
    byte[] bytes = CODEC.encode(new SyncEntries(List.of(Entry.of("k", new byte[] {1, 2}, 
        Version.of(1, N)))));
    SyncEntries decoded = (SyncEntries) decode(bytes);
    Arrays.fill(bytes, (byte) 0);
    assertArrayEquals(new byte[] {1, 2}, decoded.entries().get(0).value());
  }

  // ---------------------------------------------------------------- encode refusals

  @Test
  void aMessageLargerThanTheFirstScratchBufferEncodesWholeUpToMaxMessageBytes()
      throws CodecException {
    KryoCodec codec = KryoCodec.of(GossipConfig.lan().toBuilder()
        .maxMessageBytes(64 << 10).maxValueBytes(60_000).build());
    SyncEntries big = new SyncEntries(List.of(Entry.of("big", new byte[60_000], Version.of(1, N))));

    byte[] bytes = codec.encode(big);

    assertEquals(codec.encodedSize(big), bytes.length);
    assertEquals(big, codec.decode(bytes, 0, bytes.length));
  }

  @Test
  void aSmallMessageEncodedAfterALargeOneCarriesNothingOfIt() throws CodecException {
    KryoCodec codec = KryoCodec.of(GossipConfig.lan().toBuilder()
        .maxMessageBytes(64 << 10).maxValueBytes(60_000).build());
    byte[] filler = new byte[60_000];
    Arrays.fill(filler, (byte) 0x7E);
    SyncEntries small = new SyncEntries(List.of(Entry.of("k", new byte[] {1}, Version.of(1, N))));
    byte[] fresh = KryoCodec.of(GossipConfig.lan()).encode(small);

    codec.encode(new SyncEntries(List.of(Entry.of("big", filler, Version.of(1, N)))));
    byte[] after = codec.encode(small);

    assertArrayEquals(fresh, after);
  }

  @Test
  void encodeRefusesAMessageOverMaxMessageBytes() {
    KryoCodec small = KryoCodec.of(GossipConfig.lan().toBuilder()
        .maxPacketBytes(1024).maxMessageBytes(4096).maxValueBytes(4000).build());
    SyncEntries big = new SyncEntries(List.of(
        Entry.of("a", new byte[3000], Version.of(1, N)),
        Entry.of("b", new byte[3000], Version.of(1, N))));
    CodecException e = assertThrows(CodecException.class, () -> small.encode(big));
    assertEquals("SyncEntries encoded length " + small.encodedSize(big)
        + " exceeds maxMessageBytes 4096", e.getMessage());
    assertTrue(small.encodedSize(big) > 4096);
  }

  static Stream<Arguments> overLimitMessages() {
    GossipConfig tight = GossipConfig.lan().toBuilder()
        .maxKeyBytes(8).maxValueBytes(16).maxEntriesPerMessage(3).build();
    Version v = Version.of(1, N);
    Entry ok = Entry.of("k", new byte[1], v);
    return Stream.of(
        Arguments.of(tight, new SyncEntries(List.of(Entry.of("123456789", new byte[0], v))),
            "SyncEntries: entry key length 9 exceeds maxKeyBytes 8"),
        Arguments.of(tight, new SyncEntries(List.of(Entry.of("€€€", new byte[0], v))),
            "SyncEntries: entry key length 9 exceeds maxKeyBytes 8"),
        Arguments.of(tight, new Mail(1, List.of(Entry.of("k", new byte[17], v))),
            "Mail: entry value length 17 exceeds maxValueBytes 16"),
        Arguments.of(tight, new RumorPush(List.of(ok, ok, ok, ok), true, false),
            "RumorPush: entry count 4 exceeds maxEntriesPerMessage 3"),
        Arguments.of(tight, new SyncReply(List.of(), List.of("a", "b", "c", "d")),
            "SyncReply: wanted key count 4 exceeds maxEntriesPerMessage 3"),
        Arguments.of(tight, new SyncReply(List.of(), List.of("123456789")),
            "SyncReply: wanted key length 9 exceeds maxKeyBytes 8"),
        Arguments.of(tight, new SyncDigest(Exchange.PUSH, new Digest(0, 4,
                Collections.nCopies(4, new KeyVersion("k", v)))),
            "SyncDigest: digest version count 4 exceeds maxEntriesPerMessage 3"),
        Arguments.of(tight, new RumorReply(List.of(), Collections.nCopies(4,
                new KeyVersion("k", v)), 0, false),
            "RumorReply: acked count 4 exceeds maxEntriesPerMessage 3"),
        Arguments.of(CONFIG, new SyncEntries(List.of(Entry.of("a\uD800b", new byte[0], v))),
            "SyncEntries: entry key holds an unpaired surrogate at index 1, which UTF-8 cannot "
                + "carry"),
        Arguments.of(CONFIG, new SyncEntries(List.of(Entry.of("k", new byte[0],
                Version.of(1, NodeId.of("x\uDC00"))))),
            "SyncEntries: node id holds an unpaired surrogate at index 1, which UTF-8 cannot "
                + "carry"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("overLimitMessages")
  void encodeRefusesWhatAPeerWithTheSameLimitsWouldRefuse(
      GossipConfig config, GossipMessage message, String expected) {
    CodecException e =
        assertThrows(CodecException.class, () -> KryoCodec.of(config).encode(message));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void encodeRefusesAMessageTypeItDoesNotKnow() {
    GossipMessage custom = new GossipMessage() {};
    CodecException e = assertThrows(CodecException.class, () -> CODEC.encode(custom));
    assertTrue(e.getMessage().startsWith("unknown message type "), e.getMessage());
  }

  @Test
  void encodeRefusesNull() {
    CodecException e = assertThrows(CodecException.class, () -> CODEC.encode(null));
    assertEquals("message is null", e.getMessage());
  }

  // ---------------------------------------------------------------- threads and misc

  @Test
  void oneCodecIsSafeToShareBetweenThreads() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = 100 + t;
        results.add(pool.submit(() -> {
          RandomMessages random = new RandomMessages(seed);
          int checked = 0;
          for (int i = 0; i < 1_500; i++) {
            GossipMessage m = random.message();
            byte[] bytes = CODEC.encode(m);
            assertEquals(m, CODEC.decode(bytes, 0, bytes.length));
            assertThrows(CodecException.class, () -> CODEC.decode(bytes, 0, bytes.length - 1));
            checked++;
          }
          return checked;
        }));
      }
      for (Future<Integer> result : results) {
        assertEquals(1_500, result.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void maxMessageBytesIsTheConfiguredLimit() {
    assertEquals(CONFIG.maxMessageBytes(), CODEC.maxMessageBytes());
    assertEquals(4096, KryoCodec.of(GossipConfig.lan().toBuilder().maxPacketBytes(1024)
        .maxMessageBytes(4096).maxValueBytes(4000).build()).maxMessageBytes());
  }

  // ---------------------------------------------------------------- helpers

  private static GossipMessage decode(byte[] bytes) throws CodecException {
    return CODEC.decode(bytes, 0, bytes.length);
  }

  private static com.sun.management.ThreadMXBean allocationCounter() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counting unsupported");
    threads.setThreadAllocatedMemoryEnabled(true);
    return threads;
  }

  @Test
  void entriesOfOneOriginShareOneDecodedNodeIdAndOtherOriginsStayDistinct() throws Exception {
    KryoCodec c = CODEC;
    NodeId a = NodeId.of("origin-a");
    NodeId b = NodeId.of("origin-\u00e9"); // not ASCII: the writer's general path
    List<Entry> sent = List.of(
        Entry.of("k1", new byte[] {1}, Version.of(10, a)),
        Entry.of("k2", new byte[] {2}, Version.of(11, a)),
        Entry.of("k\u00e9", new byte[] {3}, Version.of(12, b)),
        Entry.of("k4", new byte[] {4}, Version.of(13, a)));

    byte[] bytes = c.encode(new SyncEntries(sent));
    SyncEntries got = (SyncEntries) c.decode(bytes, 0, bytes.length);

    assertEquals(sent, got.entries());
    NodeId first = got.entries().get(0).version().origin();
    assertTrue(first == got.entries().get(1).version().origin(), "one instance per run of ids");
    assertEquals(b, got.entries().get(2).version().origin());
    assertEquals(a, got.entries().get(3).version().origin());
  }
}
