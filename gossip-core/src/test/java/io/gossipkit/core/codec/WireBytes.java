package io.gossipkit.core.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds wire bytes by hand, field by field, so tests can write hostile messages a correct encoder
 * never produces: huge length claims, non-canonical varints, unknown flags, invalid UTF-8.
 */
final class WireBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Starts a message: format version 1 and the type id. */
  static WireBytes header(int typeId) {
    return new WireBytes().u8(WireFormat.FORMAT_VERSION).u8(typeId);
  }

  WireBytes u8(int b) {
    out.write(b);
    return this;
  }

  WireBytes raw(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  /** A canonical unsigned varint of up to 35 bits, so claims up to 2^32 - 1 can be written. */
  WireBytes varint(long unsigned) {
    long v = unsigned;
    while (v >= 0x80) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return this;
  }

  /** An 8-byte little-endian long. */
  WireBytes fixedLong(long v) {
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  /** A length-prefixed UTF-8 string. */
  WireBytes string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    varint(b.length);
    out.write(b, 0, b.length);
    return this;
  }

  WireBytes zeros(int n) {
    out.write(new byte[n], 0, n);
    return this;
  }

  byte[] build() {
    return out.toByteArray();
  }
}
