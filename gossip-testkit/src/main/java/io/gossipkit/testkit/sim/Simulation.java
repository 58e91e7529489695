package io.gossipkit.testkit.sim;

import io.gossipkit.api.Cancellable;
import io.gossipkit.api.Codec;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.Scheduler;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.core.EngineEnvironment;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.core.StaticMembership;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

/**
 * Runs N instances of the real {@link GossipEngine} over a simulated network, under virtual time
 * and one seed.
 *
 * <p>Everything random (peer choice, loss, latency, timer jitter) is drawn
 * from one {@link RandomSource} seeded by {@link Builder#seed}, and the loop is single-threaded, so
 * a run reproduces exactly from its seed. Membership is static: one shared member list, so a
 * million nodes fit in memory; crashed nodes are marked down in it (a perfect failure oracle).
 *
 * <p>Messages travel as objects: the engine is the production engine, only the wire layer (codec,
 * packet protection, sockets) is replaced. If a {@link Codec} is given, every message's exact
 * encoded size is added to {@link #bytes()}, and with {@link Builder#encodeEveryMessage} every
 * message is also encoded and decoded on its way.
 *
 * <pre>{@code
 * Simulation sim = Simulation.builder().nodes(1000).seed(42)
 *     .strategy(Strategies.antiEntropy(Exchange.PUSH_PULL)).build();
 * sim.put(0, "k", new byte[] {1});
 * while (!sim.converged()) sim.step();
 * }</pre>
 */
public final class Simulation {
  /** Messages delivered per batch: enough to overlap many cache misses, small enough to stay in L1. */
  private static final int CHUNK = 256;

  private final int n;
  private final NodeId[] ids;
  private final StaticMembership membership;
  private final GossipEngine[] engines;
  private final EngineEnvironment env;
  private final Supplier<DisseminationStrategy> strategy;
  private final RandomSource random;
  private final Timing timing;
  private final NetworkModel network;
  private final Codec codec;
  private final boolean encodeEveryMessage;
  private final long interval;
  private final BitSet crashed = new BitSet();
  private IntUnaryOperator partition;
  private final Map<String, UpdateTrack> tracks = new HashMap<>();
  private final ArrayList<UpdateTrack> trackList = new ArrayList<>();

  private long now;
  private long cycle;
  private long messages;
  private long bytes;
  private long entryCopies;
  private long dropped;
  private long selfSends;

  // Cycle timing: engines whose round is due next cycle (by slot), other tasks, later tasks.
  private BitSet nextActive = new BitSet();
  private BitSet spareActive = new BitSet();
  private ArrayList<Runnable> nextCycle = new ArrayList<>();
  private final TreeMap<Long, ArrayList<Runnable>> laterCycles = new TreeMap<>();
  // Cycle timing: messages sent and not yet delivered, and the batch being delivered.
  private Wave pending = new Wave();
  private Wave delivering = new Wave();
  private final int[] chunkSlots = new int[CHUNK];
  // Results of the reads that warm caches ahead of use; kept so the JIT cannot drop the reads.
  private long warmed;
  // Asynchronous timing: every timer and message is an event.
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private long eventSeq;

  private Simulation(Builder b) {
    n = b.nodes;
    timing = b.timing;
    network = b.network;
    codec = b.codec;
    encodeEveryMessage = b.encodeEveryMessage;
    strategy = b.strategy;
    random = RandomSource.seeded(b.seed);
    GossipConfig config = b.config;
    interval = config.gossipInterval().toMillis();
    ids = new NodeId[n];
    membership = new StaticMembership(ids);
    env =
        EngineEnvironment.builder()
            .config(config)
            .mergePolicy(b.mergePolicy)
            .clock(() -> now)
            .scheduler(timing == Timing.CYCLES ? new CycleScheduler() : new EventScheduler())
            .random(random)
            .sink(this::send)
            .observer(this::observe)
            .build();
    engines = new GossipEngine[n];
    for (int i = 0; i < n; i++) {
      // Each id is made right next to its engine: the two are read together on every delivery,
      // and neighbours in memory share cache lines and TLB pages, which at a million nodes is most
      // of the cost of a step.
      ids[i] = NodeId.withSlot("n" + i, i);
      membership.setMember(i, ids[i]);
      engines[i] = newEngine(i);
    }
    for (int i = 0; i < n; i++) {
      engines[i].start();
    }
  }

  private GossipEngine newEngine(int i) {
    return new GossipEngine(ids[i], env, strategy.get(), membership.viewOf(i));
  }

  /** A builder: 1000 nodes, seed 1, LAN config, cycles, perfect network. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- driving the run

  /** Writes {@code value} under {@code key} on {@code node} now; tracked for the metrics. */
  public Version put(int node, String key, byte[] value) {
    Version v = engines[node].put(key, value);
    track(node, key, v);
    return v;
  }

  /** Deletes {@code key} on {@code node} now. */
  public Version delete(int node, String key) {
    Version v = engines[node].delete(key);
    track(node, key, v);
    return v;
  }

  private void track(int node, String key, Version v) {
    UpdateTrack t = new UpdateTrack(v, cycle, n);
    t.reach(node, 0);
    tracks.put(key, t);
    trackList.add(t);
  }

  /** Runs one cycle: in cycle timing, one synchronous round; in async, one interval of time. */
  public void step() {
    if (timing == Timing.CYCLES) {
      runCycle();
    } else {
      runEventsUntil((cycle + 1) * interval);
      cycle++;
    }
  }

  /**
   * One synchronous cycle in two phases. First every node with a round due acts, on the state it
   * had when the cycle began: its messages are only queued. Then every queued message is
   * delivered, in the order sent, and so are the replies they cause, until none is left.
   *
   * <p>Because nothing is delivered during the first phase, the order in which nodes act there
   * cannot change what they send; they act in slot order, which walks memory sequentially, the
   * single largest saving at a million nodes. The delivery order (by sender slot) is independent
   * of the state being spread, so it biases no metric.
   */
  private void runCycle() {
    cycle++;
    now = cycle * interval;
    BitSet active = nextActive;
    nextActive = spareActive;
    spareActive = active;
    ArrayList<Runnable> tasks = nextCycle;
    nextCycle = new ArrayList<>();
    ArrayList<Runnable> later = laterCycles.remove(cycle);
    if (later != null) {
      tasks.addAll(later);
    }
    for (int i = active.nextSetBit(0); i >= 0; i = active.nextSetBit(i + 1)) {
      engines[i].run();
    }
    active.clear();
    for (int i = 0; i < tasks.size(); i++) {
      tasks.get(i).run();
    }
    deliverAll();
  }

  /**
   * Delivers every pending message, and every message those deliveries send, until none is left.
   * Each batch is delivered in three passes (resolve the recipients, warm their engines, deliver)
   * so that the cache misses of a whole batch overlap instead of following one another.
   */
  private void deliverAll() {
    int[] slots = chunkSlots;
    while (pending.size > 0) {
      Wave w = pending;
      pending = delivering;
      delivering = w;
      for (int base = 0; base < w.size; base += CHUNK) {
        int end = Math.min(w.size, base + CHUNK);
        for (int i = base; i < end; i++) {
          slots[i - base] = indexOf(w.to[i]);
        }
        for (int i = base; i < end; i++) {
          int dst = slots[i - base];
          if (dst >= 0) {
            // The engine and its strategy: the two lines every delivery reads first.
            GossipEngine e = engines[dst];
            warmed += e.isStopped() ? 1 : 0;
            warmed += e.strategy().isIdle() ? 1 : 0;
          }
        }
        for (int i = base; i < end; i++) {
          deliverChecked(slots[i - base], w.from[i], w.msg[i]);
        }
      }
      w.clear();
    }
  }

  private void deliverChecked(int dst, NodeId from, GossipMessage message) {
    // The engine stamps every message with its own canonical id, so identity with the
    // recipient's id is exact, and costs no read of the sender's id (a cache miss per message).
    if (dst >= 0 && engines[dst].self() == from) {
      selfSends++;
    }
    if (dst < 0 || crashed.get(dst)
        || (partition != null && partition.applyAsInt(indexOf(from)) != partition.applyAsInt(dst))) {
      dropped++;
      return;
    }
    engines[dst].receive(from, message);
  }

  private void runEventsUntil(long until) {
    Event e;
    while ((e = events.peek()) != null && e.time <= until) {
      events.poll();
      if (e.cancelled) {
        continue;
      }
      now = e.time;
      if (e.task != null) {
        e.task.run();
      } else {
        deliver(e.to, e.from, e.message);
      }
    }
    now = until;
  }

  /** Crashes {@code node}: it stops, loses its state, and messages to it are lost. */
  public void crash(int node) {
    engines[node].stop();
    crashed.set(node);
    membership.setDown(node, true);
  }

  /** Restarts a crashed {@code node} with an empty replica; anti-entropy must refill it. */
  public void restart(int node) {
    if (!crashed.get(node)) {
      throw new IllegalStateException("node " + node + " is not crashed");
    }
    crashed.clear(node);
    membership.setDown(node, false);
    engines[node] = newEngine(node);
    engines[node].start();
    for (UpdateTrack t : trackList) {
      t.forget(node);
    }
  }

  /**
   * Partitions the network: a message from a to b is lost unless {@code sideOf(a) == sideOf(b)}.
   */
  public void partition(IntUnaryOperator sideOf) {
    partition = Objects.requireNonNull(sideOf, "sideOf");
  }

  /** Heals any partition. */
  public void heal() {
    partition = null;
  }

  // ---------------------------------------------------------------- the network

  private void send(NodeId from, NodeId to, GossipMessage message) {
    messages++;
    entryCopies += message.entryCount();
    if (codec != null) {
      bytes += codec.encodedSize(message);
    }
    if (network.loss() > 0 && random.nextDouble() < network.loss()) {
      dropped++;
      return;
    }
    if (encodeEveryMessage) {
      message = roundTrip(message);
    }
    boolean twice = network.duplicate() > 0 && random.nextDouble() < network.duplicate();
    if (timing == Timing.CYCLES) {
      // The recipient is resolved, and crashes and partitions applied, at delivery, in batches.
      pending.add(to, from, message);
      if (twice) {
        pending.add(to, from, message);
      }
      return;
    }
    int dst = indexOf(to);
    if (dst < 0 || crashed.get(dst) || (partition != null
        && partition.applyAsInt(indexOf(from)) != partition.applyAsInt(dst))) {
      dropped++;
      return;
    }
    schedule(dst, from, message);
    if (twice) {
      schedule(dst, from, message);
    }
  }

  private GossipMessage roundTrip(GossipMessage message) {
    try {
      byte[] wire = codec.encode(message);
      return codec.decode(wire, 0, wire.length);
    } catch (io.gossipkit.api.CodecException e) {
      throw new IllegalStateException("codec failed on " + message + ": " + e.getMessage(), e);
    }
  }

  private void schedule(int dst, NodeId from, GossipMessage message) {
    long excess = network.meanLatencyMillis() - network.minLatencyMillis();
    long latency = network.minLatencyMillis()
        + (excess == 0 ? 0 : (long) (-Math.log(1 - random.nextDouble()) * excess));
    Event e = new Event(now + Math.max(0, latency), eventSeq++);
    e.to = dst;
    e.from = from;
    e.message = message;
    events.add(e);
  }

  private void deliver(int to, NodeId from, GossipMessage message) {
    if (crashed.get(to)) {
      dropped++;
      return;
    }
    engines[to].receive(from, message);
  }

  /** The dense index of a simulated node: its id's slot, else parsed from {@code n<index>}. */
  private int indexOf(NodeId id) {
    int slot = id.slot();
    if (slot >= 0) {
      return slot < n ? slot : -1;
    }
    String s = id.value();
    int len = s.length();
    if (len < 2 || len > 11 || s.charAt(0) != 'n') {
      return -1;
    }
    long v = 0;
    for (int i = 1; i < len; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v < n ? (int) v : -1;
  }

  private void observe(GossipEngine engine, Entry previous, Entry current, boolean local) {
    if (local || tracks.isEmpty()) {
      return;
    }
    UpdateTrack t = tracks.get(current.key());
    if (t != null && t.version.equals(current.version())) {
      t.reach(indexOf(engine.self()), cycle - t.injectedAt);
    }
  }

  // ---------------------------------------------------------------- observations

  /** Number of nodes. */
  public int size() {
    return n;
  }

  /** Nodes not crashed. */
  public int liveCount() {
    return n - crashed.cardinality();
  }

  /** True if {@code node} is crashed. */
  public boolean isCrashed(int node) {
    return crashed.get(node);
  }

  /** The engine of {@code node}. */
  public GossipEngine node(int node) {
    return engines[node];
  }

  /** The id of {@code node}. */
  public NodeId id(int node) {
    return ids[node];
  }

  /** Cycles run so far. */
  public long cycle() {
    return cycle;
  }

  /** Virtual milliseconds now. */
  public long now() {
    return now;
  }

  /** Messages sent so far, lost ones included. */
  public long messages() {
    return messages;
  }

  /** Encoded bytes of every message sent so far (0 without a codec). */
  public long bytes() {
    return bytes;
  }

  /** Entries carried by every message sent so far: update payload copies. */
  public long entryCopies() {
    return entryCopies;
  }

  /** Messages a node addressed to itself: always a strategy bug. */
  public long selfSends() {
    return selfSends;
  }

  /** Messages lost to loss, partitions or crashed recipients. */
  public long dropped() {
    return dropped;
  }

  /** The engines' shared counters. */
  public Map<String, Long> counters() {
    return env.counters().snapshot();
  }

  /** True if every live replica holds exactly the same entries (equal root hashes). */
  public boolean converged() {
    long root = 0;
    boolean first = true;
    for (int i = 0; i < n; i++) {
      if (crashed.get(i)) {
        continue;
      }
      long h = engines[i].store().rootHash();
      if (first) {
        root = h;
        first = false;
      } else if (h != root) {
        return false;
      }
    }
    return true;
  }

  /**
   * True if no live node's strategy has anything left to spread and no message is in flight.
   *
   * <p>Only nodes with a round pending can hold anything: a node whose strategy is idle arms no
   * round, and an idle strategy is quiescent by contract. So this looks at the pending rounds
   * only, not at every node: a finished rumor costs nothing per cycle at any cluster size.
   */
  public boolean quiescent() {
    if (pending.size > 0) {
      return false;
    }
    if (timing == Timing.ASYNC) {
      for (Event e : events) {
        if (!e.cancelled && (e.task == null || !isQuiescentTask(e.task))) {
          return false;
        }
      }
      return true;
    }
    for (int i = nextActive.nextSetBit(0); i >= 0; i = nextActive.nextSetBit(i + 1)) {
      if (!isQuiescentTask(engines[i])) {
        return false;
      }
    }
    for (int i = 0; i < nextCycle.size(); i++) {
      if (!isQuiescentTask(nextCycle.get(i))) {
        return false;
      }
    }
    for (ArrayList<Runnable> later : laterCycles.values()) {
      for (int i = 0; i < later.size(); i++) {
        if (!isQuiescentTask(later.get(i))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isQuiescentTask(Runnable task) {
    if (task instanceof GossipEngine) {
      GossipEngine e = (GossipEngine) task;
      return e.isStopped() || e.strategy().isQuiescent();
    }
    return false;
  }

  /**
   * True if every tracked write has reached at least as many nodes as are live: necessary for
   * {@link #converged()} when every tracked write has its own key, and O(writes) to check, so a
   * run can skip the O(nodes) comparison until it can succeed.
   */
  public boolean allUpdatesReachedEveryone() {
    int live = liveCount();
    for (int i = 0; i < trackList.size(); i++) {
      if (trackList.get(i).reachedCount < live) {
        return false;
      }
    }
    return true;
  }

  /** What became of every tracked write, in the order written. */
  public java.util.List<UpdateTrack> updates() {
    return java.util.Collections.unmodifiableList(trackList);
  }

  /** Live nodes that never received {@code t}. */
  public int missing(UpdateTrack t) {
    int reachedLive = 0;
    for (int i = t.reached.nextSetBit(0); i >= 0; i = t.reached.nextSetBit(i + 1)) {
      if (!crashed.get(i)) {
        reachedLive++;
      }
    }
    return liveCount() - reachedLive;
  }

  /** What became of one write: who received it and when. */
  public static final class UpdateTrack {
    final Version version;
    final long injectedAt;
    final BitSet reached;
    int reachedCount;
    long sumDelay;
    long maxDelay;

    UpdateTrack(Version version, long injectedAt, int n) {
      this.version = version;
      this.injectedAt = injectedAt;
      this.reached = new BitSet(n);
    }

    void reach(int node, long delay) {
      if (node < 0 || reached.get(node)) {
        return;
      }
      reached.set(node);
      reachedCount++;
      sumDelay += delay;
      maxDelay = Math.max(maxDelay, delay);
    }

    void forget(int node) {
      if (reached.get(node)) {
        reached.clear(node);
        reachedCount--;
      }
    }

    /** The write's version. */
    public Version version() {
      return version;
    }

    /** Nodes that received it, the origin included. */
    public int reachedCount() {
      return reachedCount;
    }

    /** Mean cycles from the write to its receipt, over the nodes that received it. */
    public double meanDelay() {
      return reachedCount == 0 ? 0 : (double) sumDelay / reachedCount;
    }

    /** Cycles from the write to its last receipt. */
    public long maxDelay() {
      return maxDelay;
    }
  }

  // ---------------------------------------------------------------- schedulers

  /** Cycle timing: any positive delay means a later cycle, rounded, at least the next one. */
  private final class CycleScheduler implements Scheduler {
    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
      long cycles = Math.max(1, Math.round((double) delayMillis / interval));
      int slot = task instanceof GossipEngine ? ((GossipEngine) task).self().slot() : -1;
      if (cycles == 1 && slot >= 0 && engines[slot] == task) {
        nextActive.set(slot);
      } else if (cycles == 1) {
        nextCycle.add(task);
      } else {
        laterCycles.computeIfAbsent(cycle + cycles, c -> new ArrayList<>()).add(task);
      }
      // Engines stop by flag, so cancellation is never needed in cycle timing.
      return Cancellable.NONE;
    }
  }

  /** Asynchronous timing: a timer is an event in virtual time. */
  private final class EventScheduler implements Scheduler {
    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
      Event e = new Event(now + Math.max(0, delayMillis), eventSeq++);
      e.task = task;
      events.add(e);
      return e;
    }
  }

  /** Messages in flight within one cycle, in sending order. */
  private static final class Wave {
    NodeId[] to = new NodeId[1024];
    NodeId[] from = new NodeId[1024];
    GossipMessage[] msg = new GossipMessage[1024];
    int size;

    void add(NodeId t, NodeId f, GossipMessage m) {
      if (size == to.length) {
        to = java.util.Arrays.copyOf(to, size * 2);
        from = java.util.Arrays.copyOf(from, size * 2);
        msg = java.util.Arrays.copyOf(msg, size * 2);
      }
      to[size] = t;
      from[size] = f;
      msg[size] = m;
      size++;
    }

    void clear() {
      java.util.Arrays.fill(to, 0, size, null);
      java.util.Arrays.fill(from, 0, size, null);
      java.util.Arrays.fill(msg, 0, size, null);
      size = 0;
    }
  }

  /** A timer or a message delivery, ordered by time then by creation. */
  private static final class Event implements Comparable<Event>, Cancellable {
    final long time;
    final long seq;
    Runnable task;
    int to;
    NodeId from;
    GossipMessage message;
    boolean cancelled;

    Event(long time, long seq) {
      this.time = time;
      this.seq = seq;
    }

    @Override
    public int compareTo(Event o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  // ---------------------------------------------------------------- builder

  /** Builds a {@link Simulation}. */
  public static final class Builder {
    private int nodes = 1000;
    private long seed = 1;
    private GossipConfig config = GossipConfig.lan().toBuilder().eagerPush(false).build();
    private MergePolicy mergePolicy = MergePolicy.lastWriterWins();
    private Supplier<DisseminationStrategy> strategy;
    private Timing timing = Timing.CYCLES;
    private NetworkModel network = NetworkModel.PERFECT;
    private Codec codec;
    private boolean encodeEveryMessage;

    private Builder() {}

    /** Number of nodes, at least 2. */
    public Builder nodes(int v) {
      if (v < 2) {
        throw new IllegalArgumentException("nodes must be >= 2, was " + v);
      }
      nodes = v;
      return this;
    }

    /** The seed every random choice of the run derives from. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Every engine's configuration (gossip interval, fanout, limits). */
    public Builder config(GossipConfig v) {
      config = Objects.requireNonNull(v, "config");
      return this;
    }

    /** The merge policy; last-writer-wins by default. */
    public Builder mergePolicy(MergePolicy v) {
      mergePolicy = Objects.requireNonNull(v, "mergePolicy");
      return this;
    }

    /** Supplies each node's strategy; required. */
    public Builder strategy(Supplier<DisseminationStrategy> v) {
      strategy = Objects.requireNonNull(v, "strategy");
      return this;
    }

    /** Cycle or asynchronous timing. */
    public Builder timing(Timing v) {
      timing = Objects.requireNonNull(v, "timing");
      return this;
    }

    /** Loss, duplication and latency. */
    public Builder network(NetworkModel v) {
      network = Objects.requireNonNull(v, "network");
      return this;
    }

    /** A codec to size (and optionally round-trip) every message; none by default. */
    public Builder codec(Codec v) {
      codec = v;
      return this;
    }

    /** Encode and decode every message through the codec (slower; proves the wire format). */
    public Builder encodeEveryMessage(boolean v) {
      encodeEveryMessage = v;
      return this;
    }

    /** Builds the simulation and starts every engine. */
    public Simulation build() {
      if (strategy == null) {
        throw new IllegalStateException("strategy is required");
      }
      if (encodeEveryMessage && codec == null) {
        throw new IllegalStateException("encodeEveryMessage needs a codec");
      }
      return new Simulation(this);
    }
  }
}
