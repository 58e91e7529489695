package io.gossipkit.core;

import static io.gossipkit.api.internal.Arguments.atLeast;

import io.gossipkit.api.Exchange;
import io.gossipkit.api.PeerSelector;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Immutable settings of rumor mongering: exchange, stop rule, k, fanout and peer selector.
 *
 * <pre>{@code
 * RumorOptions o = RumorOptions.builder().exchange(Exchange.PUSH).stopRule(StopRule.FEEDBACK_COUNTER).k(2).build();
 * }</pre>
 */
public final class RumorOptions {
  final Exchange exchange;
  final StopRule stopRule;
  final int k;
  final int fanout;
  final boolean resetOnNecessary;
  final int maxHot;
  final boolean lazyPayload;
  final Supplier<PeerSelector> selector;

  private RumorOptions(Builder b) {
    lazyPayload = b.lazyPayload;
    exchange = b.exchange;
    stopRule = b.stopRule;
    k = b.k;
    fanout = b.fanout;
    resetOnNecessary = b.resetOnNecessary;
    maxHot = b.maxHot;
    selector = b.selector;
  }

  /** A builder: push, feedback + counter, k = 2, the configured fanout, uniform random peers. */
  public static Builder builder() {
    return new Builder();
  }

  /** The exchange. */
  public Exchange exchange() {
    return exchange;
  }

  /** The stop rule. */
  public StopRule stopRule() {
    return stopRule;
  }

  /** The k of the stop rule. */
  public int k() {
    return k;
  }

  /** Peers per round, or 0 for the configuration's fanout. */
  public int fanout() {
    return fanout;
  }

  /** True if a necessary contact resets a counter rule's count (Demers' Table 1 setting). */
  public boolean resetOnNecessary() {
    return resetOnNecessary;
  }

  /** Most rumors a node keeps hot; the oldest beyond it is dropped and counted. */
  public int maxHot() {
    return maxHot;
  }

  /**
   * True if pushes are lazy: a node that learns a rumor sends the value to its ring successor and
   * offers it by key and version to its other peers (and in later rounds), and peers ask for what
   * they lack. Off by default (Demers' rumor mongering sends the value on every contact).
   */
  public boolean lazyPayload() {
    return lazyPayload;
  }

  @Override
  public String toString() {
    return "RumorOptions{exchange=" + exchange + ", stopRule=" + stopRule + ", k=" + k
        + ", fanout=" + fanout + ", resetOnNecessary=" + resetOnNecessary + ", maxHot=" + maxHot
        + ", lazyPayload=" + lazyPayload + "}";
  }

  /** Builds {@link RumorOptions}; setters check their argument. */
  public static final class Builder {
    private Exchange exchange = Exchange.PUSH;
    private StopRule stopRule = StopRule.FEEDBACK_COUNTER;
    private int k = 2;
    private int fanout;
    private boolean resetOnNecessary = true;
    private int maxHot = 4096;
    private boolean lazyPayload;
    private Supplier<PeerSelector> selector = PeerSelectors::random;

    private Builder() {}

    /** Push, pull or push-pull. */
    public Builder exchange(Exchange v) {
      exchange = Objects.requireNonNull(v, "exchange");
      return this;
    }

    /** When to lose interest. */
    public Builder stopRule(StopRule v) {
      stopRule = Objects.requireNonNull(v, "stopRule");
      return this;
    }

    /** The counter limit, or the inverse probability of the coin; at least 1. */
    public Builder k(int v) {
      k = atLeast("k", 1, v);
      return this;
    }

    /** Peers per round; 0 means the configuration's fanout. */
    public Builder fanout(int v) {
      fanout = atLeast("fanout", 0, v);
      return this;
    }

    /** Whether a necessary contact resets the counter; true by default. */
    public Builder resetOnNecessary(boolean v) {
      resetOnNecessary = v;
      return this;
    }

    /** Most hot rumors per node; at least 1. */
    public Builder maxHot(int v) {
      maxHot = atLeast("maxHot", 1, v);
      return this;
    }

    /**
     * Lazy pushes: the value to the ring successor, offers (key and version) to the other peers,
     * values only on request. Cuts the copies of each value sent to about one per node.
     */
    public Builder lazyPayload(boolean v) {
      lazyPayload = v;
      return this;
    }

    /** Supplies each node's peer selector (called once per node). */
    public Builder selector(Supplier<PeerSelector> v) {
      selector = Objects.requireNonNull(v, "selector");
      return this;
    }

    /** Builds the options. */
    public RumorOptions build() {
      return new RumorOptions(this);
    }
  }
}
