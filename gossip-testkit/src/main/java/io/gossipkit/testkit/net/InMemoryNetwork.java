package io.gossipkit.testkit.net;

import io.gossipkit.api.Transport;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network inside one JVM for real {@code GossipNode}s: every packet is handed to the
 * recipient's receiver as bytes, so the codec and packet protector run exactly as over UDP.
 *
 * <p>Addresses are unresolved {@code name:1} socket addresses. A packet to a closed or unknown
 * transport is lost, like a datagram. Thread-safe.
 *
 * <pre>{@code
 * InMemoryNetwork net = new InMemoryNetwork();
 * Transport a = net.transport("a");
 * }</pre>
 */
public final class InMemoryNetwork {
  private final Map<InetSocketAddress, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final AtomicLong lost = new AtomicLong();
  private final int maxPayloadBytes;

  /** A network carrying packets of up to 65,507 bytes, like UDP. */
  public InMemoryNetwork() {
    this(65_507);
  }

  /** A network carrying packets of up to {@code maxPayloadBytes}. */
  public InMemoryNetwork(int maxPayloadBytes) {
    if (maxPayloadBytes < 1) {
      throw new IllegalArgumentException("maxPayloadBytes must be >= 1, was " + maxPayloadBytes);
    }
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** The address of the transport named {@code name}. */
  public InetSocketAddress address(String name) {
    return InetSocketAddress.createUnresolved(Objects.requireNonNull(name, "name"), 1);
  }

  /** A new transport reachable at {@link #address(String) address(name)}. */
  public Transport transport(String name) {
    return new Endpoint(address(name));
  }

  /** Packets lost because their recipient was unknown or closed, or its receiver threw. */
  public long lost() {
    return lost.get();
  }

  private final class Endpoint implements Transport {
    private final InetSocketAddress address;
    private volatile Receiver receiver;

    Endpoint(InetSocketAddress address) {
      this.address = address;
    }

    @Override
    public void start(Receiver r) {
      receiver = Objects.requireNonNull(r, "receiver");
      if (endpoints.putIfAbsent(address, this) != null) {
        throw new IllegalStateException("address " + address + " is already in use");
      }
    }

    @Override
    public boolean send(InetSocketAddress to, byte[] packet) {
      if (packet.length > maxPayloadBytes) {
        return false;
      }
      Endpoint target = endpoints.get(to);
      Receiver r = target == null ? null : target.receiver;
      if (r == null) {
        lost.incrementAndGet();
        return true;
      }
      try {
        r.onPacket(address, packet.clone());
      } catch (RuntimeException e) {
        // Like a datagram the receiver failed on: the sender never learns of it.
        lost.incrementAndGet();
      }
      return true;
    }

    @Override
    public int maxPayloadBytes() {
      return maxPayloadBytes;
    }

    @Override
    public InetSocketAddress localAddress() {
      return address;
    }

    @Override
    public void close() {
      receiver = null;
      endpoints.remove(address, this);
    }
  }
}
