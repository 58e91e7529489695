package io.gossipkit.core.codec;

import com.esotericsoftware.kryo.io.Input;
import io.gossipkit.api.Entry;
import io.gossipkit.api.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the primitive fields of the wire format from an array-backed Kryo {@link Input}, checking
 * every length against its limit and against the bytes that remain before allocating anything.
 *
 * <p>Kryo's own {@code readString} and {@code readVarInt} are not used: the first allocates from
 * an untrusted length, the second silently accepts over-long and non-canonical varints. Here every
 * varint must be canonical (shortest form), so a byte string decodes to at most one message and
 * re-encodes to itself. Every failure is a {@link WireException} naming the field; field names
 * are passed as a noun plus a suffix ({@code "entry value"}, {@code " length"}) and joined only
 * when building an error, so the success path never concatenates strings.
 *
 * <p>One instance belongs to one pooled Kryo (it holds a {@link CharsetDecoder}, which is not
 * thread-safe), so it is only ever used by one thread at a time.
 */
final class WireReader {
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** Bytes left between the input's position and its limit. */
  static int remaining(Input in) {
    return in.limit() - in.position();
  }

  private static WireException truncated(Input in, String field, int needed) {
    return new WireException(
        "truncated input: " + field + " needs " + needed + " bytes, " + remaining(in) + " remain");
  }

  /** Reads one unsigned byte. */
  static int readUnsignedByte(Input in, String field) {
    if (remaining(in) < 1) {
      throw truncated(in, field, 1);
    }
    return in.readByte() & 0xFF;
  }

  /** Reads a flags byte and refuses any bit outside {@code allowed}. */
  static int readFlags(Input in, String field, int allowed) {
    int flags = readUnsignedByte(in, field);
    if ((flags & ~allowed) != 0) {
      throw new WireException(field + " 0x" + Integer.toHexString(flags)
          + " has bits set outside 0x" + Integer.toHexString(allowed));
    }
    return flags;
  }

  /** Reads a fixed-width little-endian long. */
  static long readFixedLong(Input in, String field) {
    if (remaining(in) < WireFormat.LONG_BYTES) {
      throw truncated(in, field, WireFormat.LONG_BYTES);
    }
    return in.readLong();
  }

  /**
   * Reads a canonical positive-optimized varint of at most 5 bytes, the field being named {@code
   * name + suffix}. A value of 2^31 or more comes back negative, which every caller refuses.
   */
  static int readVarInt(Input in, String name, String suffix) {
    byte[] buf = in.getBuffer();
    int p = in.position();
    int limit = in.limit();
    int result = 0;
    for (int shift = 0; ; shift += 7) {
      if (p == limit) {
        throw new WireException("truncated input: " + name + suffix + " varint ends after "
            + shift / 7 + " bytes");
      }
      int b = buf[p++];
      if (shift == 28) {
        // The fifth byte holds the top 4 bits of an int and has no continuation bit.
        if ((b & 0xF0) != 0) {
          throw new WireException(name + suffix + " varint does not fit 32 bits");
        }
        if (b == 0) {
          throw new WireException(name + suffix + " varint is not in its shortest form");
        }
        result |= b << 28;
        break;
      }
      result |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (b == 0 && shift > 0) {
          throw new WireException(name + suffix + " varint is not in its shortest form");
        }
        break;
      }
    }
    in.setPosition(p);
    return result;
  }

  /**
   * Reads a canonical positive-optimized varlong of at most 9 bytes, the ninth holding the top 8
   * bits whole, as Kryo's {@code writeVarLong(value, true)} writes it.
   */
  static long readVarLong(Input in, String field) {
    byte[] buf = in.getBuffer();
    int p = in.position();
    int limit = in.limit();
    long result = 0;
    for (int i = 0; ; i++) {
      if (p == limit) {
        throw new WireException(
            "truncated input: " + field + " varint ends after " + i + " bytes");
      }
      int b = buf[p++] & 0xFF;
      if (i == 8) {
        if (b == 0) {
          throw new WireException(field + " varint is not in its shortest form");
        }
        result |= (long) b << 56;
        break;
      }
      result |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new WireException(field + " varint is not in its shortest form");
        }
        break;
      }
    }
    in.setPosition(p);
    return result;
  }

  /**
   * Reads the byte length of the field {@code name}, refusing it if it exceeds {@code limit}
   * (called {@code limitName} in the message) or the bytes that remain. Nothing is allocated
   * before both checks pass.
   */
  static int readLength(Input in, String name, int limit, String limitName) {
    int n = readVarInt(in, name, " length");
    if (n < 0 || n > limit) {
      throw new WireException(name + " length " + Integer.toUnsignedString(n) + " exceeds "
          + limitName + " " + limit);
    }
    int remaining = remaining(in);
    if (n > remaining) {
      throw new WireException("truncated input: " + name + " length " + n + " exceeds the "
          + remaining + " bytes remaining");
    }
    return n;
  }

  /**
   * Reads the count of a list of {@code name}s, refusing it if it exceeds {@code limit} or if the
   * remaining bytes cannot hold that many elements of at least {@code minElementBytes} each.
   */
  static int readCount(Input in, String name, int limit, String limitName, int minElementBytes) {
    int n = readVarInt(in, name, " count");
    if (n < 0 || n > limit) {
      throw new WireException(name + " count " + Integer.toUnsignedString(n) + " exceeds "
          + limitName + " " + limit);
    }
    long needed = (long) n * minElementBytes;
    int remaining = remaining(in);
    if (needed > remaining) {
      throw new WireException("truncated input: " + name + " count " + n + " needs at least "
          + needed + " bytes, " + remaining + " remain");
    }
    return n;
  }

  /**
   * Reads a signature: a one-byte length that must be exactly {@link Entry#SIGNATURE_BYTES}
   * (anything else is refused, naming the field and that limit), then that many bytes, checked
   * against the bytes that remain before allocating.
   */
  static byte[] readSignature(Input in, String name) {
    int n = readUnsignedByte(in, name + " length");
    if (n != Entry.SIGNATURE_BYTES) {
      throw new WireException(name + " length " + n + " is not Entry.SIGNATURE_BYTES "
          + Entry.SIGNATURE_BYTES);
    }
    if (remaining(in) < n) {
      throw truncated(in, name, n);
    }
    byte[] bytes = new byte[n];
    int p = in.position();
    System.arraycopy(in.getBuffer(), p, bytes, 0, n);
    in.setPosition(p + n);
    return bytes;
  }

  /** Reads a length-checked byte array: the only place a value array is allocated. */
  static byte[] readBytes(Input in, String name, int limit, String limitName) {
    int n = readLength(in, name, limit, limitName);
    byte[] bytes = new byte[n];
    int p = in.position();
    System.arraycopy(in.getBuffer(), p, bytes, 0, n);
    in.setPosition(p + n);
    return bytes;
  }

  /**
   * Reads a length-checked string of strict UTF-8 (malformed, over-long and surrogate encodings
   * are refused, never replaced) of at least {@code minBytes} bytes.
   */
  String readUtf8(Input in, String name, int minBytes, int limit, String limitName) {
    int n = readLength(in, name, limit, limitName);
    if (n < minBytes) {
      throw new WireException(name + " length " + n + " is below the minimum " + minBytes);
    }
    byte[] buf = in.getBuffer();
    int p = in.position();
    String s = decodeUtf8(buf, p, n, name);
    in.setPosition(p + n);
    return s;
  }

  /** The UTF-8 of the node id {@link #readNodeId} decoded last, and that id. */
  private byte[] lastNodeIdBytes = new byte[0];

  private NodeId lastNodeId;

  /**
   * Reads a length-prefixed node id. The id decoded last is kept, and the same bytes again give
   * the same instance: a full-state stream carries one origin for thousands of entries, and a
   * replica of a million entries then holds a handful of ids instead of a million copies.
   */
  NodeId readNodeId(Input in) {
    int n = readLength(in, "node id", NodeId.MAX_UTF8_BYTES, "NodeId.MAX_UTF8_BYTES");
    if (n < 1) {
      throw new WireException("node id length " + n + " is below the minimum 1");
    }
    byte[] buf = in.getBuffer();
    int p = in.position();
    if (lastNodeId != null
        && Arrays.equals(buf, p, p + n, lastNodeIdBytes, 0, lastNodeIdBytes.length)) {
      in.setPosition(p + n);
      return lastNodeId;
    }
    NodeId id;
    try {
      id = NodeId.of(decodeUtf8(buf, p, n, "node id"));
    } catch (IllegalArgumentException invalid) {
      throw new WireException("node id: " + invalid.getMessage());
    }
    in.setPosition(p + n);
    lastNodeIdBytes = Arrays.copyOfRange(buf, p, p + n);
    lastNodeId = id;
    return id;
  }

  private String decodeUtf8(byte[] buf, int offset, int length, String name) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (buf[i] < 0) {
        return decodeStrict(buf, offset, length, name);
      }
    }
    // Pure ASCII, the common case for keys and node ids: Latin-1 decodes it identically and
    // lets the JDK copy the bytes straight into a compact string.
    return new String(buf, offset, length, StandardCharsets.ISO_8859_1);
  }

  private String decodeStrict(byte[] buf, int offset, int length, String name) {
    ByteBuffer bytes = ByteBuffer.wrap(buf, offset, length);
    try {
      return utf8.decode(bytes).toString();
    } catch (CharacterCodingException e) {
      // On failure the decoder leaves the buffer at the first malformed byte.
      throw new WireException(
          name + " is not valid UTF-8 at byte " + (bytes.position() - offset));
    }
  }
}
