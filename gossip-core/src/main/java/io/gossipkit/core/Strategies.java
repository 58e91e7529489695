package io.gossipkit.core;

import static io.gossipkit.api.internal.Arguments.atLeast;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.core.internal.AntiEntropy;
import io.gossipkit.core.internal.CompositeStrategy;
import io.gossipkit.core.internal.DirectMail;
import io.gossipkit.core.internal.RumorMongering;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The built-in dissemination strategies. Each factory returns a supplier that makes one strategy
 * instance per node (strategies keep per-node state).
 *
 * <pre>{@code
 * Supplier<DisseminationStrategy> s = Strategies.composite(
 *     Strategies.rumorMongering(RumorOptions.builder().k(3).build()),
 *     Strategies.antiEntropy(Exchange.PUSH_PULL), 150);
 * }</pre>
 */
public final class Strategies {
  private Strategies() {}

  /** Anti-entropy with uniform random peers and the configured fanout. */
  public static Supplier<DisseminationStrategy> antiEntropy(Exchange exchange) {
    return antiEntropy(exchange, PeerSelectors::random, 0);
  }

  /**
   * Anti-entropy.
   *
   * @param exchange push, pull or push-pull
   * @param selector supplies each node's peer selector (random, or a ring for closed-loop sync)
   * @param fanout peers per round, or 0 for the configured fanout
   */
  public static Supplier<DisseminationStrategy> antiEntropy(
      Exchange exchange, Supplier<PeerSelector> selector, int fanout) {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(selector, "selector");
    atLeast("fanout", 0, fanout);
    // Anti-entropy keeps no per-node state besides its selector. When the supplier hands out one
    // shared (stateless) selector, every node shares one strategy too: a simulation of a million
    // nodes then holds one object instead of a million, and touches one cache line instead of one
    // per node.
    return new Supplier<>() {
      private PeerSelector lastSelector;
      private AntiEntropy lastStrategy;

      @Override
      public synchronized DisseminationStrategy get() {
        PeerSelector s = selector.get();
        if (s != lastSelector || lastStrategy == null) {
          lastSelector = s;
          lastStrategy = new AntiEntropy(exchange, s, fanout);
        }
        return lastStrategy;
      }
    };
  }

  /** Rumor mongering with the given options. */
  public static Supplier<DisseminationStrategy> rumorMongering(RumorOptions options) {
    Objects.requireNonNull(options, "options");
    return () -> new RumorMongering(options, options.selector.get());
  }

  /** Direct mail: every write sent to every live peer, acknowledged, retried from a bounded queue. */
  public static Supplier<DisseminationStrategy> directMail() {
    return DirectMail::new;
  }

  /**
   * A fast strategy every round backed by a slow one every {@code backupEvery} rounds.
   *
   * @param fast usually rumor mongering
   * @param backup usually push-pull anti-entropy
   * @param backupEvery rounds between two backup rounds, at least 1
   */
  public static Supplier<DisseminationStrategy> composite(
      Supplier<DisseminationStrategy> fast, Supplier<DisseminationStrategy> backup, int backupEvery) {
    Objects.requireNonNull(fast, "fast");
    Objects.requireNonNull(backup, "backup");
    atLeast("backupEvery", 1, backupEvery);
    return () -> new CompositeStrategy(fast.get(), backup.get(), backupEvery);
  }
}
