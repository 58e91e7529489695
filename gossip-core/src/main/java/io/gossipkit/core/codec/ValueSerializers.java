package io.gossipkit.core.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.gossipkit.api.Digest;
import io.gossipkit.api.Entry;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Hand-written Kryo serializers for the value types messages are built from: {@link NodeId},
 * {@link Version}, {@link KeyVersion}, {@link Entry} and {@link Digest}.
 *
 * <p>Each serializer writes exactly the bytes {@link WireFormat} counts and reads them back through
 * {@link WireReader}, so every length is checked before it allocates. They call each other
 * directly rather than through {@code Kryo.writeObject}: the values are flat and never null, and
 * Kryo's per-object bookkeeping (depth, references) ran three times per entry. Instances are
 * created per pooled Kryo and hold that Kryo's {@link WireReader}; they are never shared between
 * threads.
 */
final class ValueSerializers {
  /** The value of a decoded tombstone, which {@link Entry#wrap} ignores. */
  private static final byte[] NO_BYTES = new byte[0];

  private ValueSerializers() {}

  /** {@code NodeId}: varint length (1..255) and UTF-8 bytes. */
  static final class NodeIdSerializer extends Serializer<NodeId> {
    private final WireReader reader;
    /** The id written last and its encoding (length and UTF-8), written again as bytes. */
    private NodeId lastId;
    private byte[] lastEncoded;

    NodeIdSerializer(WireReader reader) {
      super(false, true);
      this.reader = reader;
    }

    @Override
    public void write(Kryo kryo, Output out, NodeId id) {
      if (id != lastId) {
        // A full-state chunk names one origin for thousands of entries: encode it once. One
        // serializer belongs to one pooled Kryo, so one thread at a time.
        Output one = new Output(NodeId.MAX_UTF8_BYTES + 5);
        WireWriter.writeUtf8(
            one, id.value(), "node id", NodeId.MAX_UTF8_BYTES, "NodeId.MAX_UTF8_BYTES");
        lastEncoded = one.toBytes();
        lastId = id;
      }
      out.writeBytes(lastEncoded);
    }

    @Override
    public NodeId read(Kryo kryo, Input in, Class<? extends NodeId> type) {
      return reader.readNodeId(in);
    }
  }

  /** {@code Version}: 8-byte little-endian HLC timestamp, then the origin {@code NodeId}. */
  static final class VersionSerializer extends Serializer<Version> {
    private final NodeIdSerializer nodeIds;

    VersionSerializer(NodeIdSerializer nodeIds) {
      super(false, true);
      this.nodeIds = nodeIds;
    }

    @Override
    public void write(Kryo kryo, Output out, Version v) {
      // Fixed width, not a varint: a current HLC timestamp (millis << 16) needs 57 bits, which a
      // varint would spread over 9 bytes.
      out.writeLong(v.timestamp());
      nodeIds.write(kryo, out, v.origin());
    }

    @Override
    public Version read(Kryo kryo, Input in, Class<? extends Version> type) {
      long timestamp = WireReader.readFixedLong(in, "version timestamp");
      if (timestamp < 0) {
        throw new WireException("version timestamp " + timestamp + " is negative");
      }
      return Version.of(timestamp, nodeIds.read(kryo, in, NodeId.class));
    }
  }

  /** {@code KeyVersion}: length-prefixed UTF-8 key, then the {@code Version}. */
  static final class KeyVersionSerializer extends Serializer<KeyVersion> {
    private final WireLimits limits;
    private final WireReader reader;
    private final VersionSerializer versions;

    KeyVersionSerializer(WireLimits limits, WireReader reader, VersionSerializer versions) {
      super(false, true);
      this.limits = limits;
      this.reader = reader;
      this.versions = versions;
    }

    @Override
    public void write(Kryo kryo, Output out, KeyVersion kv) {
      WireWriter.writeUtf8(out, kv.key(), "key version key", limits.maxKeyBytes(), "maxKeyBytes");
      versions.write(kryo, out, kv.version());
    }

    @Override
    public KeyVersion read(Kryo kryo, Input in, Class<? extends KeyVersion> type) {
      String key = reader.readUtf8(in, "key version key", 0, limits.maxKeyBytes(), "maxKeyBytes");
      return new KeyVersion(key, versions.read(kryo, in, Version.class));
    }

    /** Writes a count-prefixed list; {@code name} names it in errors. */
    void writeList(Kryo kryo, Output out, List<KeyVersion> list, String name) {
      int n = list.size();
      WireWriter.checkCount(n, name, limits.maxEntries(), "maxEntriesPerMessage");
      out.writeVarInt(n, true);
      for (int i = 0; i < n; i++) {
        write(kryo, out, list.get(i));
      }
    }

    /** Reads a count-prefixed list of at most {@code max} elements (named {@code maxName}). */
    List<KeyVersion> readList(Kryo kryo, Input in, String name, int max, String maxName) {
      int n = WireReader.readCount(in, name, max, maxName, WireFormat.MIN_KEY_VERSION_BYTES);
      List<KeyVersion> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(read(kryo, in, KeyVersion.class));
      }
      return list;
    }
  }

  /**
   * {@code Entry}: length-prefixed UTF-8 key, {@code Version}, flags byte (bit 0: tombstone, bit
   * 1: signed), for a live entry only the length-prefixed value, and for a signed entry only a
   * one-byte signature length (always {@link Entry#SIGNATURE_BYTES}) and the signature.
   */
  static final class EntrySerializer extends Serializer<Entry> {
    private final WireLimits limits;
    private final WireReader reader;
    private final VersionSerializer versions;

    EntrySerializer(WireLimits limits, WireReader reader, VersionSerializer versions) {
      super(false, true);
      this.limits = limits;
      this.reader = reader;
      this.versions = versions;
    }

    @Override
    public void write(Kryo kryo, Output out, Entry e) {
      WireWriter.writeUtf8(out, e.key(), "entry key", limits.maxKeyBytes(), "maxKeyBytes");
      versions.write(kryo, out, e.version());
      boolean signed = e.isSigned();
      int flags =
          (e.isTombstone() ? WireFormat.ENTRY_TOMBSTONE : 0)
              | (signed ? WireFormat.ENTRY_SIGNED : 0);
      out.writeByte(flags);
      if (!e.isTombstone()) {
        WireWriter.writeBytes(
            out, e.valueUnsafe(), "entry value", limits.maxValueBytes(), "maxValueBytes");
      }
      if (signed) {
        WireWriter.writeSignature(out, e.signatureUnsafe(), "entry signature");
      }
    }

    @Override
    public Entry read(Kryo kryo, Input in, Class<? extends Entry> type) {
      String key = reader.readUtf8(in, "entry key", 0, limits.maxKeyBytes(), "maxKeyBytes");
      Version version = versions.read(kryo, in, Version.class);
      int flags = WireReader.readFlags(in, "entry flags", WireFormat.ENTRY_FLAGS);
      boolean tombstone = (flags & WireFormat.ENTRY_TOMBSTONE) != 0;
      byte[] value =
          tombstone
              ? NO_BYTES
              : WireReader.readBytes(in, "entry value", limits.maxValueBytes(), "maxValueBytes");
      if ((flags & WireFormat.ENTRY_SIGNED) == 0) {
        // The array was just allocated here and is referenced nowhere else: no copy needed.
        return Entry.wrap(key, value, version, tombstone);
      }
      byte[] signature = WireReader.readSignature(in, "entry signature");
      return Entry.wrap(key, value, version, tombstone, signature);
    }

    /** Writes a count-prefixed list of entries. */
    void writeList(Kryo kryo, Output out, List<Entry> list) {
      int n = list.size();
      WireWriter.checkCount(n, "entry", limits.maxEntries(), "maxEntriesPerMessage");
      out.writeVarInt(n, true);
      for (int i = 0; i < n; i++) {
        write(kryo, out, list.get(i));
      }
    }

    /** Reads a count-prefixed list of entries. */
    List<Entry> readList(Kryo kryo, Input in) {
      int n =
          WireReader.readCount(
              in, "entry", limits.maxEntries(), "maxEntriesPerMessage", WireFormat.MIN_ENTRY_BYTES);
      List<Entry> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(read(kryo, in, Entry.class));
      }
      return list;
    }
  }

  /**
   * {@code Digest}: 8-byte root hash, varint size (the replica's entry count, not a length: it
   * allocates nothing), then the count-prefixed list of {@code KeyVersion}s.
   */
  static final class DigestSerializer extends Serializer<Digest> {
    private final WireLimits limits;
    private final KeyVersionSerializer keyVersions;

    DigestSerializer(WireLimits limits, KeyVersionSerializer keyVersions) {
      super(false, true);
      this.limits = limits;
      this.keyVersions = keyVersions;
    }

    @Override
    public void write(Kryo kryo, Output out, Digest d) {
      out.writeLong(d.rootHash());
      out.writeVarInt(d.size(), true);
      keyVersions.writeList(kryo, out, d.versions(), "digest version");
    }

    @Override
    public Digest read(Kryo kryo, Input in, Class<? extends Digest> type) {
      long rootHash = WireReader.readFixedLong(in, "digest root hash");
      int size = WireReader.readVarInt(in, "digest size", "");
      if (size < 0) {
        throw new WireException(
            "digest size " + Integer.toUnsignedString(size) + " exceeds " + Integer.MAX_VALUE);
      }
      List<KeyVersion> versions =
          keyVersions.readList(
              kryo, in, "digest version", limits.maxEntries(), "maxEntriesPerMessage");
      // Digest keeps the list it is given; hand it one nobody can modify.
      return new Digest(rootHash, size, Collections.unmodifiableList(versions));
    }
  }
}
