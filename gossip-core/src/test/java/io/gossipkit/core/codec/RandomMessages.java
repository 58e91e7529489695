package io.gossipkit.core.codec;

import io.gossipkit.api.Digest;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.MailAck;
import io.gossipkit.api.message.RangeEntries;
import io.gossipkit.api.message.RangeExpansion;
import io.gossipkit.api.message.RangeSummaries;
import io.gossipkit.api.message.RangeVersions;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorOffer;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.RumorRequest;
import io.gossipkit.api.message.SyncDigest;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of valid messages for the codec tests: every message type, keys and node ids
 * mixing 1- to 4-byte UTF-8 characters, tombstones, and lengths and numbers chosen around varint
 * boundaries, all within the default {@code GossipConfig.lan()} limits. About one entry in three
 * carries a random signature (bytes, not a valid one: the codec does not verify).
 */
final class RandomMessages {
  /** Number of message types {@link #message(int)} knows. */
  static final int TYPES = 12;

  // One sample per UTF-8 width, including a supplementary character (a surrogate pair in Java).
  private static final String[] CHARS = {"a", "Z", "7", "-", "é", "ß", "€", "中", "😀", "𝄞"};
  private static final int[] LENGTH_EDGES = {0, 1, 127, 128, 255, 256, 16_383, 16_384};
  private static final long[] LONG_EDGES = {
    0, 1, 127, 128, (1L << 14) - 1, 1L << 14, (1L << 56) - 1, 1L << 56, Long.MAX_VALUE, -1,
    Long.MIN_VALUE
  };

  private final Random random;
  // Signatures draw from their own generator, so that adding them left every other field of every
  // seeded message exactly as it was.
  private final Random signatures;

  RandomMessages(long seed) {
    this.random = new Random(seed);
    this.signatures = new Random(~seed);
  }

  /** A random message of type {@code type} in {@code [0, TYPES)}. */
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
      case 4: {
        // Often few acks, sometimes up to the maximum of 64.
        int acks = random.nextInt(RumorReply.MAX_ACKED + 1) / (1 + random.nextInt(4));
        List<KeyVersion> acked = keyVersions(acks);
        return new RumorReply(entries(), acked, random.nextLong(), random.nextBoolean());
      }
      case 5:
        return new Mail(number(), entries());
      case 6:
        return new MailAck(number());
      case 7:
        return new RumorOffer(
            keyVersions(random.nextInt(RumorOffer.MAX_OFFERED + 1) / (1 + random.nextInt(4))),
            random.nextBoolean());
      case 8:
        return new RumorRequest(
            keyVersions(random.nextInt(RumorRequest.MAX_WANTED + 1) / (1 + random.nextInt(4))));
      case 9:
        return new RangeSummaries(exchange(), random.nextBoolean(), watermark(), expansions());
      case 10: {
        long[] p = positions(3);
        return new RangeVersions(exchange(), random.nextBoolean(), watermark(), p[0], p[1], p[2],
            keyVersions(random.nextInt(3) == 0 ? 0 : random.nextInt(30)));
      }
      case 11: {
        long[] p = positions(2);
        boolean done = random.nextBoolean();
        return new RangeEntries(exchange(), random.nextBoolean(), watermark(),
            done ? random.nextLong() : p[0], p[1], done, entries(), keys(), keys());
      }
      default:
        throw new IllegalArgumentException("type " + type);
    }
  }

  private Exchange exchange() {
    return Exchange.values()[random.nextInt(3)];
  }

  private long watermark() {
    return number() & Long.MAX_VALUE;
  }

  /** {@code n} hash positions in unsigned order, often at the edges. */
  private long[] positions(int n) {
    long[] p = new long[n];
    for (int i = 0; i < n; i++) {
      p[i] = random.nextInt(3) == 0 ? LONG_EDGES[random.nextInt(LONG_EDGES.length)]
          : random.nextLong();
    }
    Long[] boxed = new Long[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = p[i];
    }
    java.util.Arrays.sort(boxed, Long::compareUnsigned);
    for (int i = 0; i < n; i++) {
      p[i] = boxed[i];
    }
    return p;
  }

  /** Expansions at random levels, children often empty, sometimes with extreme counts. */
  List<RangeExpansion> expansions() {
    int n = random.nextInt(4) == 0 ? 0 : random.nextInt(6);
    List<RangeExpansion> list = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      int level = random.nextInt(RangeExpansion.MAX_LEVEL + 1);
      long prefix = level == 0 ? 0 : random.nextLong() >>> (64 - 4 * level);
      long[] hashes = new long[RangeExpansion.FAN_OUT];
      int[] counts = new int[RangeExpansion.FAN_OUT];
      for (int i = 0; i < RangeExpansion.FAN_OUT; i++) {
        if (random.nextBoolean()) {
          hashes[i] = random.nextLong();
          counts[i] = random.nextInt(8) == 0 ? Integer.MAX_VALUE : random.nextInt(1000);
        }
      }
      list.add(new RangeExpansion(level, prefix, hashes, counts));
    }
    return list;
  }

  /** A random message of a random type. */
  GossipMessage message() {
    return message(random.nextInt(TYPES));
  }

  /** A long that is often a varint boundary. */
  long number() {
    return random.nextInt(3) == 0
        ? LONG_EDGES[random.nextInt(LONG_EDGES.length)]
        : random.nextLong() >>> random.nextInt(64);
  }

  /** A string of at most {@code maxBytes} UTF-8 bytes and at least {@code minChars} characters. */
  String text(int minChars, int maxChars, int maxBytes) {
    int chars = minChars + random.nextInt(maxChars - minChars + 1);
    StringBuilder sb = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < chars; i++) {
      // Mostly ASCII, as real keys are, with every wider width represented.
      String c = random.nextInt(4) == 0 ? CHARS[4 + random.nextInt(CHARS.length - 4)]
          : CHARS[random.nextInt(4)];
      int width = c.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + width > maxBytes) {
        break;
      }
      sb.append(c);
      bytes += width;
    }
    return sb.toString();
  }

  String key() {
    return text(0, 24, 1024);
  }

  NodeId nodeId() {
    String id = text(1, random.nextInt(20) == 0 ? 200 : 12, NodeId.MAX_UTF8_BYTES);
    return NodeId.of(id.isEmpty() ? "n" : id);
  }

  Version version() {
    long timestamp =
        random.nextInt(4) == 0 ? LONG_EDGES[random.nextInt(9)] : random.nextLong() >>> 1;
    return Version.of(timestamp, nodeId());
  }

  Entry entry() {
    Entry e = unsignedEntry();
    if (signatures.nextInt(3) != 0) {
      return e;
    }
    byte[] signature = new byte[Entry.SIGNATURE_BYTES];
    signatures.nextBytes(signature);
    return e.withSignature(signature);
  }

  private Entry unsignedEntry() {
    if (random.nextInt(5) == 0) {
      return Entry.tombstone(key(), version());
    }
    int length = random.nextInt(10) == 0
        ? LENGTH_EDGES[random.nextInt(LENGTH_EDGES.length)]
        : random.nextInt(40);
    byte[] value = new byte[length];
    random.nextBytes(value);
    return Entry.of(key(), value, version());
  }

  List<Entry> entries() {
    int n = random.nextInt(4) == 0 ? 0 : random.nextInt(12);
    List<Entry> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(entry());
    }
    return list;
  }

  List<String> keys() {
    int n = random.nextInt(10);
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(key());
    }
    return list;
  }

  List<KeyVersion> keyVersions(int n) {
    List<KeyVersion> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(new KeyVersion(key(), version()));
    }
    return list;
  }

  Digest digest() {
    List<KeyVersion> versions = keyVersions(random.nextInt(3) == 0 ? 0 : random.nextInt(30));
    int size = random.nextBoolean() ? versions.size() : random.nextInt(Integer.MAX_VALUE);
    return new Digest(random.nextLong(), size, versions);
  }
}
