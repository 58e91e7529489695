package io.gossipkit.core.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import io.gossipkit.api.Codec;
import io.gossipkit.api.CodecException;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.message.GossipMessage;
import java.util.Objects;

/**
 * The built-in {@link Codec}: writes the messages of {@code io.gossipkit.api.message} with
 * Kryo, registration required, a fixed registration id per type and a hand-written serializer per
 * type, and refuses any length over the limits of its {@link GossipConfig} before allocating for
 * it.
 *
 * <p>Thread-safe: Kryo instances are not, so each call borrows one from a pool and returns it.
 * {@link #encodedSize} needs no Kryo at all; it is plain arithmetic that allocates nothing.
 *
 * <p>Decoding MUST only fail with {@link CodecException} (R4.4), refuses any proper prefix (R4.5)
 * or trailing byte (R4.6), and refuses a key, value, node id or list whose length exceeds its
 * limit, or the bytes that remain, before allocating for it (R4.8, R4.9). Every varint must be in
 * its shortest form and every string strict UTF-8, so an accepted input re-encodes to exactly the
 * same bytes. Encoding refuses what a peer with the same configuration would refuse (R4.11,
 * R4.12). Rule ids refer to {@code docs/contracts.md}.
 *
 * <p>Wire format, version 1. All varints are Kryo's positive-optimized varints (7 bits per byte,
 * least significant group first, high bit set on every byte but the last; a varlong's ninth byte
 * holds 8 bits); all fixed longs are 8 bytes little-endian; strings are a varint byte length and
 * that many bytes of UTF-8.
 *
 * <pre>
 *  0        1        2
 * +--------+--------+------------------+
 * | format | type   | body ...         |   format = 1; type = the Kryo registration id
 * +--------+--------+------------------+
 *
 * type  message       body
 *  16   SyncDigest    exchange:u8 (0 push, 1 pull, 2 push-pull) digest
 *  17   SyncReply     entries  count:varint  wanted key:string * count
 *  18   SyncEntries   entries
 *  19   RumorPush     flags:u8 (bit 0 wantFeedback, bit 1 pull)  entries
 *  20   RumorReply    flags:u8 (bit 0 wantFeedback)  entries  keyVersions (&lt;= 64)  newMask:i64
 *  21   Mail          sequence:varlong  entries
 *  22   MailAck       sequence:varlong
 *  42   RumorOffer    flags:u8 (bit 0 wantFeedback)  keyVersions (&lt;= 64)
 *  43   RumorRequest  keyVersions (&lt;= 64)
 *  23   RangeSummaries  rflags:u8  collectedUpTo:varlong  count:varint  expansion * count
 *  24   RangeVersions   rflags:u8  collectedUpTo:varlong  from:i64 to:i64 end:i64  keyVersions
 *  25   RangeEntries    rflags:u8 (bit 3 done)  collectedUpTo:varlong  resume:i64 end:i64
 *                       entries  missing:keys  wanted:keys
 *
 * rflags       bits 0-1 exchange (0 push, 1 pull, 2 push-pull), bit 2 sent by the initiator
 * expansion    level:u8 (0..15)  prefix:varlong (&lt;= 4 * level bits)  childMask:u16 (LE)
 *              (hash:i64  count:varint) per set mask bit; a child with hash 0 and count 0 is
 *              always left out of the mask
 * keys         count:varint  key:string * count
 *  30-35              the membership (SWIM) messages: see MembershipWire
 *
 * entries      count:varint (&lt;= maxEntriesPerMessage)  entry * count
 * keyVersions  count:varint  (key:string  version) * count
 * digest       rootHash:i64  size:varint  keyVersions
 * version      timestamp:i64  origin:string (1..255 bytes)
 * entry
 * +--------+-------+-----------+--------+-----------+-------+--------+-------+--------+-----------+
 * | keylen | key   | timestamp | idlen  | origin id | flags | vallen | value | siglen | signature |
 * | varint | UTF-8 | i64       | varint | UTF-8     | u8    | varint | bytes | u8     | 64 bytes  |
 * +--------+-------+-----------+--------+-----------+-------+--------+-------+--------+-----------+
 *   flags bit 0 = tombstone: no vallen, no value
 *   flags bit 1 = signed: siglen (must be 64, Entry.SIGNATURE_BYTES) and the origin's signature
 *   follow; an unsigned entry ends after its value (a tombstone after its flags), exactly as
 *   before signatures existed, so format 1 was kept
 * </pre>
 *
 * <pre>{@code
 * Codec codec = KryoCodec.of(GossipConfig.lan());
 * byte[] bytes = codec.encode(new MailAck(7));        // 01 16 07
 * GossipMessage m = codec.decode(bytes, 0, bytes.length);
 * }</pre>
 */
public final class KryoCodec implements Codec {
  /** Pooled Kryo instances kept per codec; more may exist under load and are then dropped. */
  private static final int POOL_CAPACITY =
      Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private final WireLimits limits;
  private final Pool<Kryo> kryos;

  /**
   * Scratch buffers {@link #encode} writes into: each starts at {@link #SCRATCH_BYTES} and grows
   * to the largest message it has encoded, never past {@code maxMessageBytes}.
   */
  private final Pool<Output> outputs;

  /** First size of a scratch buffer: most messages (datagrams) fit without growing it. */
  private static final int SCRATCH_BYTES = 4096;

  /** A codec enforcing the limits of {@code config}. */
  public KryoCodec(GossipConfig config) {
    this.limits = WireLimits.of(Objects.requireNonNull(config, "config"));
    this.kryos =
        new Pool<>(true, false, POOL_CAPACITY) {
          @Override
          protected Kryo create() {
            return KryoFactory.newKryo(limits);
          }
        };
    int max = limits.maxMessageBytes();
    this.outputs =
        new Pool<>(true, false, POOL_CAPACITY) {
          @Override
          protected Output create() {
            return new Output(Math.min(SCRATCH_BYTES, max), max);
          }
        };
  }

  /** A codec enforcing the limits of {@code config}; same as the constructor. */
  public static KryoCodec of(GossipConfig config) {
    return new KryoCodec(config);
  }

  /**
   * Encodes {@code message} into an array of exactly {@link #encodedSize} bytes.
   *
   * <p>The message is written once, into a pooled scratch buffer that grows up to {@code
   * maxMessageBytes}, and copied out at its exact length. Sizing it first to allocate the exact
   * array walked every entry of a message twice: for a 256 KiB chunk of a full sync, two thousand
   * entries scattered over the heap, each walk missing the cache on each of them (measured: a
   * tenth of the sending engine's time), where the copy moves 256 KiB in one sweep. Only a
   * message that overflows the limit is sized, to say by how much.
   *
   * @throws CodecException if the message is null or of an unknown type, if a key, value, node id
   *     or list exceeds its limit, if a key holds an unpaired surrogate, or if the whole message
   *     exceeds {@code maxMessageBytes}
   */
  @Override
  public byte[] encode(GossipMessage message) throws CodecException {
    if (message == null) {
      throw new CodecException("message is null");
    }
    String name = message.getClass().getSimpleName();
    Kryo kryo = kryos.obtain();
    Output out = outputs.obtain();
    try {
      Registration registration = kryo.getClassResolver().getRegistration(message.getClass());
      if (registration == null || !WireFormat.isMessageId(registration.getId())) {
        throw new CodecException("unknown message type " + message.getClass().getName());
      }
      out.reset();
      out.writeByte(WireFormat.FORMAT_VERSION);
      out.writeByte(registration.getId());
      kryo.writeObject(out, message, registration.getSerializer());
      return out.toBytes();
    } catch (KryoBufferOverflowException e) {
      long size = WireFormat.messageSize(message);
      throw new CodecException(name + " encoded length " + size + " exceeds maxMessageBytes "
          + limits.maxMessageBytes());
    } catch (WireException e) {
      throw new CodecException(name + ": " + e.getMessage());
    } catch (NullPointerException e) {
      // Only Digest.versions is not copied by its record, so only it can hold a null.
      throw new CodecException(name + " holds a null element", e);
    } catch (KryoException e) {
      // The scratch buffer overflowing is handled above, so anything else here is a bug, not
      // bad input.
      throw new IllegalStateException("KryoCodec bug while encoding " + name, e);
    } finally {
      outputs.free(out);
      kryos.free(kryo);
    }
  }

  /**
   * Decodes the one message in {@code bytes[offset, offset + length)}.
   *
   * @throws CodecException for anything but exactly one well-formed message within the limits:
   *     a bad range, input over {@code maxMessageBytes}, an unknown format version or type id,
   *     truncation, trailing bytes, a length over its limit or over the remaining bytes, a
   *     non-canonical varint, invalid UTF-8, unknown flag bits, or a record invariant violated
   */
  @Override
  public GossipMessage decode(byte[] bytes, int offset, int length) throws CodecException {
    if (bytes == null) {
      throw new CodecException("input array is null");
    }
    if (offset < 0 || length < 0 || offset > bytes.length - length) {
      throw new CodecException("input range offset " + offset + " length " + length
          + " is outside the array of " + bytes.length + " bytes");
    }
    // Checked first: nothing below reads or allocates more than this many bytes' worth.
    if (length > limits.maxMessageBytes()) {
      throw new CodecException(
          "message length " + length + " exceeds maxMessageBytes " + limits.maxMessageBytes());
    }
    if (length < WireFormat.HEADER_BYTES) {
      throw new CodecException("truncated input: message length " + length
          + " is shorter than the " + WireFormat.HEADER_BYTES + "-byte header");
    }
    int format = bytes[offset] & 0xFF;
    if (format != WireFormat.FORMAT_VERSION) {
      throw new CodecException("format version " + format + " is unknown; this codec reads "
          + WireFormat.FORMAT_VERSION);
    }
    int typeId = bytes[offset + 1] & 0xFF;
    // Only message ids: Kryo's built-in ids (String, ...) and the value types must never be
    // reachable from the wire.
    if (!WireFormat.isMessageId(typeId)) {
      throw unknownType(typeId);
    }
    String name = WireFormat.messageName(typeId);
    Kryo kryo = kryos.obtain();
    try {
      Registration registration = kryo.getRegistration(typeId);
      int header = WireFormat.HEADER_BYTES;
      Input in = new Input(bytes, offset + header, length - header);
      Class<?> type = registration.getType();
      Object message = kryo.readObject(in, type, registration.getSerializer());
      int trailing = WireReader.remaining(in);
      if (trailing != 0) {
        throw new CodecException(name + ": " + trailing + " trailing bytes after the message");
      }
      return (GossipMessage) message;
    } catch (WireException e) {
      throw new CodecException(name + ": " + e.getMessage());
    } catch (KryoException e) {
      throw new CodecException(name + ": malformed input: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // A record constructor or the JDK refused what the checks above let through: still input.
      throw new CodecException(name + ": malformed input: " + e, e);
    } finally {
      kryos.free(kryo);
    }
  }

  private static CodecException unknownType(int typeId) {
    return new CodecException("message type id " + typeId + " is unknown; known ids are "
        + WireFormat.knownIds());
  }

  /**
   * Exactly {@code encode(message).length} whenever {@code encode} succeeds, computed by
   * arithmetic alone: no Kryo, no array, no allocation. For a message {@code encode} refuses for
   * its size the true size is returned (capped at {@link Integer#MAX_VALUE}).
   *
   * @throws IllegalArgumentException if the message is not one of the built-in types
   */
  @Override
  public int encodedSize(GossipMessage message) {
    return (int) Math.min(WireFormat.messageSize(message), Integer.MAX_VALUE);
  }

  /** The configured {@code maxMessageBytes}: the largest message encoded or decoded. */
  @Override
  public int maxMessageBytes() {
    return limits.maxMessageBytes();
  }

  @Override
  public String toString() {
    return "KryoCodec{formatVersion=" + WireFormat.FORMAT_VERSION + ", " + limits + "}";
  }
}
