package io.gossipkit.cli;

import io.gossipkit.api.Transport;
import io.gossipkit.testkit.net.InMemoryNetwork;
import io.gossipkit.transport.udp.UdpTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@code gossip demo} and {@code gossip bench udp} get their transports: one place, so the
 * choice between UDP on 127.0.0.1 and the in-memory stand-in is the one line in {@link #create}.
 *
 * <p>A factory hands out transports by index and knows every transport's address before any is
 * started, so every node can be built knowing every other as a member.
 */
abstract class LoopbackTransports {
  /** The transports the commands use: UDP on 127.0.0.1 (the stand-in: {@code new InMemory(...)}). */
  static LoopbackTransports create(int maxPacketBytes) {
    return new Udp(maxPacketBytes);
  }

  /** Reported in the commands' JSON as {@code transport}: {@code "udp"} or {@code "in-memory"}. */
  abstract String kind();

  /** The address transport {@code index} receives on. */
  abstract InetSocketAddress address(int index);

  /** The not yet started transport receiving on {@link #address(int) address(index)}. */
  abstract Transport transport(int index);

  /**
   * UDP on 127.0.0.1: gossip-transport-udp's {@link UdpTransport}, one socket per index, bound at
   * once to a free port so its address is known before any node starts.
   */
  static final class Udp extends LoopbackTransports {
    private final int maxPacketBytes;
    private final Map<Integer, UdpTransport> transports = new ConcurrentHashMap<>();

    Udp(int maxPacketBytes) {
      this.maxPacketBytes = maxPacketBytes;
    }

    @Override
    String kind() {
      return "udp";
    }

    @Override
    InetSocketAddress address(int index) {
      return transport(index).localAddress();
    }

    @Override
    UdpTransport transport(int index) {
      return transports.computeIfAbsent(index, i -> bound());
    }

    private UdpTransport bound() {
      UdpTransport t =
          UdpTransport.builder()
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .maxPacketBytes(maxPacketBytes)
              .build();
      try {
        return t.bind();
      } catch (IOException e) {
        t.close();
        throw new UncheckedIOException("could not bind UDP on 127.0.0.1: " + e.getMessage(), e);
      }
    }
  }

  /** The in-memory stand-in: gossip-testkit's {@link InMemoryNetwork}, packets as bytes. */
  static final class InMemory extends LoopbackTransports {
    private final InMemoryNetwork network;

    InMemory(int maxPacketBytes) {
      network = new InMemoryNetwork(maxPacketBytes);
    }

    @Override
    String kind() {
      return "in-memory";
    }

    @Override
    InetSocketAddress address(int index) {
      return network.address("t" + index);
    }

    @Override
    Transport transport(int index) {
      return network.transport("t" + index);
    }
  }
}
