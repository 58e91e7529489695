package io.gossipkit.transport.tcp;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Named cumulative counters, updated from any thread; every known name reads 0 until counted. */
final class Counters {
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  Counters(List<String> names) {
    for (String name : names) {
      counters.put(name, new LongAdder());
    }
  }

  void add(String name, long delta) {
    counters.computeIfAbsent(name, k -> new LongAdder()).add(delta);
  }

  void increment(String name) {
    add(name, 1);
  }

  long get(String name) {
    LongAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  /** A sorted snapshot. */
  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
