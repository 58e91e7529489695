package io.gossipkit.core;

import io.gossipkit.api.ChangeListener;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.ReplicaStore;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.core.internal.HybridLogicalClock;
import io.gossipkit.core.internal.VersionedStore;
import java.util.Objects;

/**
 * One node's protocol state machine: its replica, its dissemination strategy and its gossip
 * rounds.
 *
 * <p>Single-threaded by design: every method must be called on the node's one executor (the
 * scheduler's thread in production, the simulator's loop in the testkit), so no lock guards any
 * state. The same class runs in production and in simulation; only the {@link EngineEnvironment}
 * differs. The engine never reads the wall clock, sleeps, starts threads or creates a random
 * generator: time, timers and randomness come from the environment.
 *
 * <p>Rounds are timers that the engine arms only while its strategy has work
 * ({@link DisseminationStrategy#isIdle()} is false), so an idle node costs nothing per round; the
 * synchronous-cycle simulator relies on this to skip idle nodes.
 */
public final class GossipEngine implements GossipContext, Runnable {
  private final NodeId self;
  private final EngineEnvironment env;
  private final DisseminationStrategy strategy;
  private final PeerView peers;
  private final VersionedStore store = new VersionedStore();
  private final HybridLogicalClock hlc = new HybridLogicalClock();
  private ChangeListener listener;
  private boolean roundArmed;
  private boolean started;
  private boolean stopped;

  /**
   * Creates an engine; it does nothing until {@link #start()}.
   *
   * @param self this node's id
   * @param env the (possibly shared) environment
   * @param strategy this node's own strategy instance
   * @param peers this node's view of its peers
   */
  public GossipEngine(
      NodeId self, EngineEnvironment env, DisseminationStrategy strategy, PeerView peers) {
    this.self = Objects.requireNonNull(self, "self");
    this.env = Objects.requireNonNull(env, "env");
    this.strategy = Objects.requireNonNull(strategy, "strategy");
    this.peers = Objects.requireNonNull(peers, "peers");
  }

  /** Starts gossip rounds. The first round comes after a random fraction of the interval. */
  public void start() {
    if (started) {
      return;
    }
    started = true;
    armRound(true);
  }

  /** Stops: pending timers become no-ops and messages are ignored. Idempotent. */
  public void stop() {
    stopped = true;
  }

  /** True after {@link #stop()}. */
  public boolean isStopped() {
    return stopped;
  }

  /** Writes {@code value} under {@code key} locally and hands it to the strategy. */
  public Version put(String key, byte[] value) {
    Version v = Version.of(hlc.next(env.clock.millis()), self);
    writeLocal(Entry.of(key, value, v));
    return v;
  }

  /** Deletes {@code key} locally (a tombstone) and hands the tombstone to the strategy. */
  public Version delete(String key) {
    Version v = Version.of(hlc.next(env.clock.millis()), self);
    writeLocal(Entry.tombstone(key, v));
    return v;
  }

  private void writeLocal(Entry e) {
    Entry previous = store.apply(e, env.mergePolicy);
    if (previous == VersionedStore.UNCHANGED) {
      // Possible only under a merge policy that keeps the older write (first-writer-wins).
      env.counters.add("writes.rejected_by_merge_policy", 1);
      return;
    }
    notifyChange(previous, e, true);
    if (!stopped) {
      strategy.onLocalUpdate(this, e);
      armRound(false);
    }
  }

  /** Hands a message received from {@code from} to the strategy. Ignored after stop. */
  public void receive(NodeId from, GossipMessage message) {
    if (stopped) {
      return;
    }
    strategy.onMessage(this, from, message);
    armRound(false);
  }

  /** Sets the one listener told of every change (the facade fans out to its subscribers). */
  public void listener(ChangeListener listener) {
    this.listener = listener;
  }

  /** This node's replica, read-only for callers outside the engine. */
  @Override
  public ReplicaStore store() {
    return store;
  }

  /** This node's strategy. */
  public DisseminationStrategy strategy() {
    return strategy;
  }

  @Override
  public NodeId self() {
    return self;
  }

  @Override
  public PeerView peers() {
    return peers;
  }

  @Override
  public boolean apply(Entry entry) {
    hlc.observe(entry.version().timestamp());
    if (entry.isTombstone()
        && entry.version().millis() < env.clock.millis() - env.tombstoneTtlMillis) {
      // An expired tombstone would be collected again at once; accepting it would only make
      // replicas that already collected it disagree for a while.
      env.counters.add("tombstones.expired_ignored", 1);
      return false;
    }
    Entry previous = store.apply(entry, env.mergePolicy);
    if (previous == VersionedStore.UNCHANGED) {
      return false;
    }
    notifyChange(previous, store.get(entry.key()), false);
    return true;
  }

  private void notifyChange(Entry previous, Entry current, boolean local) {
    if (env.observer != null) {
      env.observer.onChange(this, previous, current, local);
    }
    if (listener != null) {
      listener.onChange(previous, current);
    }
  }

  @Override
  public void send(NodeId to, GossipMessage message) {
    env.sink.send(self, to, message);
  }

  @Override
  public long now() {
    return env.clock.millis();
  }

  @Override
  public RandomSource random() {
    return env.random;
  }

  @Override
  public GossipConfig config() {
    return env.config;
  }

  @Override
  public void count(String name, long delta) {
    env.counters.add(name, delta);
  }

  @Override
  public void wake() {
    armRound(false);
  }

  private void armRound(boolean first) {
    if (roundArmed || stopped || !started) {
      return;
    }
    boolean idle = strategy.isIdle();
    if (idle && store.tombstones() == 0) {
      return;
    }
    roundArmed = true;
    long interval = env.intervalMillis;
    long delay;
    if (idle) {
      // Nothing to spread, but tombstones to collect: wake rarely, a tenth of their lifetime.
      delay = Math.max(interval, env.tombstoneTtlMillis / 10);
    } else if (first) {
      delay = 1 + (long) (env.random.nextDouble() * interval);
    } else if (env.jitter > 0) {
      delay = Math.max(1, interval + (long) ((env.random.nextDouble() * 2 - 1) * env.jitter * interval));
    } else {
      delay = interval;
    }
    // The engine is its own timer task: no extra object per node, and a simulator that holds
    // the task holds the engine, so it can ask an active node's strategy for its state.
    env.scheduler.schedule(delay, this);
  }

  /**
   * Runs one gossip round. Called only by the scheduler the engine armed, on the node's executor;
   * calling it directly runs an extra round.
   */
  @Override
  public void run() {
    roundArmed = false;
    if (stopped) {
      return;
    }
    if (!strategy.isIdle()) {
      strategy.onRound(this);
    }
    if (store.tombstones() > 0) {
      int removed = store.collectTombstones(env.clock.millis() - env.tombstoneTtlMillis);
      if (removed > 0) {
        env.counters.add("tombstones.collected", removed);
      }
    }
    armRound(false);
  }

  @Override
  public String toString() {
    return "GossipEngine{" + self + ", entries=" + store.size() + "}";
  }
}
