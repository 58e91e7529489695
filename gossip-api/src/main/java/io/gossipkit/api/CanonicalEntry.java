package io.gossipkit.api;

import java.nio.charset.StandardCharsets;

/**
 * The bytes an origin signs for one write, and a verifier checks: one fixed encoding, independent
 * of any codec, so that every {@link EntrySigner} and {@link EntryVerifier}, in any language,
 * agrees on them.
 *
 * <p>Layout (all integers big-endian, every length a fixed 4 bytes, so no two different writes
 * can produce the same bytes):
 *
 * <pre>
 * field      bytes      content
 * domain     19         the ASCII text "gossipkit-entry-v1" and one 0x00 byte
 * keylen     4 (u32)    byte length of the key in UTF-8
 * key        keylen     the key, UTF-8
 * timestamp  8 (i64)    Version.timestamp(): HLC milliseconds &lt;&lt; 16 | logical counter
 * idlen      4 (u32)    byte length of the origin's id in UTF-8 (1..255)
 * origin     idlen      Version.origin().value(), UTF-8
 * flags      1 (u8)     bit 0: tombstone; every other bit 0
 * vallen     4 (u32)    byte length of the value; 0 for a tombstone
 * value      vallen     the value
 * </pre>
 *
 * <p>For example the live entry {@code "k" = {0x2a}} written at timestamp 1 by node {@code "n"}
 * encodes as the 19 domain bytes followed by
 * {@code 00 00 00 01 6b | 00 00 00 00 00 00 00 01 | 00 00 00 01 6e | 00 | 00 00 00 01 2a}.
 *
 * <p>The domain prefix keeps these bytes from ever being mistaken for any other message signed
 * with the same key (a handshake transcript, a future format): a new layout gets a new domain.
 * Every field that decides what a replica holds is covered: key, value, timestamp, origin and the
 * tombstone flag; changing any of them invalidates the signature. The signature itself is not.
 */
public final class CanonicalEntry {
  /** The domain-separation text that starts every canonical encoding, followed by a 0x00 byte. */
  public static final String DOMAIN = "gossipkit-entry-v1";

  private static final byte[] DOMAIN_BYTES = (DOMAIN + '\0').getBytes(StandardCharsets.US_ASCII);
  private static final int TOMBSTONE = 0x01;

  private CanonicalEntry() {}

  /**
   * The canonical bytes of {@code entry}'s write, as laid out in the class comment.
   *
   * @throws IllegalArgumentException if the key or origin id holds an unpaired surrogate, which
   *     UTF-8 cannot carry (no codec could send such a write either)
   */
  public static byte[] encode(Entry entry) {
    String key = entry.key();
    String origin = entry.version().origin().value();
    byte[] value = entry.valueUnsafe();
    int keyBytes = utf8Length(key, "key");
    int originBytes = utf8Length(origin, "origin id");
    long total =
        (long) DOMAIN_BYTES.length + 4 + keyBytes + 8 + 4 + originBytes + 1 + 4 + value.length;
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("entry too large to sign: " + total + " bytes");
    }
    byte[] out = new byte[(int) total];
    int p = 0;
    System.arraycopy(DOMAIN_BYTES, 0, out, 0, DOMAIN_BYTES.length);
    p += DOMAIN_BYTES.length;
    p = putInt(out, p, keyBytes);
    p = putUtf8(out, p, key);
    p = putLong(out, p, entry.version().timestamp());
    p = putInt(out, p, originBytes);
    p = putUtf8(out, p, origin);
    out[p++] = (byte) (entry.isTombstone() ? TOMBSTONE : 0);
    p = putInt(out, p, value.length);
    System.arraycopy(value, 0, out, p, value.length);
    return out;
  }

  /** UTF-8 length of {@code s}; refuses unpaired surrogates, which would otherwise become '?'. */
  private static int utf8Length(String s, String field) {
    int n = s.length();
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (!Character.isSurrogate(c)) {
        bytes += 3;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        throw new IllegalArgumentException(
            field + " holds an unpaired surrogate at index " + i + ", which UTF-8 cannot carry");
      }
    }
    return (int) Math.min(bytes, Integer.MAX_VALUE);
  }

  private static int putUtf8(byte[] out, int p, String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | (c >> 6));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        out[p++] = (byte) (0xE0 | (c >> 12));
        out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      } else {
        // utf8Length has already refused an unpaired surrogate: this is a valid pair.
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[p++] = (byte) (0xF0 | (cp >> 18));
        out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (cp & 0x3F));
      }
    }
    return p;
  }

  private static int putInt(byte[] out, int p, int v) {
    out[p] = (byte) (v >>> 24);
    out[p + 1] = (byte) (v >>> 16);
    out[p + 2] = (byte) (v >>> 8);
    out[p + 3] = (byte) v;
    return p + 4;
  }

  private static int putLong(byte[] out, int p, long v) {
    putInt(out, p, (int) (v >>> 32));
    putInt(out, p + 4, (int) v);
    return p + 8;
  }
}
