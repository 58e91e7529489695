package io.gossipkit.transport.tcp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.UnknownHostException;

/**
 * The dialler's first sealed frame: the address it listens on, so the accepting side reports the
 * dialler's packets as coming from there and sends its own packets to that address over the same
 * connection.
 *
 * <pre>
 * +---------+--------+----------------------+-------------+
 * | version | family | address              | port        |
 * |  0x01   | 4 or 6 | 4 (IPv4) / 16 (IPv6) | u16 (1..)   |
 * +---------+--------+----------------------+-------------+
 * 8 bytes (IPv4) or 20 bytes (IPv6), sealed by the session's SecureChannel like any frame
 * </pre>
 *
 * <p>Because it travels inside the authenticated session, only a peer that passed the handshake
 * can claim an address, and the claim cannot be altered on the way; it remains a claim (see
 * {@code docs/tcp.md}).
 */
final class Hello {
  static final int VERSION = 1;
  /** The longest encoding (IPv6). */
  static final int MAX_BYTES = 20;

  private Hello() {}

  static byte[] encode(InetSocketAddress advertised) {
    byte[] ip = advertised.getAddress().getAddress();
    byte[] out = new byte[2 + ip.length + 2];
    out[0] = VERSION;
    out[1] = (byte) (ip.length == 4 ? 4 : 6);
    System.arraycopy(ip, 0, out, 2, ip.length);
    int port = advertised.getPort();
    out[out.length - 2] = (byte) (port >>> 8);
    out[out.length - 1] = (byte) port;
    return out;
  }

  /**
   * Parses a hello strictly: exact length for its family, version 1, a port above 0 and an
   * address a peer can be reached at (not the wildcard or a multicast group).
   */
  static InetSocketAddress decode(byte[] b) throws ProtocolException {
    if (b.length < 2) {
      throw new ProtocolException("hello is " + b.length + " bytes, too short");
    }
    if (b[0] != VERSION) {
      throw new ProtocolException("hello version " + (b[0] & 0xff) + ", expected " + VERSION);
    }
    int ipBytes;
    if (b[1] == 4) {
      ipBytes = 4;
    } else if (b[1] == 6) {
      ipBytes = 16;
    } else {
      throw new ProtocolException("hello address family " + (b[1] & 0xff) + ", expected 4 or 6");
    }
    if (b.length != 2 + ipBytes + 2) {
      throw new ProtocolException(
          "hello is " + b.length + " bytes, expected " + (2 + ipBytes + 2) + " for IPv" + b[1]);
    }
    byte[] ip = new byte[ipBytes];
    System.arraycopy(b, 2, ip, 0, ipBytes);
    int port = ((b[b.length - 2] & 0xff) << 8) | (b[b.length - 1] & 0xff);
    InetAddress address;
    try {
      address = InetAddress.getByAddress(ip);
    } catch (UnknownHostException e) {
      throw new ProtocolException("hello address of bad length: " + e.getMessage());
    }
    // An IPv4-mapped IPv6 address comes back as Inet4Address; require the family to match so one
    // address has one encoding.
    if (ipBytes == 4 != address instanceof Inet4Address
        || ipBytes == 16 != address instanceof Inet6Address) {
      throw new ProtocolException("hello address " + address + " does not match family IPv" + b[1]);
    }
    if (port == 0 || address.isAnyLocalAddress() || address.isMulticastAddress()) {
      throw new ProtocolException("hello address " + address + ":" + port + " cannot be dialled");
    }
    return new InetSocketAddress(address, port);
  }
}
