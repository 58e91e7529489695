package io.gossipkit.core.codec;

import com.esotericsoftware.kryo.io.Output;
import io.gossipkit.api.Entry;

/**
 * Writes the fields of the wire format that need more than one Kryo call, checking the same
 * limits the reader enforces, so a node never sends what a peer with the same configuration
 * must refuse.
 *
 * <p>Strings are written as UTF-8 straight into the output, without the intermediate array of
 * {@code String.getBytes}; a string holding an unpaired surrogate is refused rather than silently
 * replaced by {@code '?'}, which would change the key on the way.
 */
final class WireWriter {
  private WireWriter() {}

  /** Refuses a list of {@code count} {@code name}s if it exceeds {@code limit}. */
  static void checkCount(int count, String name, int limit, String limitName) {
    if (count > limit) {
      throw new WireException(name + " count " + count + " exceeds " + limitName + " " + limit);
    }
  }

  /** Writes a length-prefixed byte array of at most {@code limit} bytes. */
  static void writeBytes(Output out, byte[] bytes, String name, int limit, String limitName) {
    if (bytes.length > limit) {
      throw new WireException(
          name + " length " + bytes.length + " exceeds " + limitName + " " + limit);
    }
    out.writeVarInt(bytes.length, true);
    out.writeBytes(bytes);
  }

  /**
   * Writes a signature: its length as one byte, then its bytes. {@link Entry} only ever holds
   * signatures of exactly {@code Entry.SIGNATURE_BYTES}; the check keeps the writer from sending
   * what every reader refuses should that ever change.
   */
  static void writeSignature(Output out, byte[] signature, String name) {
    if (signature.length != Entry.SIGNATURE_BYTES) {
      throw new WireException(name + " length " + signature.length
          + " is not Entry.SIGNATURE_BYTES " + Entry.SIGNATURE_BYTES);
    }
    out.writeByte(signature.length);
    out.writeBytes(signature);
  }

  /**
   * Writes {@code s} in one pass if it is ASCII and shorter than 128 chars (a one-byte length),
   * as keys and node ids almost always are: the chars go straight into the buffer and the length
   * byte in front once they all proved ASCII. Returns false, having written nothing that counts
   * (the position is unchanged), for any other string or when the buffer lacks room.
   */
  private static boolean writeShortAscii(Output out, String s, int limit) {
    int n = s.length();
    byte[] buffer = out.getBuffer();
    int at = out.position();
    if (n >= 128 || n > limit || buffer.length - at < n + 1) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return false;
      }
      buffer[at + 1 + i] = (byte) c;
    }
    buffer[at] = (byte) n;
    out.setPosition(at + 1 + n);
    return true;
  }

  /** Writes a length-prefixed UTF-8 string of at most {@code limit} bytes. */
  static void writeUtf8(Output out, String s, String name, int limit, String limitName) {
    if (writeShortAscii(out, s, limit)) {
      return;
    }
    long length = WireFormat.utf8Length(s);
    if (length > limit) {
      throw new WireException(name + " length " + length + " exceeds " + limitName + " " + limit);
    }
    out.writeVarInt((int) length, true);
    int n = s.length();
    byte[] buffer = out.getBuffer();
    int at = out.position();
    if (length == n && buffer.length - at >= n) {
      // Every char is ASCII (any other takes two or more bytes, an unpaired surrogate three), so
      // the UTF-8 is the chars' low bytes, stored straight into the buffer the codec sized
      // exactly, instead of a bounds-checked call per byte.
      for (int i = 0; i < n; i++) {
        buffer[at + i] = (byte) s.charAt(i);
      }
      out.setPosition(at + n);
      return;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.writeByte(c);
      } else if (c < 0x800) {
        out.writeByte(0xC0 | (c >> 6));
        out.writeByte(0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        out.writeByte(0xE0 | (c >> 12));
        out.writeByte(0x80 | ((c >> 6) & 0x3F));
        out.writeByte(0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.writeByte(0xF0 | (cp >> 18));
        out.writeByte(0x80 | ((cp >> 12) & 0x3F));
        out.writeByte(0x80 | ((cp >> 6) & 0x3F));
        out.writeByte(0x80 | (cp & 0x3F));
      } else {
        throw new WireException(
            name + " holds an unpaired surrogate at index " + i + ", which UTF-8 cannot carry");
      }
    }
  }
}
