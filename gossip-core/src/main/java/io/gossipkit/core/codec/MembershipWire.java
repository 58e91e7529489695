package io.gossipkit.core.codec;

import io.gossipkit.api.MemberState;
import io.gossipkit.api.message.Ack;
import io.gossipkit.api.message.MemberGossip;
import io.gossipkit.api.message.MemberSync;
import io.gossipkit.api.message.MemberUpdate;
import io.gossipkit.api.message.MembershipMessage;
import io.gossipkit.api.message.Nack;
import io.gossipkit.api.message.Ping;
import io.gossipkit.api.message.PingReq;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The wire constants and size arithmetic of the membership (SWIM) messages, ids 30 to 39 (35 used); kept
 * apart from {@link WireFormat} so the membership wire format reads as one piece.
 *
 * <pre>
 * type  message        body
 *  30   Ping           sequence:varlong  target:nodeId  updates
 *  31   PingReq        sequence:varlong  target:nodeId  targetAddress:address  updates
 *  32   Ack            sequence:varlong  updates
 *  33   MemberSync     flags:u8 (bit 0 wantReply)  updates
 *  34   MemberGossip   updates
 *  35   Nack           sequence:varlong
 *
 * updates  count:varint (&lt;= maxEntriesPerMessage)  update * count
 * update   flags:u8  id:nodeId  incarnation:varlong  [address]  [from:nodeId]
 *            flags bits 0-1: state (0 alive, 1 suspect, 2 dead, 3 left)
 *            flags bit 2: an address follows; bit 3: from is the member itself (not written)
 * address  kind:u8  then 4 bytes (kind 4, IPv4), 16 bytes (kind 6, IPv6) or a host name
 *          string of 1..255 bytes (kind 1, never resolved by the reader)  then port:u16 big-endian
 * </pre>
 *
 * 39 is the registration id of the {@link MemberUpdate} value type; it never appears as a type
 * byte.
 */
final class MembershipWire {
  static final int ID_PING = 30;
  static final int ID_PING_REQ = 31;
  static final int ID_ACK = 32;
  static final int ID_MEMBER_SYNC = 33;
  static final int ID_MEMBER_GOSSIP = 34;
  static final int ID_NACK = 35;
  static final int FIRST_ID = ID_PING;
  static final int LAST_ID = ID_NACK;
  /** Registration id of the {@link MemberUpdate} value type (not a message id). */
  static final int ID_MEMBER_UPDATE = 39;

  static final int STATE_MASK = 0x03;
  static final int HAS_ADDRESS = 0x04;
  static final int FROM_SELF = 0x08;
  static final int UPDATE_FLAGS = STATE_MASK | HAS_ADDRESS | FROM_SELF;
  static final int SYNC_WANT_REPLY = 0x01;

  static final int KIND_HOST = 1;
  static final int KIND_IPV4 = 4;
  static final int KIND_IPV6 = 6;
  /** Longest host name of an unresolved address, in UTF-8 bytes. */
  static final int MAX_HOST_BYTES = 255;

  /** Fewest bytes of one update: flags, a one-byte id with its length, a one-byte incarnation. */
  static final int MIN_UPDATE_BYTES = 4;

  private MembershipWire() {}

  static boolean isMessageId(int id) {
    return id >= FIRST_ID && id <= LAST_ID;
  }

  // Explicit codes rather than ordinal(): reordering the enum must not change the wire.
  static int stateCode(MemberState s) {
    switch (s) {
      case ALIVE:
        return 0;
      case SUSPECT:
        return 1;
      case DEAD:
        return 2;
      case LEFT:
        return 3;
      default:
        throw new WireException("member state " + s + " has no wire code");
    }
  }

  static MemberState state(int code) {
    switch (code) {
      case 0:
        return MemberState.ALIVE;
      case 1:
        return MemberState.SUSPECT;
      case 2:
        return MemberState.DEAD;
      default:
        return MemberState.LEFT;
    }
  }

  /** Bytes of an address: kind, the address or host name, the port. */
  static long addressSize(InetSocketAddress a) {
    if (a.isUnresolved()) {
      return 1 + WireFormat.stringSize(a.getHostString()) + 2;
    }
    return 1 + (a.getAddress() instanceof Inet4Address ? 4 : 16) + 2;
  }

  static long updateSize(MemberUpdate u) {
    long size = 1 + WireFormat.stringSize(u.id().value()) + WireFormat.varLongSize(u.incarnation());
    if (u.address() != null) {
      size += addressSize(u.address());
    }
    if (!u.from().equals(u.id())) {
      size += WireFormat.stringSize(u.from().value());
    }
    return size;
  }

  static long updatesSize(List<MemberUpdate> updates) {
    int n = updates.size();
    long size = WireFormat.varIntSize(n);
    for (int i = 0; i < n; i++) {
      size += updateSize(updates.get(i));
    }
    return size;
  }

  /** Bytes of a membership message, header included. */
  static long messageSize(MembershipMessage m) {
    long body;
    if (m instanceof Ping) {
      Ping p = (Ping) m;
      body = WireFormat.varLongSize(p.sequence()) + WireFormat.stringSize(p.target().value());
    } else if (m instanceof Ack) {
      body = WireFormat.varLongSize(((Ack) m).sequence());
    } else if (m instanceof PingReq) {
      PingReq r = (PingReq) m;
      body = WireFormat.varLongSize(r.sequence()) + WireFormat.stringSize(r.target().value())
          + addressSize(r.targetAddress());
    } else if (m instanceof MemberSync) {
      body = 1;
    } else if (m instanceof MemberGossip) {
      body = 0;
    } else if (m instanceof Nack) {
      return WireFormat.HEADER_BYTES + WireFormat.varLongSize(((Nack) m).sequence());
    } else {
      throw new IllegalArgumentException("unknown message type " + m.getClass().getName());
    }
    return WireFormat.HEADER_BYTES + body + updatesSize(m.updates());
  }

  static String messageName(int id) {
    switch (id) {
      case ID_PING:
        return "Ping";
      case ID_PING_REQ:
        return "PingReq";
      case ID_ACK:
        return "Ack";
      case ID_MEMBER_SYNC:
        return "MemberSync";
      case ID_MEMBER_GOSSIP:
        return "MemberGossip";
      case ID_NACK:
        return "Nack";
      default:
        return null;
    }
  }
}
