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
 * Hand-written Kryo serializers for the seven built-in messages, the bodies that follow the
 * two-byte header written by {@link KryoCodec}.
 *
 * <p>Each writes exactly what {@link WireFormat#messageSize} counts. Record invariants the wire
 * could violate (an acked list longer than {@link RumorReply#MAX_ACKED}, an unknown exchange) are
 * checked before the record is built, so they fail as a named {@link WireException} rather than
 * an {@link IllegalArgumentException} from a constructor.
 */
final class MessageSerializers {
  private MessageSerializers() {}

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
    private static int exchangeCode(Exchange e) {
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

    private static Exchange exchange(int code) {
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
      List<String> wanted = m.wanted();
      int n = wanted.size();
      WireWriter.checkCount(n, "wanted key", limits.maxEntries(), "maxEntriesPerMessage");
      out.writeVarInt(n, true);
      for (int i = 0; i < n; i++) {
        WireWriter.writeUtf8(out, wanted.get(i), "wanted key", limits.maxKeyBytes(), "maxKeyBytes");
      }
    }

    @Override
    public SyncReply read(Kryo kryo, Input in, Class<? extends SyncReply> type) {
      List<Entry> list = entries.readList(kryo, in);
      int n =
          WireReader.readCount(
              in, "wanted key", limits.maxEntries(), "maxEntriesPerMessage",
              WireFormat.MIN_KEY_BYTES);
      List<String> wanted = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        wanted.add(reader.readUtf8(in, "wanted key", 0, limits.maxKeyBytes(), "maxKeyBytes"));
      }
      return new SyncReply(list, wanted);
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
}
