package io.gossipkit.core.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.Ack;
import io.gossipkit.api.message.MemberGossip;
import io.gossipkit.api.message.MemberSync;
import io.gossipkit.api.message.MemberUpdate;
import io.gossipkit.api.message.Nack;
import io.gossipkit.api.message.Ping;
import io.gossipkit.api.message.PingReq;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written Kryo serializers of the membership messages (ids 30 to 35, laid out in {@link
 * MembershipWire}). Every list is capped by {@code maxEntriesPerMessage} and by the bytes that
 * remain, every id and host name by its length limit, before anything is allocated; a host name is
 * never resolved, so a packet cannot make a node query DNS.
 */
final class MembershipSerializers {
  private MembershipSerializers() {}

  /** Registers every membership type on {@code kryo}. */
  static void register(
      Kryo kryo, WireLimits limits, WireReader reader, ValueSerializers.NodeIdSerializer ids) {
    UpdateSerializer updates = new UpdateSerializer(limits, reader, ids);
    kryo.register(MemberUpdate.class, updates, MembershipWire.ID_MEMBER_UPDATE);
    kryo.register(Ping.class, new PingSerializer(ids, updates), MembershipWire.ID_PING);
    kryo.register(
        PingReq.class, new PingReqSerializer(reader, ids, updates), MembershipWire.ID_PING_REQ);
    kryo.register(Ack.class, new AckSerializer(updates), MembershipWire.ID_ACK);
    kryo.register(MemberSync.class, new SyncSerializer(updates), MembershipWire.ID_MEMBER_SYNC);
    kryo.register(
        MemberGossip.class, new GossipSerializer(updates), MembershipWire.ID_MEMBER_GOSSIP);
    kryo.register(Nack.class, new NackSerializer(), MembershipWire.ID_NACK);
  }

  static long readIncarnation(Input in, String field) {
    long v = WireReader.readVarLong(in, field);
    if (v < 0) {
      throw new WireException(field + " " + Long.toUnsignedString(v) + " is negative as a long");
    }
    return v;
  }

  static void writeAddress(Output out, InetSocketAddress a, String name) {
    if (a.isUnresolved()) {
      out.writeByte(MembershipWire.KIND_HOST);
      WireWriter.writeUtf8(out, a.getHostString(), name + " host", MembershipWire.MAX_HOST_BYTES,
          "MAX_HOST_BYTES");
    } else {
      InetAddress ip = a.getAddress();
      out.writeByte(ip instanceof Inet4Address ? MembershipWire.KIND_IPV4 : MembershipWire.KIND_IPV6);
      out.writeBytes(ip.getAddress());
    }
    out.writeByte(a.getPort() >>> 8);
    out.writeByte(a.getPort() & 0xFF);
  }

  static InetSocketAddress readAddress(Input in, WireReader reader, String name) {
    int kind = WireReader.readUnsignedByte(in, name + " kind");
    String host = null;
    InetAddress ip = null;
    if (kind == MembershipWire.KIND_HOST) {
      host = reader.readUtf8(in, name + " host", 1, MembershipWire.MAX_HOST_BYTES, "MAX_HOST_BYTES");
    } else if (kind == MembershipWire.KIND_IPV4 || kind == MembershipWire.KIND_IPV6) {
      int n = kind == MembershipWire.KIND_IPV4 ? 4 : 16;
      if (WireReader.remaining(in) < n) {
        throw new WireException("truncated input: " + name + " needs " + n + " bytes, "
            + WireReader.remaining(in) + " remain");
      }
      byte[] raw = in.readBytes(n);
      try {
        ip = InetAddress.getByAddress(raw); // raw bytes: no lookup
      } catch (UnknownHostException e) {
        throw new WireException(name + " of " + n + " bytes is not an address");
      }
    } else {
      throw new WireException(name + " kind " + kind + " is not one of 1 (host), 4 (IPv4), "
          + "6 (IPv6)");
    }
    int port = WireReader.readUnsignedByte(in, name + " port") << 8;
    port |= WireReader.readUnsignedByte(in, name + " port");
    return host != null ? InetSocketAddress.createUnresolved(host, port)
        : new InetSocketAddress(ip, port);
  }

  /** {@code MemberUpdate}: see {@link MembershipWire}. */
  static final class UpdateSerializer extends Serializer<MemberUpdate> {
    private final WireLimits limits;
    private final WireReader reader;
    private final ValueSerializers.NodeIdSerializer ids;

    UpdateSerializer(WireLimits limits, WireReader reader, ValueSerializers.NodeIdSerializer ids) {
      super(false, true);
      this.limits = limits;
      this.reader = reader;
      this.ids = ids;
    }

    @Override
    public void write(Kryo kryo, Output out, MemberUpdate u) {
      boolean fromSelf = u.from().equals(u.id());
      out.writeByte(MembershipWire.stateCode(u.state())
          | (u.address() != null ? MembershipWire.HAS_ADDRESS : 0)
          | (fromSelf ? MembershipWire.FROM_SELF : 0));
      kryo.writeObject(out, u.id(), ids);
      out.writeVarLong(u.incarnation(), true);
      if (u.address() != null) {
        writeAddress(out, u.address(), "member address");
      }
      if (!fromSelf) {
        kryo.writeObject(out, u.from(), ids);
      }
    }

    @Override
    public MemberUpdate read(Kryo kryo, Input in, Class<? extends MemberUpdate> type) {
      int flags = WireReader.readFlags(in, "member update flags", MembershipWire.UPDATE_FLAGS);
      MemberState state = MembershipWire.state(flags & MembershipWire.STATE_MASK);
      NodeId id = kryo.readObject(in, NodeId.class, ids);
      long incarnation = readIncarnation(in, "member incarnation");
      InetSocketAddress address = (flags & MembershipWire.HAS_ADDRESS) != 0
          ? readAddress(in, reader, "member address") : null;
      if (state == MemberState.ALIVE && address == null) {
        throw new WireException("ALIVE member update for " + id + " has no address");
      }
      NodeId from = (flags & MembershipWire.FROM_SELF) != 0
          ? id : kryo.readObject(in, NodeId.class, ids);
      return new MemberUpdate(id, address, state, incarnation, from);
    }

    void writeList(Kryo kryo, Output out, List<MemberUpdate> list) {
      int n = list.size();
      WireWriter.checkCount(n, "member update", limits.maxEntries(), "maxEntriesPerMessage");
      out.writeVarInt(n, true);
      for (int i = 0; i < n; i++) {
        kryo.writeObject(out, list.get(i), this);
      }
    }

    List<MemberUpdate> readList(Kryo kryo, Input in) {
      int n = WireReader.readCount(in, "member update", limits.maxEntries(),
          "maxEntriesPerMessage", MembershipWire.MIN_UPDATE_BYTES);
      List<MemberUpdate> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(kryo.readObject(in, MemberUpdate.class, this));
      }
      return list;
    }
  }

  /** {@code Ping}: varlong sequence, target id, updates. */
  static final class PingSerializer extends Serializer<Ping> {
    private final ValueSerializers.NodeIdSerializer ids;
    private final UpdateSerializer updates;

    PingSerializer(ValueSerializers.NodeIdSerializer ids, UpdateSerializer updates) {
      super(false, true);
      this.ids = ids;
      this.updates = updates;
    }

    @Override
    public void write(Kryo kryo, Output out, Ping m) {
      out.writeVarLong(m.sequence(), true);
      kryo.writeObject(out, m.target(), ids);
      updates.writeList(kryo, out, m.updates());
    }

    @Override
    public Ping read(Kryo kryo, Input in, Class<? extends Ping> type) {
      long sequence = WireReader.readVarLong(in, "ping sequence");
      NodeId target = kryo.readObject(in, NodeId.class, ids);
      return new Ping(sequence, target, updates.readList(kryo, in));
    }
  }

  /** {@code PingReq}: varlong sequence, target id, target address, updates. */
  static final class PingReqSerializer extends Serializer<PingReq> {
    private final WireReader reader;
    private final ValueSerializers.NodeIdSerializer ids;
    private final UpdateSerializer updates;

    PingReqSerializer(
        WireReader reader, ValueSerializers.NodeIdSerializer ids, UpdateSerializer updates) {
      super(false, true);
      this.reader = reader;
      this.ids = ids;
      this.updates = updates;
    }

    @Override
    public void write(Kryo kryo, Output out, PingReq m) {
      out.writeVarLong(m.sequence(), true);
      kryo.writeObject(out, m.target(), ids);
      writeAddress(out, m.targetAddress(), "target address");
      updates.writeList(kryo, out, m.updates());
    }

    @Override
    public PingReq read(Kryo kryo, Input in, Class<? extends PingReq> type) {
      long sequence = WireReader.readVarLong(in, "ping request sequence");
      NodeId target = kryo.readObject(in, NodeId.class, ids);
      InetSocketAddress address = readAddress(in, reader, "target address");
      return new PingReq(sequence, target, address, updates.readList(kryo, in));
    }
  }

  /** {@code Ack}: varlong sequence, updates. */
  static final class AckSerializer extends Serializer<Ack> {
    private final UpdateSerializer updates;

    AckSerializer(UpdateSerializer updates) {
      super(false, true);
      this.updates = updates;
    }

    @Override
    public void write(Kryo kryo, Output out, Ack m) {
      out.writeVarLong(m.sequence(), true);
      updates.writeList(kryo, out, m.updates());
    }

    @Override
    public Ack read(Kryo kryo, Input in, Class<? extends Ack> type) {
      long sequence = WireReader.readVarLong(in, "ack sequence");
      return new Ack(sequence, updates.readList(kryo, in));
    }
  }

  /** {@code MemberSync}: flags (bit 0 wantReply), updates. */
  static final class SyncSerializer extends Serializer<MemberSync> {
    private final UpdateSerializer updates;

    SyncSerializer(UpdateSerializer updates) {
      super(false, true);
      this.updates = updates;
    }

    @Override
    public void write(Kryo kryo, Output out, MemberSync m) {
      out.writeByte(m.wantReply() ? MembershipWire.SYNC_WANT_REPLY : 0);
      updates.writeList(kryo, out, m.updates());
    }

    @Override
    public MemberSync read(Kryo kryo, Input in, Class<? extends MemberSync> type) {
      int flags = WireReader.readFlags(in, "member sync flags", MembershipWire.SYNC_WANT_REPLY);
      return new MemberSync(
          (flags & MembershipWire.SYNC_WANT_REPLY) != 0, updates.readList(kryo, in));
    }
  }

  /** {@code Nack}: varlong sequence. */
  static final class NackSerializer extends Serializer<Nack> {
    NackSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, Nack m) {
      out.writeVarLong(m.sequence(), true);
    }

    @Override
    public Nack read(Kryo kryo, Input in, Class<? extends Nack> type) {
      return new Nack(WireReader.readVarLong(in, "nack sequence"));
    }
  }

  /** {@code MemberGossip}: updates. */
  static final class GossipSerializer extends Serializer<MemberGossip> {
    private final UpdateSerializer updates;

    GossipSerializer(UpdateSerializer updates) {
      super(false, true);
      this.updates = updates;
    }

    @Override
    public void write(Kryo kryo, Output out, MemberGossip m) {
      updates.writeList(kryo, out, m.updates());
    }

    @Override
    public MemberGossip read(Kryo kryo, Input in, Class<? extends MemberGossip> type) {
      return new MemberGossip(updates.readList(kryo, in));
    }
  }
}
