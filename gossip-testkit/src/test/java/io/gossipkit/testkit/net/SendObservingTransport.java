package io.gossipkit.testkit.net;

import io.gossipkit.api.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * A transport that does what the one it wraps does and tells a test about every packet handed to
 * {@link #send} and whether it was accepted: for tests that count or measure what a node sends.
 */
final class SendObservingTransport implements Transport {
  /** Told of each send, after the wrapped transport answered it. */
  @FunctionalInterface
  interface Observer {
    void sent(InetSocketAddress to, byte[] packet, boolean accepted);
  }

  private final Transport delegate;
  private final Observer observer;

  SendObservingTransport(Transport delegate, Observer observer) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public void start(Receiver receiver) throws IOException {
    delegate.start(receiver);
  }

  @Override
  public boolean send(InetSocketAddress to, byte[] packet) {
    boolean accepted = delegate.send(to, packet);
    observer.sent(to, packet, accepted);
    return accepted;
  }

  @Override
  public int maxPayloadBytes() {
    return delegate.maxPayloadBytes();
  }

  @Override
  public InetSocketAddress localAddress() {
    return delegate.localAddress();
  }

  @Override
  public Map<String, Long> metrics() {
    return delegate.metrics();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
