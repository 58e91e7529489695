package io.gossipkit.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One member of a gossip cluster: a replicated, eventually consistent key/value map plus the
 * cluster's membership.
 *
 * <p>Methods are thread-safe: each hops onto the node's single executor and waits for it.
 * Writes return once applied to the local replica (the write is then "acknowledged") and spread
 * to the other replicas by the configured dissemination strategy.
 *
 * <pre>{@code
 * try (GossipNode node = GossipNodes.builder(GossipConfig.lan()).id("a").transport(t).build()) {
 *   node.start();
 *   node.put("color", "blue".getBytes(UTF_8));
 * }
 * }</pre>
 */
public interface GossipNode extends AutoCloseable {
  /** This node's id. */
  NodeId id();

  /** Starts the transport and the gossip rounds. */
  void start();

  /** Writes {@code value} under {@code key} and returns the write's version. */
  Version put(String key, byte[] value);

  /**
   * Writes every entry of {@code entries}, in their iteration order, as {@link #put} would one by
   * one (each key gets its own version), but without waiting for the node's thread once per key:
   * for loading many keys. Every key and value is checked before any is written, so a refused one
   * leaves the replica unchanged.
   *
   * @return each key's version, in the same order
   * @throws IllegalArgumentException if any key or value would be refused by {@link #put}
   */
  default Map<String, Version> putAll(Map<String, byte[]> entries) {
    Map<String, Version> versions = new LinkedHashMap<>();
    entries.forEach((k, v) -> versions.put(k, put(k, v)));
    return versions;
  }

  /** Deletes {@code key} (a tombstone that spreads like a write) and returns its version. */
  Version delete(String key);

  /** The value of {@code key}, or empty if absent or deleted. */
  Optional<byte[]> get(String key);

  /** Every live key and value of the local replica, tombstones left out. */
  Map<String, byte[]> snapshot();

  /** Registers {@code listener} for every change to the local replica. */
  Subscription subscribe(ChangeListener listener);

  /**
   * Announces that this node leaves the cluster, so that the others mark it LEFT at once instead
   * of suspecting it and declaring it dead; {@link #close()} it afterwards. With a static member
   * list there is nobody to tell, and this returns at once.
   */
  void leave();

  /**
   * The members this node knows, itself included: the static list, all ALIVE, or with SWIM
   * membership every member and its state (DEAD and LEFT ones until they are reaped).
   */
  List<Member> members();

  /** A snapshot of this node's counters. */
  NodeMetrics metrics();

  /** Stops gossip and releases the transport; idempotent. */
  @Override
  void close();
}
