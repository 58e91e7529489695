package io.gossipkit.api;

import java.util.Map;

/**
 * A snapshot of one node's counters: messages and bytes in and out, drops by reason, merges;
 * and, under {@code replica.}, what its replica holds at the snapshot ({@code replica.entries},
 * {@code replica.tombstones}, {@code replica.delete_records}), current values rather than counts.
 *
 * <p>Counter names are dotted, such as {@code messages.sent}, {@code dropped.retry_queue_full},
 * {@code updates.applied}; docs/ARCHITECTURE.md lists them.
 *
 * @param counters every counter by name
 */
public record NodeMetrics(Map<String, Long> counters) {
  /** Copies the map. */
  public NodeMetrics {
    counters = Map.copyOf(counters);
  }

  /** The counter {@code name}, or 0 if it never moved. */
  public long get(String name) {
    return counters.getOrDefault(name, 0L);
  }
}
