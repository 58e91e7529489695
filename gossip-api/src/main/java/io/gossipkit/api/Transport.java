package io.gossipkit.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Carries sealed packets between nodes: datagrams (UDP), frames over streams (TCP), or a simulated
 * network.
 *
 * <p>A transport never parses what it carries: it hands the bytes to its {@link Receiver}, which
 * authenticates them first. {@link #send} never throws for network trouble: it returns false and
 * counts the drop. Implementations are thread-safe.
 */
public interface Transport extends AutoCloseable {
  /** Receives packets; called on a transport thread, must hand work to the node's executor. */
  @FunctionalInterface
  interface Receiver {
    /** One packet from {@code from}. The array is the receiver's to keep. */
    void onPacket(InetSocketAddress from, byte[] packet);

    /**
     * True while more than the receiver wants is waiting to be handled. A stream transport stops
     * reading the connection that just delivered until this turns false, so the sender is slowed
     * by the stream's own flow control instead of having its frames dropped; a datagram transport
     * may ignore it (the receiver drops what it cannot take). False by default.
     */
    default boolean isSaturated() {
      return false;
    }
  }

  /** Binds and starts delivering packets to {@code receiver}. */
  void start(Receiver receiver) throws IOException;

  /**
   * Sends {@code packet} to {@code to}; returns false if it was refused or dropped locally.
   *
   * <p>The array is the transport's from this call on: it may read it later, on its own thread
   * (a stream transport seals and writes it when the connection has room), so the caller must not
   * change it after handing it over. Nodes send a fresh array per packet; copying it here again
   * cost a memory copy of every byte a full-state sync streams.
   */
  boolean send(InetSocketAddress to, byte[] packet);

  /** Largest packet {@link #send} accepts. */
  int maxPayloadBytes();

  /** The address other nodes should send to (the advertised address). */
  InetSocketAddress localAddress();

  /**
   * A snapshot of the transport's own counters (packets and bytes in and out, drops by reason),
   * which a node reports under {@code transport.} in its metrics; empty by default.
   */
  default Map<String, Long> metrics() {
    return Map.of();
  }

  /** Stops and releases the port; idempotent. */
  @Override
  void close();
}
