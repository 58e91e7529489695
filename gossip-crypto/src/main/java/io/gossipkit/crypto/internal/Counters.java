package io.gossipkit.crypto.internal;

import io.gossipkit.crypto.ProtectorMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Internal: may change at any time. The {@link ProtectorMetrics} of one protector, as adders. */
public final class Counters implements ProtectorMetrics {
  private final LongAdder sealed = new LongAdder();
  private final LongAdder opened = new LongAdder();
  private final LongAdder[] rejected = new LongAdder[Rejection.values().length];
  private final LongSupplier evicted;

  /** Counters reading evicted sessions from {@code evicted}. */
  public Counters(LongSupplier evicted) {
    this.evicted = evicted;
    for (int i = 0; i < rejected.length; i++) {
      rejected[i] = new LongAdder();
    }
  }

  /** Counts one sealed packet. */
  public void sealed1() {
    sealed.increment();
  }

  /** Counts one opened packet. */
  public void opened1() {
    opened.increment();
  }

  /** Counts one refusal for {@code reason}. */
  public void rejected1(Rejection reason) {
    rejected[reason.ordinal()].increment();
  }

  @Override
  public long sealed() {
    return sealed.sum();
  }

  @Override
  public long opened() {
    return opened.sum();
  }

  @Override
  public long rejected(Rejection reason) {
    return rejected[reason.ordinal()].sum();
  }

  @Override
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("sealed", sealed());
    m.put("opened", opened());
    for (Rejection r : Rejection.values()) {
      m.put(r.counterName(), rejected(r));
    }
    m.put("sessions.evicted", evicted.getAsLong());
    return m;
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
