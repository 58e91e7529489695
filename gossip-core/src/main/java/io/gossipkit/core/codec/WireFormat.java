package io.gossipkit.core.codec;

import io.gossipkit.api.Digest;
import io.gossipkit.api.Entry;
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
import io.gossipkit.api.message.MembershipMessage;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorOffer;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.RumorRequest;
import io.gossipkit.api.message.SyncDigest;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import java.util.List;

/**
 * The constants of the wire format and the arithmetic that sizes a message without encoding it.
 *
 * <p>The size methods mirror the serializers byte for byte; {@code KryoCodecTest} checks them
 * against real encodings. They allocate nothing and use indexed loops (no iterators) because the
 * simulator calls them for every simulated message, often before the JIT has compiled them.
 * Sizes are {@code long} so that an absurd in-memory message cannot overflow the sum.
 */
final class WireFormat {
  /** First byte of every message; bumped on any incompatible change. */
  static final int FORMAT_VERSION = 1;

  /** Format version byte plus type id byte. */
  static final int HEADER_BYTES = 2;

  // Kryo registration ids. Message ids are also the type byte on the wire, so they are fixed
  // forever; value-type ids never reach the wire but are fixed too, so every Kryo in the pool and
  // every release agrees. 0..8 are Kryo's own default registrations.
  static final int ID_NODE_ID = 10;
  static final int ID_VERSION = 11;
  static final int ID_KEY_VERSION = 12;
  static final int ID_ENTRY = 13;
  static final int ID_DIGEST = 14;
  static final int ID_SYNC_DIGEST = 16;
  static final int ID_SYNC_REPLY = 17;
  static final int ID_SYNC_ENTRIES = 18;
  static final int ID_RUMOR_PUSH = 19;
  static final int ID_RUMOR_REPLY = 20;
  static final int ID_MAIL = 21;
  static final int ID_MAIL_ACK = 22;
  // Range sync (docs/anti-entropy.md); 26..29 are reserved for it.
  static final int ID_RANGE_SUMMARIES = 23;
  static final int ID_RANGE_VERSIONS = 24;
  static final int ID_RANGE_ENTRIES = 25;
  // 30-41 are reserved for membership and packet framing messages.
  static final int ID_RUMOR_OFFER = 42;
  static final int ID_RUMOR_REQUEST = 43;
  static final int FIRST_MESSAGE_ID = ID_SYNC_DIGEST;
  // 16..25 are contiguous: the first messages and range sync.
  static final int LAST_MESSAGE_ID = ID_RANGE_ENTRIES;

  /** Entry flags bit: the entry is a tombstone and carries no value field. */
  static final int ENTRY_TOMBSTONE = 0x01;
  /**
   * Entry flags bit: the entry carries its origin's signature, a length byte (always {@link
   * Entry#SIGNATURE_BYTES}) and that many bytes after the value. Unsigned entries leave it clear
   * and encode exactly as before signatures existed.
   */
  static final int ENTRY_SIGNED = 0x02;
  /** Every entry flags bit defined; any other is refused. */
  static final int ENTRY_FLAGS = ENTRY_TOMBSTONE | ENTRY_SIGNED;
  /** RumorPush and RumorReply flags bit: wantFeedback. */
  static final int RUMOR_WANT_FEEDBACK = 0x01;
  /** RumorPush flags bit: pull. */
  static final int RUMOR_PULL = 0x02;

  /** Range message flags: bits 0-1 the exchange code (0 push, 1 pull, 2 push-pull). */
  static final int RANGE_EXCHANGE = 0x03;
  /** Range message flags bit: the sender initiated the exchange. */
  static final int RANGE_FROM_INITIATOR = 0x04;
  /** RangeEntries flags bit: the range is repaired to its end. */
  static final int RANGE_DONE = 0x08;
  /** Fewest bytes of one expansion: level, a one-byte prefix and the two-byte child mask. */
  static final int MIN_EXPANSION_BYTES = 4;

  /** Bytes of a fixed-width long (little-endian, as Kryo writes it). */
  static final int LONG_BYTES = 8;

  /**
   * Fewest bytes one element can take, used to refuse a count the remaining input cannot hold:
   * an entry is an empty key (1), a timestamp (8), a one-byte origin (2) and flags (1); a key
   * version is the same without flags; a wanted key is at least its length byte.
   */
  static final int MIN_ENTRY_BYTES = 12;

  static final int MIN_KEY_VERSION_BYTES = 11;
  static final int MIN_KEY_BYTES = 1;

  private WireFormat() {}

  /** Bytes of {@code value} as Kryo's positive-optimized varint: 1 to 5. */
  static int varIntSize(int value) {
    if ((value >>> 7) == 0) {
      return 1;
    }
    if ((value >>> 14) == 0) {
      return 2;
    }
    if ((value >>> 21) == 0) {
      return 3;
    }
    return (value >>> 28) == 0 ? 4 : 5;
  }

  /** Bytes of {@code value} as Kryo's positive-optimized varlong: 1 to 9 (the 9th byte is raw). */
  static int varLongSize(long value) {
    // Each group of 7 bits below bit 56 takes a byte; anything above takes the raw 9th byte.
    int significantBits = 64 - Long.numberOfLeadingZeros(value | 1);
    return significantBits > 56 ? 9 : (significantBits + 6) / 7;
  }

  /**
   * Bytes of {@code s} in UTF-8. An unpaired surrogate counts as 3 bytes; {@link WireWriter}
   * refuses such a string, so the count only needs to be defined, not used.
   */
  static long utf8Length(String s) {
    int n = s.length();
    long bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          // Two chars become four bytes: two already counted.
          bytes += 2;
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }

  /** Bytes of a length-prefixed UTF-8 string. */
  static long stringSize(String s) {
    long length = utf8Length(s);
    return varIntSize((int) Math.min(length, Integer.MAX_VALUE)) + length;
  }

  /** Bytes of a {@link Version}: timestamp and length-prefixed origin. */
  static long versionSize(Version v) {
    return LONG_BYTES + stringSize(v.origin().value());
  }

  /** Bytes of a {@link KeyVersion}. */
  static long keyVersionSize(KeyVersion kv) {
    return stringSize(kv.key()) + versionSize(kv.version());
  }

  /**
   * Bytes of an {@link Entry}: key, version, flags, unless a tombstone the value, and if signed
   * the signature's length byte and bytes.
   */
  static long entrySize(Entry e) {
    return entrySize(e, stringSize(e.version().origin().value()));
  }

  /** Bytes of an {@link Entry} whose origin's length-prefixed id takes {@code originSize}. */
  private static long entrySize(Entry e, long originSize) {
    long size = stringSize(e.key()) + LONG_BYTES + originSize + 1;
    if (!e.isTombstone()) {
      int length = e.valueLength();
      size += varIntSize(length) + length;
    }
    if (e.isSigned()) {
      size += 1 + e.signatureUnsafe().length;
    }
    return size;
  }

  /**
   * Bytes of a count-prefixed list of entries. An origin's id is measured once per run of
   * entries from it: a full-sync chunk holds thousands of entries from a handful of writers.
   */
  static long entriesSize(List<Entry> entries) {
    int n = entries.size();
    long size = varIntSize(n);
    NodeId origin = null;
    long originSize = 0;
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      NodeId o = e.version().origin();
      if (o != origin) {
        origin = o;
        originSize = stringSize(o.value());
      }
      size += entrySize(e, originSize);
    }
    return size;
  }

  /** Bytes of a count-prefixed list of key versions. */
  static long keyVersionsSize(List<KeyVersion> versions) {
    int n = versions.size();
    long size = varIntSize(n);
    for (int i = 0; i < n; i++) {
      size += keyVersionSize(versions.get(i));
    }
    return size;
  }

  /** Bytes of a {@link Digest}: root hash, size and the listed versions. */
  static long digestSize(Digest d) {
    return LONG_BYTES + varIntSize(d.size()) + keyVersionsSize(d.versions());
  }

  /** Bytes of a count-prefixed list of keys. */
  static long keysSize(List<String> keys) {
    int n = keys.size();
    long size = varIntSize(n);
    for (int i = 0; i < n; i++) {
      size += stringSize(keys.get(i));
    }
    return size;
  }

  /** True if child {@code i} of {@code e} is on the wire: a set bit in the mask. */
  static boolean childPresent(RangeExpansion e, int i) {
    return e.childHash(i) != 0 || e.childCount(i) != 0;
  }

  /** Bytes of one expansion: level, prefix, mask and the present children. */
  static long expansionSize(RangeExpansion e) {
    long size = 1 + varLongSize(e.prefix()) + 2;
    for (int i = 0; i < RangeExpansion.FAN_OUT; i++) {
      if (childPresent(e, i)) {
        size += LONG_BYTES + varIntSize(e.childCount(i));
      }
    }
    return size;
  }

  /** Bytes of a range message's flags and watermark. */
  private static long rangeHeaderSize(long collectedUpTo) {
    return HEADER_BYTES + 1 + varLongSize(collectedUpTo);
  }

  /**
   * Bytes of the whole encoded message, header included.
   *
   * @throws IllegalArgumentException if the message is not one of the built-in types
   */
  static long messageSize(GossipMessage m) {
    // Most frequent types first: rumors and their replies dominate simulated traffic.
    if (m instanceof RumorPush) {
      RumorPush p = (RumorPush) m;
      return HEADER_BYTES + 1 + entriesSize(p.entries());
    }
    if (m instanceof RumorReply) {
      RumorReply r = (RumorReply) m;
      return HEADER_BYTES + 1 + entriesSize(r.entries()) + keyVersionsSize(r.acked()) + LONG_BYTES;
    }
    if (m instanceof SyncDigest) {
      return HEADER_BYTES + 1 + digestSize(((SyncDigest) m).digest());
    }
    if (m instanceof SyncReply) {
      SyncReply r = (SyncReply) m;
      return HEADER_BYTES + entriesSize(r.entries()) + keysSize(r.wanted());
    }
    if (m instanceof SyncEntries) {
      return HEADER_BYTES + entriesSize(((SyncEntries) m).entries());
    }
    if (m instanceof Mail) {
      Mail mail = (Mail) m;
      return HEADER_BYTES + varLongSize(mail.sequence()) + entriesSize(mail.entries());
    }
    if (m instanceof MailAck) {
      return HEADER_BYTES + varLongSize(((MailAck) m).sequence());
    }
    if (m instanceof RangeSummaries) {
      RangeSummaries r = (RangeSummaries) m;
      List<RangeExpansion> xs = r.expansions();
      int n = xs.size();
      long size = rangeHeaderSize(r.collectedUpTo()) + varIntSize(n);
      for (int i = 0; i < n; i++) {
        size += expansionSize(xs.get(i));
      }
      return size;
    }
    if (m instanceof RangeVersions) {
      RangeVersions r = (RangeVersions) m;
      return rangeHeaderSize(r.collectedUpTo()) + 3 * LONG_BYTES + keyVersionsSize(r.versions());
    }
    if (m instanceof RangeEntries) {
      RangeEntries r = (RangeEntries) m;
      return rangeHeaderSize(r.collectedUpTo()) + 2 * LONG_BYTES + entriesSize(r.entries())
          + keysSize(r.missing()) + keysSize(r.wanted());
    }
    if (m instanceof RumorOffer) {
      return HEADER_BYTES + 1 + keyVersionsSize(((RumorOffer) m).offered());
    }
    if (m instanceof RumorRequest) {
      return HEADER_BYTES + keyVersionsSize(((RumorRequest) m).wanted());
    }
    if (m instanceof MembershipMessage) {
      return MembershipWire.messageSize((MembershipMessage) m);
    }
    throw new IllegalArgumentException("unknown message type " + m.getClass().getName());
  }

  /** True if {@code id} is the type byte of a message (not of a value type or Kryo's own). */
  static boolean isMessageId(int id) {
    return (id >= FIRST_MESSAGE_ID && id <= LAST_MESSAGE_ID)
        || MembershipWire.isMessageId(id)
        || id == ID_RUMOR_OFFER
        || id == ID_RUMOR_REQUEST;
  }

  /** The message ids, for error messages. */
  static String knownIds() {
    return FIRST_MESSAGE_ID + ".." + LAST_MESSAGE_ID + ", " + MembershipWire.FIRST_ID + ".."
        + MembershipWire.LAST_ID + ", " + ID_RUMOR_OFFER + ".." + ID_RUMOR_REQUEST;
  }

  /** The simple name of the type registered under message id {@code id}, for error messages. */
  static String messageName(int id) {
    switch (id) {
      case ID_SYNC_DIGEST:
        return "SyncDigest";
      case ID_SYNC_REPLY:
        return "SyncReply";
      case ID_SYNC_ENTRIES:
        return "SyncEntries";
      case ID_RUMOR_PUSH:
        return "RumorPush";
      case ID_RUMOR_REPLY:
        return "RumorReply";
      case ID_MAIL:
        return "Mail";
      case ID_MAIL_ACK:
        return "MailAck";
      case ID_RANGE_SUMMARIES:
        return "RangeSummaries";
      case ID_RANGE_VERSIONS:
        return "RangeVersions";
      case ID_RANGE_ENTRIES:
        return "RangeEntries";
      case ID_RUMOR_OFFER:
        return "RumorOffer";
      case ID_RUMOR_REQUEST:
        return "RumorRequest";
      default:
        String membership = MembershipWire.messageName(id);
        return membership != null ? membership : "message type " + id;
    }
  }
}
