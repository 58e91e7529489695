package io.gossipkit.crypto.handshake;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layout shared by the fuzz harnesses: a selector byte, then messages, each prefixed by a
 * big-endian u16 length; a final prefix longer than what is left takes the rest, and a lone last
 * byte is a one-byte message. Every byte string decodes to something, so a mutating fuzzer never
 * wastes an input.
 */
public final class FuzzInput {
  private FuzzInput() {}

  /** Splits {@code data[from..]} into at most {@code max} messages. */
  public static List<byte[]> messages(byte[] data, int from, int max) {
    List<byte[]> out = new ArrayList<>();
    int pos = from;
    while (pos < data.length && out.size() < max) {
      if (data.length - pos < 2) {
        out.add(new byte[] {data[pos]});
        break;
      }
      int n = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
      pos += 2;
      int end = (int) Math.min((long) pos + n, data.length);
      byte[] m = new byte[end - pos];
      System.arraycopy(data, pos, m, 0, m.length);
      out.add(m);
      pos = end;
    }
    return out;
  }

  /** Encodes {@code selector} and {@code messages} in the layout {@link #messages} reads. */
  public static byte[] encode(int selector, List<byte[]> messages) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(selector);
    for (byte[] m : messages) {
      b.write(m.length >>> 8);
      b.write(m.length);
      b.write(m, 0, m.length);
    }
    return b.toByteArray();
  }
}
