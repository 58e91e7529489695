package io.gossipkit.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * Named counters of one environment: one node's in production, a whole simulation's in the
 * testkit. Not thread-safe: updated and read on the owning executor.
 */
public final class Counters {
  private final Map<String, Counter> cells = new TreeMap<>();

  /**
   * One named counter, for a hot path: it counts through the handle instead of looking the name
   * up for every event.
   */
  public static final class Counter {
    private long value;

    private Counter() {}

    /** Adds {@code delta}. */
    public void add(long delta) {
      value += delta;
    }

    /** The count so far. */
    public long get() {
      return value;
    }
  }

  /** The counter {@code name}, made at 0 if new (it is then in every snapshot). */
  public Counter counter(String name) {
    Counter c = cells.get(name);
    if (c == null) {
      cells.put(name, c = new Counter());
    }
    return c;
  }

  /** Adds {@code delta} to counter {@code name}. */
  public void add(String name, long delta) {
    counter(name).add(delta);
  }

  /** The counter {@code name}, or 0. */
  public long get(String name) {
    Counter c = cells.get(name);
    return c == null ? 0 : c.value;
  }

  /** A copy of every counter, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    cells.forEach((k, v) -> out.put(k, v.value));
    return out;
  }
}
