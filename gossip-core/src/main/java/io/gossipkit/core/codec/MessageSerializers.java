package io.gossipkit.core.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.gossipkit.api.Digest;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.KeyVersion;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written Kryo serializers for the built-in messages, the bodies that follow the
 * two-byte header written by {@link KryoCodec}.
 *
 * <p>Each writes exactly what {@link WireFormat#messageSize} counts. Record invariants the wire
 * could violate (an acked list longer than {@link RumorReply#MAX_ACKED}, an unknown exchange) are
 * checked before the record is built, so they fail as a named {@link WireException} rather than
 * an {@link IllegalArgumentException} from a constructor.
 */
final class MessageSerializers {
  private MessageSerializers() {}

  /** Writes a count-prefixed list of keys, each within maxKeyBytes. */
  static void writeKeys(Output out, List<String> keys, String name, WireLimits limits) {
    int n = keys.size();
    WireWriter.checkCount(n, name, limits.maxEntries(), "maxEntriesPerMessage");
    out.writeVarInt(n, true);
    for (int i = 0; i < n; i++) {
      WireWriter.writeUtf8(out, keys.get(i), name, limits.maxKeyBytes(), "maxKeyBytes");
    }
  }

  /** Reads a count-prefixed list of keys, checking the count and every length first. */
  static List<String> readKeys(Input in, String name, WireLimits limits, WireReader reader) {
    int n =
        WireReader.readCount(
            in, name, limits.maxEntries(), "maxEntriesPerMessage", WireFormat.MIN_KEY_BYTES);
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(reader.readUtf8(in, name, 0, limits.maxKeyBytes(), "maxKeyBytes"));
    }
    return keys;
  }

  /** {@code SyncDigest}: exchange byte (0 push, 1 pull, 2 push-pull), then the digest. */
  static final class SyncDigestSerializer extends Serializer<SyncDigest> {
    private final ValueSerializers.DigestSerializer digests;

    SyncDigestSerializer(ValueSerializers.DigestSerializer digests) {
      super(false, true);
      this.digests = digests;
    }

    @Override
    public void write(Kryo kryo, Output out, SyncDigest m) {
      out.writeByte(exchangeCode(m.exchange()));
      kryo.writeObject(out, m.digest(), digests);
    }

    @Override
    public SyncDigest read(Kryo kryo, Input in, Class<? extends SyncDigest> type) {
      Exchange exchange = exchange(WireReader.readUnsignedByte(in, "exchange"));
      return new SyncDigest(exchange, kryo.readObject(in, Digest.class, digests));
    }

    // Explicit codes rather than ordinal(): reordering the enum must not change the wire.
    static int exchangeCode(Exchange e) {
      switch (e) {
        case PUSH:
          return 0;
        case PULL:
          return 1;
        case PUSH_PULL:
          return 2;
        default:
          throw new WireException("exchange " + e + " has no wire code");
      }
    }

    static Exchange exchange(int code) {
      switch (code) {
        case 0:
          return Exchange.PUSH;
        case 1:
          return Exchange.PULL;
        case 2:
          return Exchange.PUSH_PULL;
        default:
          throw new WireException("exchange " + code + " is not one of 0 (push), 1 (pull), "
              + "2 (push-pull)");
      }
    }
  }

  /** {@code SyncReply}: count-prefixed entries, then count-prefixed wanted keys. */
  static final class SyncReplySerializer extends Serializer<SyncReply> {
    private final WireLimits limits;
    private final WireReader reader;
    private final ValueSerializers.EntrySerializer entries;

    SyncReplySerializer(
        WireLimits limits, WireReader reader, ValueSerializers.EntrySerializer entries) {
      super(false, true);
      this.limits = limits;
      this.reader = reader;
      this.entries = entries;
    }

    @Override
    public void write(Kryo kryo, Output out, SyncReply m) {
      entries.writeList(kryo, out, m.entries());
      writeKeys(out, m.wanted(), "wanted key", limits);
    }

    @Override
    public SyncReply read(Kryo kryo, Input in, Class<? extends SyncReply> type) {
      List<Entry> list = entries.readList(kryo, in);
      return new SyncReply(list, readKeys(in, "wanted key", limits, reader));
    }
  }

  /** {@code SyncEntries}: count-prefixed entries. */
  static final class SyncEntriesSerializer extends Serializer<SyncEntries> {
    private final ValueSerializers.EntrySerializer entries;

    SyncEntriesSerializer(ValueSerializers.EntrySerializer entries) {
      super(false, true);
      this.entries = entries;
    }

    @Override
    public void write(Kryo kryo, Output out, SyncEntries m) {
      entries.writeList(kryo, out, m.entries());
    }

    @Override
    public SyncEntries read(Kryo kryo, Input in, Class<? extends SyncEntries> type) {
      return new SyncEntries(entries.readList(kryo, in));
    }
  }

  /** {@code RumorPush}: flags (bit 0 wantFeedback, bit 1 pull), then count-prefixed entries. */
  static final class RumorPushSerializer extends Serializer<RumorPush> {
    private final ValueSerializers.EntrySerializer entries;

    RumorPushSerializer(ValueSerializers.EntrySerializer entries) {
      super(false, true);
      this.entries = entries;
    }

    @Override
    public void write(Kryo kryo, Output out, RumorPush m) {
      out.writeByte(
          (m.wantFeedback() ? WireFormat.RUMOR_WANT_FEEDBACK : 0)
              | (m.pull() ? WireFormat.RUMOR_PULL : 0));
      entries.writeList(kryo, out, m.entries());
    }

    @Override
    public RumorPush read(Kryo kryo, Input in, Class<? extends RumorPush> type) {
      int flags =
          WireReader.readFlags(
              in, "rumor push flags", WireFormat.RUMOR_WANT_FEEDBACK | WireFormat.RUMOR_PULL);
      return new RumorPush(
          entries.readList(kryo, in),
          (flags & WireFormat.RUMOR_WANT_FEEDBACK) != 0,
          (flags & WireFormat.RUMOR_PULL) != 0);
    }
  }

  /**
   * {@code RumorReply}: flags (bit 0 wantFeedback), count-prefixed entries, count-prefixed acked
   * key versions (at most {@link RumorReply#MAX_ACKED}), then the 8-byte new-mask.
   */
  static final class RumorReplySerializer extends Serializer<RumorReply> {
    private final WireLimits limits;
    private final ValueSerializers.EntrySerializer entries;
    private final ValueSerializers.KeyVersionSerializer keyVersions;

    RumorReplySerializer(
        WireLimits limits,
        ValueSerializers.EntrySerializer entries,
        ValueSerializers.KeyVersionSerializer keyVersions) {
      super(false, true);
      this.limits = limits;
      this.entries = entries;
      this.keyVersions = keyVersions;
    }

    @Override
    public void write(Kryo kryo, Output out, RumorReply m) {
      out.writeByte(m.wantFeedback() ? WireFormat.RUMOR_WANT_FEEDBACK : 0);
      entries.writeList(kryo, out, m.entries());
      keyVersions.writeList(kryo, out, m.acked(), "acked");
      out.writeLong(m.newMask());
    }

    @Override
    public RumorReply read(Kryo kryo, Input in, Class<? extends RumorReply> type) {
      int flags = WireReader.readFlags(in, "rumor reply flags", WireFormat.RUMOR_WANT_FEEDBACK);
      List<Entry> list = entries.readList(kryo, in);
      // The record's own invariant is the tighter bound unless the configuration is tighter.
      boolean recordBound = RumorReply.MAX_ACKED <= limits.maxEntries();
      List<KeyVersion> acked =
          keyVersions.readList(
              kryo,
              in,
              "acked",
              recordBound ? RumorReply.MAX_ACKED : limits.maxEntries(),
              recordBound ? "RumorReply.MAX_ACKED" : "maxEntriesPerMessage");
      long newMask = WireReader.readFixedLong(in, "rumor reply new mask");
      return new RumorReply(list, acked, newMask, (flags & WireFormat.RUMOR_WANT_FEEDBACK) != 0);
    }
  }

  /** {@code Mail}: varlong sequence, then count-prefixed entries. */
  static final class MailSerializer extends Serializer<Mail> {
    private final ValueSerializers.EntrySerializer entries;

    MailSerializer(ValueSerializers.EntrySerializer entries) {
      super(false, true);
      this.entries = entries;
    }

    @Override
    public void write(Kryo kryo, Output out, Mail m) {
      out.writeVarLong(m.sequence(), true);
      entries.writeList(kryo, out, m.entries());
    }

    @Override
    public Mail read(Kryo kryo, Input in, Class<? extends Mail> type) {
      long sequence = WireReader.readVarLong(in, "mail sequence");
      return new Mail(sequence, entries.readList(kryo, in));
    }
  }

  /** {@code MailAck}: varlong sequence. */
  static final class MailAckSerializer extends Serializer<MailAck> {
    MailAckSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, MailAck m) {
      out.writeVarLong(m.sequence(), true);
    }

    @Override
    public MailAck read(Kryo kryo, Input in, Class<? extends MailAck> type) {
      return new MailAck(WireReader.readVarLong(in, "mail ack sequence"));
    }
  }

  /** {@code RumorOffer}: flags (bit 0 wantFeedback), then at most 64 count-prefixed key versions. */
  static final class RumorOfferSerializer extends Serializer<RumorOffer> {
    private final ValueSerializers.KeyVersionSerializer keyVersions;

    RumorOfferSerializer(ValueSerializers.KeyVersionSerializer keyVersions) {
      super(false, true);
      this.keyVersions = keyVersions;
    }

    @Override
    public void write(Kryo kryo, Output out, RumorOffer m) {
      out.writeByte(m.wantFeedback() ? WireFormat.RUMOR_WANT_FEEDBACK : 0);
      keyVersions.writeList(kryo, out, m.offered(), "offered");
    }

    @Override
    public RumorOffer read(Kryo kryo, Input in, Class<? extends RumorOffer> type) {
      int flags = WireReader.readFlags(in, "rumor offer flags", WireFormat.RUMOR_WANT_FEEDBACK);
      List<KeyVersion> offered =
          keyVersions.readList(
              kryo, in, "offered", RumorOffer.MAX_OFFERED, "RumorOffer.MAX_OFFERED");
      return new RumorOffer(offered, (flags & WireFormat.RUMOR_WANT_FEEDBACK) != 0);
    }
  }

  /** {@code RumorRequest}: at most 64 count-prefixed key versions. */
  static final class RumorRequestSerializer extends Serializer<RumorRequest> {
    private final ValueSerializers.KeyVersionSerializer keyVersions;

    RumorRequestSerializer(ValueSerializers.KeyVersionSerializer keyVersions) {
      super(false, true);
      this.keyVersions = keyVersions;
    }

    @Override
    public void write(Kryo kryo, Output out, RumorRequest m) {
      keyVersions.writeList(kryo, out, m.wanted(), "wanted");
    }

    @Override
    public RumorRequest read(Kryo kryo, Input in, Class<? extends RumorRequest> type) {
      return new RumorRequest(
          keyVersions.readList(
              kryo, in, "wanted", RumorRequest.MAX_WANTED, "RumorRequest.MAX_WANTED"));
    }
  }
  /** Flags byte of a range message: the exchange code, the sender's role and {@code extra}. */
  private static int rangeFlags(Exchange exchange, boolean fromInitiator, int extra) {
    return SyncDigestSerializer.exchangeCode(exchange) | (fromInitiator ? WireFormat.RANGE_FROM_INITIATOR : 0) | extra;
  }

  /** Reads the tombstone watermark: a varlong that must not be negative. */
  private static long readWatermark(Input in) {
    long v = WireReader.readVarLong(in, "collected-up-to watermark");
    if (v < 0) {
      throw new WireException("collected-up-to watermark " + Long.toUnsignedString(v)
          + " exceeds " + Long.MAX_VALUE);
    }
    return v;
  }

  /**
   * {@code RangeSummaries}: flags (bits 0-1 exchange, bit 2 from initiator), watermark varlong,
   * count-prefixed expansions, each: level u8 (0..15), prefix varlong (at most 4 * level bits),
   * child mask u16 little-endian, then per set bit the child's hash i64 and count varint. A child
   * is left out exactly when its hash and count are both 0.
   */
  static final class RangeSummariesSerializer extends Serializer<RangeSummaries> {
    private final WireLimits limits;

    RangeSummariesSerializer(WireLimits limits) {
      super(false, true);
      this.limits = limits;
    }

    @Override
    public void write(Kryo kryo, Output out, RangeSummaries m) {
      out.writeByte(rangeFlags(m.exchange(), m.fromInitiator(), 0));
      out.writeVarLong(m.collectedUpTo(), true);
      List<RangeExpansion> xs = m.expansions();
      int n = xs.size();
      WireWriter.checkCount(n, "expansion", limits.maxEntries(), "maxEntriesPerMessage");
      out.writeVarInt(n, true);
      for (int k = 0; k < n; k++) {
        RangeExpansion e = xs.get(k);
        out.writeByte(e.level());
        out.writeVarLong(e.prefix(), true);
        int mask = 0;
        for (int i = 0; i < RangeExpansion.FAN_OUT; i++) {
          if (WireFormat.childPresent(e, i)) {
            mask |= 1 << i;
          }
        }
        out.writeByte(mask & 0xFF);
        out.writeByte(mask >>> 8);
        for (int i = 0; i < RangeExpansion.FAN_OUT; i++) {
          if ((mask & (1 << i)) != 0) {
            out.writeLong(e.childHash(i));
            out.writeVarInt(e.childCount(i), true);
          }
        }
      }
    }

    @Override
    public RangeSummaries read(Kryo kryo, Input in, Class<? extends RangeSummaries> type) {
      int flags =
          WireReader.readFlags(
              in, "range summaries flags",
              WireFormat.RANGE_EXCHANGE | WireFormat.RANGE_FROM_INITIATOR);
      Exchange exchange = SyncDigestSerializer.exchange(flags & WireFormat.RANGE_EXCHANGE);
      long watermark = readWatermark(in);
      int n =
          WireReader.readCount(
              in, "expansion", limits.maxEntries(), "maxEntriesPerMessage",
              WireFormat.MIN_EXPANSION_BYTES);
      List<RangeExpansion> xs = new ArrayList<>(n);
      long[] hashes = new long[RangeExpansion.FAN_OUT];
      int[] counts = new int[RangeExpansion.FAN_OUT];
      for (int k = 0; k < n; k++) {
        int level = WireReader.readUnsignedByte(in, "expansion level");
        if (level > RangeExpansion.MAX_LEVEL) {
          throw new WireException("expansion level " + level + " exceeds "
              + RangeExpansion.MAX_LEVEL);
        }
        long prefix = WireReader.readVarLong(in, "expansion prefix");
        if (level == 0 ? prefix != 0 : (prefix >>> (4 * level)) != 0) {
          throw new WireException("expansion prefix " + Long.toHexString(prefix) + " has more than "
              + 4 * level + " bits");
        }
        int mask = WireReader.readUnsignedByte(in, "expansion mask")
            | WireReader.readUnsignedByte(in, "expansion mask") << 8;
        for (int i = 0; i < RangeExpansion.FAN_OUT; i++) {
          if ((mask & (1 << i)) == 0) {
            hashes[i] = 0;
            counts[i] = 0;
            continue;
          }
          hashes[i] = WireReader.readFixedLong(in, "expansion child hash");
          counts[i] = WireReader.readVarInt(in, "expansion child count", "");
          if (counts[i] < 0) {
            throw new WireException("expansion child count " + Integer.toUnsignedString(counts[i])
                + " exceeds " + Integer.MAX_VALUE);
          }
          if (hashes[i] == 0 && counts[i] == 0) {
            // Such a child is left out of the mask; accepting it would give two encodings.
            throw new WireException("expansion child " + i + " is empty but present in the mask");
          }
        }
        xs.add(new RangeExpansion(level, prefix, hashes, counts));
      }
      return new RangeSummaries(exchange, (flags & WireFormat.RANGE_FROM_INITIATOR) != 0,
          watermark, xs);
    }
  }

  /**
   * {@code RangeVersions}: flags (bits 0-1 exchange, bit 2 from initiator), watermark varlong,
   * from i64, to i64, end i64 (unsigned hash positions, from &lt;= to &lt;= end), key versions.
   */
  static final class RangeVersionsSerializer extends Serializer<RangeVersions> {
    private final WireLimits limits;
    private final ValueSerializers.KeyVersionSerializer keyVersions;

    RangeVersionsSerializer(WireLimits limits, ValueSerializers.KeyVersionSerializer keyVersions) {
      super(false, true);
      this.limits = limits;
      this.keyVersions = keyVersions;
    }

    @Override
    public void write(Kryo kryo, Output out, RangeVersions m) {
      out.writeByte(rangeFlags(m.exchange(), m.fromInitiator(), 0));
      out.writeVarLong(m.collectedUpTo(), true);
      out.writeLong(m.from());
      out.writeLong(m.to());
      out.writeLong(m.end());
      keyVersions.writeList(kryo, out, m.versions(), "range version");
    }

    @Override
    public RangeVersions read(Kryo kryo, Input in, Class<? extends RangeVersions> type) {
      int flags =
          WireReader.readFlags(
              in, "range versions flags",
              WireFormat.RANGE_EXCHANGE | WireFormat.RANGE_FROM_INITIATOR);
      Exchange exchange = SyncDigestSerializer.exchange(flags & WireFormat.RANGE_EXCHANGE);
      long watermark = readWatermark(in);
      long from = WireReader.readFixedLong(in, "range from");
      long to = WireReader.readFixedLong(in, "range to");
      long end = WireReader.readFixedLong(in, "range end");
      if (Long.compareUnsigned(from, to) > 0 || Long.compareUnsigned(to, end) > 0) {
        throw new WireException("range positions must satisfy from <= to <= end");
      }
      List<KeyVersion> versions =
          keyVersions.readList(kryo, in, "range version", limits.maxEntries(),
              "maxEntriesPerMessage");
      return new RangeVersions(exchange, (flags & WireFormat.RANGE_FROM_INITIATOR) != 0,
          watermark, from, to, end, versions);
    }
  }

  /**
   * {@code RangeEntries}: flags (bits 0-1 exchange, bit 2 from initiator, bit 3 done), watermark
   * varlong, resume i64, end i64, entries, missing keys, wanted keys.
   */
  static final class RangeEntriesSerializer extends Serializer<RangeEntries> {
    private final WireLimits limits;
    private final WireReader reader;
    private final ValueSerializers.EntrySerializer entries;

    RangeEntriesSerializer(
        WireLimits limits, WireReader reader, ValueSerializers.EntrySerializer entries) {
      super(false, true);
      this.limits = limits;
      this.reader = reader;
      this.entries = entries;
    }

    @Override
    public void write(Kryo kryo, Output out, RangeEntries m) {
      out.writeByte(rangeFlags(m.exchange(), m.fromInitiator(),
          m.done() ? WireFormat.RANGE_DONE : 0));
      out.writeVarLong(m.collectedUpTo(), true);
      out.writeLong(m.resume());
      out.writeLong(m.end());
      entries.writeList(kryo, out, m.entries());
      writeKeys(out, m.missing(), "missing key", limits);
      writeKeys(out, m.wanted(), "wanted key", limits);
    }

    @Override
    public RangeEntries read(Kryo kryo, Input in, Class<? extends RangeEntries> type) {
      int flags =
          WireReader.readFlags(
              in, "range entries flags",
              WireFormat.RANGE_EXCHANGE | WireFormat.RANGE_FROM_INITIATOR | WireFormat.RANGE_DONE);
      Exchange exchange = SyncDigestSerializer.exchange(flags & WireFormat.RANGE_EXCHANGE);
      long watermark = readWatermark(in);
      long resume = WireReader.readFixedLong(in, "range resume");
      long end = WireReader.readFixedLong(in, "range end");
      boolean done = (flags & WireFormat.RANGE_DONE) != 0;
      if (!done && Long.compareUnsigned(resume, end) > 0) {
        throw new WireException("range resume is past its end");
      }
      List<Entry> list = entries.readList(kryo, in);
      List<String> missing = readKeys(in, "missing key", limits, reader);
      List<String> wanted = readKeys(in, "wanted key", limits, reader);
      return new RangeEntries(exchange, (flags & WireFormat.RANGE_FROM_INITIATOR) != 0,
          watermark, resume, end, done, list, missing, wanted);
    }
  }
}
