package io.gossipkit.core;

import io.gossipkit.api.ChangeListener;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.EntrySigner;
import io.gossipkit.api.EntryVerifier;
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
 *
 * <p>Origin signatures: with an {@link EntrySigner} in the environment every local write is signed
 * before it is stored or spread. Every received entry that carries a signature, and every received
 * entry when the configuration {@linkplain GossipConfig#requireSignatures() requires signatures},
 * is checked by the environment's {@link EntryVerifier} before it may change the replica or the
 * clock; what is refused is counted ({@code dropped.bad_signature}, {@code dropped.unknown_signer},
 * {@code dropped.unsigned}) and never applied. Without a signer, a verifier or the requirement, the
 * cost is one shared boolean and one reference compare per received entry.
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

  /**
   * Writes {@code value} under {@code key} locally, signed if the environment has a signer, and
   * hands it to the strategy.
   *
   * @throws IllegalStateException if the signer refuses the write; nothing is then written
   */
  public Version put(String key, byte[] value) {
    Version v = Version.of(hlc.next(env.clock.millis()), self);
    writeLocal(signed(Entry.of(key, value, v)));
    return v;
  }

  /**
   * Deletes {@code key} locally (a tombstone, signed if the environment has a signer) and hands
   * the tombstone to the strategy.
   *
   * @throws IllegalStateException if the signer refuses the write; nothing is then written
   */
  public Version delete(String key) {
    Version v = Version.of(hlc.next(env.clock.millis()), self);
    writeLocal(signed(Entry.tombstone(key, v)));
    return v;
  }

  private Entry signed(Entry e) {
    EntrySigner signer = env.signer;
    if (signer == null) {
      return e;
    }
    byte[] signature;
    try {
      signature = signer.sign(e);
    } catch (RuntimeException ex) {
      // Refuse the write rather than spread it unsigned: peers that require signatures would
      // drop it, and the caller would never learn why.
      throw new IllegalStateException(
          "node " + self + " could not sign its write of key '" + e.key() + "': " + ex.getMessage(),
          ex);
    }
    if (signature == null || signature.length != Entry.SIGNATURE_BYTES) {
      throw new IllegalStateException(
          "node " + self + ": signer returned " + (signature == null ? "null" : signature.length
              + " bytes") + " instead of a " + Entry.SIGNATURE_BYTES + "-byte signature");
    }
    return e.withSignature(signature);
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
    try {
      strategy.onMessage(this, from, message);
    } finally {
      // A strategy that throws is the host's to report; the rounds go on regardless.
      armRound(false);
    }
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

  /**
   * Merges a received {@code entry} into the replica, after its signature checks (see the class
   * comment); an entry refused by them is counted and changes nothing, not even the clock.
   */
  @Override
  public boolean apply(Entry entry) {
    if (!env.withinClockSkew(entry.version().timestamp())) {
      // Applied, it would win its key until the clock caught up and drag the HLC (and so every
      // later write and tombstone) along with it: see GossipConfig.maxClockSkew.
      env.counters.add("dropped.future_timestamp", 1);
      return false;
    }
    // The whole cost of signatures when none are configured: a shared boolean and an identity
    // compare, both on memory this method reads anyway.
    if ((env.checkEveryEntry || entry.isSigned()) && !admit(entry)) {
      return false;
    }
    hlc.observe(entry.version().timestamp());
    boolean late = false;
    Entry restored = entry.isTombstone() ? null : restoredDelete(entry);
    if (restored != null) {
      // A value this replica deleted and collected the tombstone of, offered by a replica that
      // never saw the delete (one side of a partition that outlasted the TTL): the delete is put
      // back instead, and held one TTL like a late tombstone, so that it reaches the replicas
      // that still hold the value and they drop it too.
      entry = restored;
      late = true;
    } else if (entry.isTombstone()
        && entry.version().millis() < env.clock.millis() - env.tombstoneTtlMillis) {
      if (!deletesHeldValue(entry)) {
        // An expired tombstone would be collected again at once; accepting it would only make
        // replicas that already collected it disagree for a while.
        env.counters.add("tombstones.expired_ignored", 1);
        return false;
      }
      // A delete made by a replica that was cut off for longer than the TTL (it kept the
      // tombstone while away): this replica still holds the value it deletes, so dropping the
      // tombstone would hand that value back to the replica that deleted it.
      late = true;
    }
    Entry previous = store.apply(entry, env.mergePolicy);
    if (previous == VersionedStore.UNCHANGED) {
      return false;
    }
    env.updatesApplied.add(1);
    if (late) {
      store.syncState().acceptedLate(entry.key(), env.clock.millis());
      env.counters.add(restored != null ? "tombstones.deletes_restored"
          : "tombstones.late_accepted", 1);
    }
    // What the store now holds, without looking the key up again: the incoming entry for a new
    // key (every entry of a full sync), else the merge, which is deterministic (contract R3.4).
    notifyChange(previous, previous == null ? entry : env.mergePolicy.merge(previous, entry), false);
    return true;
  }

  /**
   * The tombstone to apply instead of {@code value}, if this replica holds nothing under its key
   * but remembers collecting a delete of it ({@code DeleteRecords}) that wins the merge against
   * {@code value}: what the merge would have chosen had the tombstone not been collected.
   */
  private Entry restoredDelete(Entry value) {
    if (!store.remembersDeletes()) {
      // Every entry of a full sync passes here: no clock read, no lookup, without records.
      return null;
    }
    Entry deleted = store.deletedBefore(value.key(), env.clock.millis());
    if (deleted == null) {
      return null;
    }
    Entry winner = env.mergePolicy.merge(deleted, value);
    return winner != value && winner.isTombstone() ? winner : null;
  }

  /** True if the replica holds a live value under the tombstone's key that the merge replaces. */
  private boolean deletesHeldValue(Entry tombstone) {
    Entry held = store.get(tombstone.key());
    if (held == null || held.isTombstone()) {
      return false;
    }
    Entry winner = env.mergePolicy.merge(held, tombstone);
    return winner != held && winner.isTombstone();
  }

  /**
   * True if {@code entry}'s signature allows it to be merged. Runs before the clock observes the
   * entry, so a forged far-future timestamp cannot drag this node's clock along.
   */
  private boolean admit(Entry entry) {
    Entry held = store.get(entry.key());
    if (held != null) {
      Entry winner = env.mergePolicy.merge(held, entry);
      if (winner == held || winner.equals(held)) {
        // The replica keeps what it holds (a copy of the same write, an older one): nothing is
        // applied, so nothing needs checking. Rumor mongering delivers each write several times;
        // this keeps verification to about one check per write per node, and a flood of stale
        // forgeries costs a merge each, not a signature check.
        return false;
      }
    }
    EntryVerifier.Result result = verify(entry);
    switch (result) {
      case VALID:
        return true;
      case UNSIGNED:
        if (env.requireSignatures) {
          env.counters.add("dropped.unsigned", 1);
          return false;
        }
        return true;
      case UNKNOWN_ORIGIN:
        if (env.requireSignatures) {
          env.counters.add("dropped.unknown_signer", 1);
          return false;
        }
        // Trusted as much as an unsigned entry would be, and said so.
        env.counters.add("signatures.unverified", 1);
        return true;
      case INVALID:
      default:
        env.counters.add("dropped.bad_signature", 1);
        return false;
    }
  }

  private EntryVerifier.Result verify(Entry entry) {
    EntryVerifier verifier = env.verifier;
    if (verifier == null) {
      // Only reachable when signatures are not required (the environment refuses that
      // combination): no key is known for anyone.
      return entry.isSigned() ? EntryVerifier.Result.UNKNOWN_ORIGIN : EntryVerifier.Result.UNSIGNED;
    }
    try {
      EntryVerifier.Result result = verifier.verify(entry);
      return result != null ? result : EntryVerifier.Result.INVALID;
    } catch (RuntimeException e) {
      // A verifier must not throw; if one does on hostile input, that input is refused, and the
      // engine, which runs on the node's only thread, carries on.
      return EntryVerifier.Result.INVALID;
    }
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
  public void flush() {
    env.sink.flush();
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
  public int messageBudget() {
    return env.messageBudget;
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
    try {
      if (!strategy.isIdle()) {
        strategy.onRound(this);
      }
      collectTombstones();
    } finally {
      // A strategy that throws is the host's to report (a real node counts and logs it, a
      // simulation fails with its seed); the next round is armed regardless.
      armRound(false);
    }
  }

  private void collectTombstones() {
    long now = env.clock.millis();
    // A returning replica (cut off from every peer for longer than the TTL, or just back) keeps
    // its tombstones: the deletes it made while away must still reach the others, who hold the
    // values and would hand them back (docs/anti-entropy.md, "Tombstones").
    if (store.tombstones() > 0 && !store.isReturning(now, env.tombstoneTtlMillis)) {
      int removed = store.collectTombstones(now - env.tombstoneTtlMillis, now,
          env.deleteRecordRetentionMillis, env.maxDeleteRecords);
      if (removed > 0) {
        env.counters.add("tombstones.collected", removed);
        int evicted = store.drainEvictedDeleteRecords();
        if (evicted > 0) {
          env.counters.add("tombstones.records_evicted", evicted);
        }
      }
    }
    // Frees the records past their retention even when nothing new is collected.
    store.expireDeleteRecords(now);
  }

  @Override
  public String toString() {
    return "GossipEngine{" + self + ", entries=" + store.size() + "}";
  }
}
