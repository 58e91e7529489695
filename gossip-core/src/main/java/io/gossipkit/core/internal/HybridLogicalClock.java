package io.gossipkit.core.internal;

import io.gossipkit.api.Version;

/**
 * Internal: may change at any time. A hybrid logical clock (Kulkarni et al., 2014) over the node's
 * injected clock: timestamps never go backwards, stay within clock skew of wall time, and order
 * every write after every write the node has already seen.
 */
public final class HybridLogicalClock {
  private long last;

  /** The next timestamp for a local write at physical time {@code nowMillis}. */
  public long next(long nowMillis) {
    long physical = Version.pack(Math.max(0, nowMillis), 0);
    // Incrementing the packed long carries a full logical counter into the millisecond part,
    // which keeps timestamps unique and monotonic even under a burst of 65,536 writes.
    last = Math.max(last + 1, physical);
    return last;
  }

  /** Takes a remote timestamp into account so later local writes order after it. */
  public void observe(long timestamp) {
    if (timestamp > last) {
      last = timestamp;
    }
  }
}
