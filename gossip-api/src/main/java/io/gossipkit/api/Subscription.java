package io.gossipkit.api;

/** Ends a {@link GossipNode#subscribe} registration. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Stops the listener; idempotent. */
  @Override
  void close();
}
