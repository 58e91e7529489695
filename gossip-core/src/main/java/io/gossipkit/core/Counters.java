package io.gossipkit.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * Named counters of one environment: one node's in production, a whole simulation's in the
 * testkit. Not thread-safe: updated and read on the owning executor.
 */
public final class Counters {
  private final Map<String, long[]> cells = new TreeMap<>();

  /** Adds {@code delta} to counter {@code name}. */
  public void add(String name, long delta) {
    long[] cell = cells.get(name);
    if (cell == null) {
      cells.put(name, cell = new long[1]);
    }
    cell[0] += delta;
  }

  /** The counter {@code name}, or 0. */
  public long get(String name) {
    long[] cell = cells.get(name);
    return cell == null ? 0 : cell[0];
  }

  /** A copy of every counter, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    cells.forEach((k, v) -> out.put(k, v[0]));
    return out;
  }
}
