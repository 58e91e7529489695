package io.gossipkit.core.internal.sync;

import io.gossipkit.api.Entry;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;

/**
 * Internal: may change at any time. Upper bounds on the encoded size of what sync messages carry,
 * so a sender fills a message up to its budget without encoding it first. Exact for ASCII
 * strings; a character outside ASCII is counted as three bytes, the most UTF-8 needs per UTF-16
 * unit. {@code RangeSyncTest} checks the bounds against the real codec.
 */
public final class WireSize {
  /** Bound on a range message's fixed fields: header, flags, watermark, positions, counts. */
  public static final int RANGE_HEADER = 64;

  /** Bound on one {@code RangeExpansion}: level, prefix, mask, 16 hashes and counts. */
  public static final int EXPANSION = 1 + 9 + 2 + 16 * (8 + 5);

  /** Bound on a {@code SyncEntries} or {@code SyncReply} header and list counts. */
  public static final int SYNC_HEADER = 16;

  private WireSize() {}

  /** Bytes of a varint holding {@code v}. */
  static int varInt(int v) {
    return v >>> 7 == 0 ? 1 : v >>> 14 == 0 ? 2 : v >>> 21 == 0 ? 3 : v >>> 28 == 0 ? 4 : 5;
  }

  /** Bound on a length-prefixed string. */
  public static int string(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        bytes += 2;
      }
    }
    return varInt(bytes) + bytes;
  }

  /** Bytes of a version's timestamp: fixed width. */
  private static final int TIMESTAMP_BYTES = 8;

  /** Bound on a version: timestamp and origin. */
  static int version(Version v) {
    return TIMESTAMP_BYTES + string(v.origin().value());
  }

  /** Bound on a (key, version) pair. */
  public static int keyVersion(KeyVersion kv) {
    return string(kv.key()) + version(kv.version());
  }

  /** Bound on an entry: key, version, flags, value, signature. */
  public static int entry(Entry e) {
    return entry(e, string(e.version().origin().value()));
  }

  /** Bound on an entry whose origin's length-prefixed id takes {@code originSize}. */
  private static int entry(Entry e, int originSize) {
    int size = string(e.key()) + TIMESTAMP_BYTES + originSize + 1;
    if (!e.isTombstone()) {
      size += varInt(e.valueLength()) + e.valueLength();
    }
    if (e.isSigned()) {
      size += 1 + Entry.SIGNATURE_BYTES;
    }
    return size;
  }

  /**
   * Bounds entries as {@link #entry} does, measuring an origin's id once per run of entries from
   * it: a full-sync stream holds thousands of entries from a handful of writers. One per walk;
   * not thread-safe.
   */
  public static final class Sizer {
    private NodeId origin;
    private int originSize;

    /** Bound on {@code e}, the same as {@link WireSize#entry}. */
    public int entry(Entry e) {
      NodeId o = e.version().origin();
      if (o != origin) {
        origin = o;
        originSize = string(o.value());
      }
      return WireSize.entry(e, originSize);
    }
  }
}
