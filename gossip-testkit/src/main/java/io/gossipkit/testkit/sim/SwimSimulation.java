package io.gossipkit.testkit.sim;

import static io.gossipkit.api.internal.Arguments.atLeast;

import io.gossipkit.api.Cancellable;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.Scheduler;
import io.gossipkit.api.SeedProvider;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.MembershipMessage;
import io.gossipkit.core.Counters;
import io.gossipkit.core.EngineEnvironment;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.core.membership.MembershipConfig;
import io.gossipkit.core.membership.SwimMembership;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * SWIM membership of N nodes under virtual time and one seed: every node runs the production
 * {@link SwimMembership} (probes, indirect probes, Lifeguard suspicion, refutation, push-pull
 * joins, piggybacked and gossiped updates), over a simulated datagram network with loss and
 * latency. Nothing but the network is simulated, so what a run shows (how long a crash takes to
 * be noticed everywhere, how often a live member is declared dead under loss, what the protocol
 * costs per node) is what the same configuration does between real nodes, minus their CPU and
 * scheduling delays.
 *
 * <p>One event queue and one thread: every timer of every node and every message in flight is an
 * event at a virtual millisecond, run in (time, creation) order. Everything random (each node's
 * choices, loss, latency) comes from sources seeded by {@link Builder#seed}, so a run reproduces
 * exactly from its seed. Every message is sized by the production {@link KryoCodec} and must fit
 * the datagram budget, as between real nodes.
 *
 * <p>Membership only: no key/value engine runs, so updates travel on SWIM's own probes, acks and
 * gossip, not also on the data traffic a real node piggybacks them on; a busy real cluster spreads
 * them at least as fast. Each node keeps a table of every member, so memory grows as N squared:
 * a few thousand nodes fit a default heap.
 *
 * <pre>{@code
 * SwimSimulation sim = SwimSimulation.builder().nodes(100).seed(7).loss(0.01).build();
 * sim.startAll(1_000);
 * sim.runUntil(sim::allJoined, 100, 60_000);
 * sim.crash(42);
 * long took = sim.runUntil(() -> sim.detectedEverywhere(42), 100, 120_000);
 * }</pre>
 */
public final class SwimSimulation {
  /** Most nodes: each keeps a table of all, so memory grows as the square. */
  public static final int MAX_NODES = 10_000;

  /** Virtual time at the start: far from 0, as a wall clock would be. */
  public static final long START_MILLIS = 1_700_000_000_000L;

  private final int n;
  private final GossipConfig config;
  private final MembershipConfig mconfig;
  private final KryoCodec codec;
  private final int budget;
  private final double loss;
  private final int minLatency;
  private final int maxLatency;
  private final long seed;
  private final RandomSource network;
  private final Counters counters = new Counters();
  private final Node[] nodes;
  private final Map<InetSocketAddress, Node> byAddress = new HashMap<>();
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private long now = START_MILLIS;
  private long seq;
  private long messages;
  private long bytes;
  private long engineMessages;
  private long engineBytes;
  /** Each node's key/value strategy, or null for membership alone. */
  private final Supplier<DisseminationStrategy> strategy;
  private long lost;
  private long eventCount;
  private final BitSet crashed = new BitSet();
  private final BitSet left = new BitSet();
  private final BitSet started = new BitSet();
  /** Declarations of DEAD about a member that had not crashed or left, by any observer. */
  private long falseDead;
  private final BitSet falselyDead = new BitSet();
  /** For each crashed or departed node: when each observer first saw it DEAD, LEFT or gone. */
  private final long[][] goneAt;
  private final long[] goneSince;

  private static final class Event implements Comparable<Event> {
    final long at;
    final long seq;
    final Runnable task;
    boolean cancelled;

    Event(long at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Event o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  /** One simulated node. */
  private final class Node {
    final int index;
    final NodeId id;
    final InetSocketAddress address;
    final SwimMembership swim;
    /** The node's key/value engine over its SWIM view, or null for membership alone. */
    final GossipEngine engine;
    /** Members other than itself this node sees ALIVE, kept by its listener. */
    int aliveSeen;

    Node(int index) {
      this.index = index;
      // The slot names the node's index without parsing: messages travel as objects here, so
      // every record of this member holds this very id.
      this.id = NodeId.withSlot("n" + index, index);
      this.address = InetSocketAddress.createUnresolved(id.value(), 1);
      Scheduler scheduler = (delay, task) -> schedule(Math.max(0, delay), () -> {
        if (!crashed.get(index)) {
          task.run();
        }
      });
      SeedProvider seeds = index == 0 ? null : SeedProvider.of(List.of(nodeAddress(0)));
      swim = SwimMembership.builder()
          .self(id, () -> address)
          .config(config, mconfig)
          .seeds(seeds)
          // One source per node, derived from the seed: a node's choices do not depend on how
          // many draws the others made.
          .runtime(() -> now, scheduler, RandomSource.seeded(seed * 0x9E3779B97F4A7C15L + index),
              counters)
          .transport((to, m) -> send(this, to, m))
          .sizer(codec::encodedSize, budget)
          .build();
      swim.listener(this::onChange);
      if (strategy == null) {
        engine = null;
      } else {
        // Its own environment: its own random source (seeded apart from the membership's) and a
        // scheduler that falls silent when the node crashes, as the membership's does.
        EngineEnvironment env = EngineEnvironment.builder()
            .config(config)
            .clock(() -> now)
            .scheduler(scheduler)
            .random(RandomSource.seeded(~(seed * 0x9E3779B97F4A7C15L + index)))
            .sink((from, to, m) -> sendToEngine(this, to, m))
            .build();
        engine = new GossipEngine(id, env, strategy.get(), swim.peers());
        engine.listener((previous, current) -> onWrite(index, current));
      }
    }

    private void onChange(Member before, Member after) {
      if (before != null && before.state() == MemberState.ALIVE) {
        aliveSeen--;
      }
      if (after != null && after.state() == MemberState.ALIVE) {
        aliveSeen++;
      }
      Member m = after != null ? after : before;
      int subject = indexOf(m.id());
      if (subject < 0) {
        return;
      }
      boolean gone = after == null || !after.state().isLive();
      long[] seen = goneAt[subject];
      if (gone && seen != null && seen[index] < 0) {
        seen[index] = now;
      }
      if (after != null && after.state() == MemberState.DEAD && !crashed.get(subject)
          && !left.get(subject) && (before == null || before.state() != MemberState.DEAD)) {
        falseDead++;
        falselyDead.set(subject);
      }
    }
  }

  private SwimSimulation(Builder b) {
    n = b.nodes;
    config = b.config;
    mconfig = b.membership;
    codec = new KryoCodec(config);
    budget = b.messageBudget > 0 ? b.messageBudget : defaultBudget(config);
    loss = b.loss;
    minLatency = b.minLatencyMillis;
    maxLatency = b.maxLatencyMillis;
    seed = b.seed;
    strategy = b.strategy;
    network = RandomSource.seeded(seed);
    nodes = new Node[n];
    goneAt = new long[n][];
    goneSince = new long[n];
    for (int i = 0; i < n; i++) {
      nodes[i] = new Node(i);
      byAddress.put(nodes[i].address, nodes[i]);
    }
  }

  /**
   * The membership budget of a real node over datagrams of {@code maxPacketBytes}: the packet
   * less the envelope (version, id length, an id of up to 24 bytes) and a sealing AEAD's overhead
   * (a 40-byte header and tag).
   */
  static int defaultBudget(GossipConfig config) {
    return Math.max(64, config.maxPacketBytes() - 2 - 24 - 40);
  }

  /** A builder: 100 nodes, seed 1, LAN presets, no loss, 1 to 5 ms latency. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- driving the run

  /** Starts node {@code i} now: it joins through node 0 (node 0 starts the cluster). */
  public void start(int i) {
    check(i);
    if (!started.get(i) && !crashed.get(i)) {
      started.set(i);
      nodes[i].swim.start();
      if (nodes[i].engine != null) {
        nodes[i].engine.start();
      }
    }
  }

  /** Starts every node, node {@code i} at {@code i * spreadMillis / n} from now. */
  public void startAll(long spreadMillis) {
    for (int i = 0; i < n; i++) {
      int index = i;
      schedule(spreadMillis * i / n, () -> start(index));
    }
  }

  /** Crashes node {@code i} now: it stops without a word, and packets to it are lost. */
  public void crash(int i) {
    check(i);
    if (crashed.get(i)) {
      return;
    }
    crashed.set(i);
    nodes[i].swim.stop();
    stopEngine(i);
    track(i);
  }

  private void stopEngine(int i) {
    if (nodes[i].engine != null) {
      nodes[i].engine.stop();
    }
  }

  /**
   * Restarts crashed node {@code i} now as a new process would: same id and address, a fresh
   * membership at incarnation 0 that joins through node 0 again, and, with engines, an empty
   * replica (the writes it held count as not held until it gets them again).
   */
  public void restart(int i) {
    check(i);
    if (!crashed.get(i)) {
      throw new IllegalStateException("node " + i + " is running; crash it before a restart");
    }
    nodes[i] = new Node(i);
    byAddress.put(nodes[i].address, nodes[i]);
    crashed.clear(i);
    left.clear(i);
    started.clear(i);
    goneAt[i] = null;
    // A new process holds none of the writes its earlier life held.
    for (Write w : writes.values()) {
      w.heldAt[i] = -1;
    }
    start(i);
  }

  /**
   * Hands {@code message} to node {@code to} now, as if node {@code from} had sent it (no loss,
   * no latency): for stale or forged messages a test wants to see refused.
   */
  public void deliver(int from, int to, MembershipMessage message) {
    check(from);
    check(to);
    Objects.requireNonNull(message, "message");
    nodes[to].swim.receive(nodes[from].id, nodes[from].address, message);
  }

  /** The incarnation node {@code observer} holds for node {@code member}, or -1 if unknown. */
  public long incarnationOf(int observer, int member) {
    Member m = viewOf(observer, member);
    return m == null ? -1 : m.incarnation();
  }

  /** Node {@code observer}'s record of node {@code member}, or null if it has none. */
  private Member viewOf(int observer, int member) {
    check(observer);
    check(member);
    for (Member m : nodes[observer].swim.members()) {
      if (m.id().equals(nodes[member].id)) {
        return m;
      }
    }
    return null;
  }

  /** Node {@code i}'s address, as the others know it. */
  public InetSocketAddress address(int i) {
    check(i);
    return nodes[i].address;
  }

  /** Node {@code i} leaves now, as a node closed with {@code leave()} does, then stops. */
  public void leave(int i) {
    check(i);
    if (crashed.get(i) || left.get(i)) {
      return;
    }
    left.set(i);
    track(i);
    nodes[i].swim.leave();
    // Stops once its LEFT has had a moment to go out, as a closing node waits for its leave.
    schedule(config.gossipInterval().toMillis() * 2, () -> {
      crashed.set(i);
      nodes[i].swim.stop();
      stopEngine(i);
    });
  }

  private void track(int i) {
    long[] seen = new long[n];
    Arrays.fill(seen, -1);
    goneAt[i] = seen;
    goneSince[i] = now;
  }

  /** Runs every event due in the next {@code millis} virtual milliseconds. */
  public void runFor(long millis) {
    long until = now + Math.max(0, millis);
    while (!events.isEmpty() && events.peek().at <= until) {
      Event e = events.poll();
      if (e.cancelled) {
        continue;
      }
      now = e.at;
      eventCount++;
      e.task.run();
    }
    now = until;
  }

  /**
   * Runs in steps of {@code stepMillis} until {@code done} holds, at most {@code limitMillis};
   * returns the virtual milliseconds it took (a multiple of the step), or -1 if it never held.
   */
  public long runUntil(BooleanSupplier done, long stepMillis, long limitMillis) {
    long begin = now;
    long step = Math.max(1, stepMillis);
    while (true) {
      if (done.getAsBoolean()) {
        return now - begin;
      }
      if (now - begin >= limitMillis) {
        return -1;
      }
      runFor(Math.min(step, limitMillis - (now - begin)));
    }
  }

  // ---------------------------------------------------------------- key/value writes

  /** One write being followed: its version and when each node first held it (-1: not yet). */
  private record Write(Version version, long at, long[] heldAt) {}

  private final Map<String, Write> writes = new HashMap<>();

  /**
   * Writes {@code value} under {@code key} on running node {@code i} now, through its engine, and
   * follows it: {@link #heldEverywhere} and {@link #spreadMillis} tell when the running nodes held
   * it. Needs {@link Builder#engines}.
   */
  public Version put(int i, String key, byte[] value) {
    check(i);
    if (strategy == null) {
      throw new IllegalStateException("no engines: build with engines(strategy) to write keys");
    }
    if (!isRunning(i)) {
      throw new IllegalStateException("node " + i + " is not running");
    }
    long[] heldAt = new long[n];
    Arrays.fill(heldAt, -1);
    // Registered first: the writer's own engine reports the write as it makes it.
    Write w = new Write(null, now, heldAt);
    writes.put(key, w);
    Version v = nodes[i].engine.put(key, value);
    writes.put(key, new Write(v, now, heldAt));
    heldAt[i] = now;
    return v;
  }

  private void onWrite(int node, Entry current) {
    if (current == null) {
      return;
    }
    Write w = writes.get(current.key());
    if (w != null && w.heldAt[node] < 0
        && (w.version == null || w.version.equals(current.version()))) {
      w.heldAt[node] = now;
    }
  }

  /** True if every running node holds the version of {@code key} that {@link #put} wrote. */
  public boolean heldEverywhere(String key) {
    long[] held = write(key).heldAt;
    for (int j = 0; j < n; j++) {
      if (isRunning(j) && held[j] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Milliseconds from the write of {@code key} until each running node held it, sorted; -1 for
   * those that do not yet.
   */
  public long[] spreadMillis(String key) {
    Write w = write(key);
    long[] out = new long[running()];
    int k = 0;
    for (int j = 0; j < n; j++) {
      if (isRunning(j)) {
        out[k++] = w.heldAt[j] < 0 ? -1 : w.heldAt[j] - w.at;
      }
    }
    Arrays.sort(out);
    return out;
  }

  private Write write(String key) {
    Write w = writes.get(key);
    if (w == null) {
      throw new IllegalArgumentException("no write of '" + key + "' was made with put");
    }
    return w;
  }

  /** Key/value engine messages sent so far, lost ones included (0 without engines). */
  public long engineMessages() {
    return engineMessages;
  }

  /** Encoded bytes of every key/value engine message sent so far. */
  public long engineBytes() {
    return engineBytes;
  }

  // ---------------------------------------------------------------- what the nodes see

  /** Nodes in the simulation. */
  public int size() {
    return n;
  }

  /** Virtual milliseconds since the start. */
  public long elapsedMillis() {
    return now - START_MILLIS;
  }

  /**
   * True if every node has been started (unless it crashed or left before) and every running
   * node sees every other running node ALIVE.
   */
  public boolean allJoined() {
    int running = running();
    for (int i = 0; i < n; i++) {
      boolean gone = crashed.get(i) || left.get(i);
      if (!gone && (!started.get(i) || nodes[i].aliveSeen < running - 1)) {
        return false;
      }
    }
    return true;
  }

  /** Members node {@code i} sees ALIVE, itself not counted. */
  public int aliveSeenBy(int i) {
    check(i);
    return nodes[i].aliveSeen;
  }

  /**
   * True if every running node has seen node {@code i}, crashed or departed, as not live (DEAD,
   * LEFT, or reaped).
   */
  public boolean detectedEverywhere(int i) {
    long[] seen = goneAt[i];
    if (seen == null) {
      return false;
    }
    for (int j = 0; j < n; j++) {
      if (isRunning(j) && seen[j] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Milliseconds from the crash or departure of node {@code i} until each running node saw it
   * gone, sorted; -1 for those that have not yet.
   */
  public long[] detectionMillis(int i) {
    long[] seen = goneAt[i];
    if (seen == null) {
      throw new IllegalArgumentException("node " + i + " neither crashed nor left");
    }
    long since = goneSince[i];
    long[] out = new long[running()];
    int k = 0;
    for (int j = 0; j < n; j++) {
      if (isRunning(j)) {
        out[k++] = seen[j] < 0 ? -1 : seen[j] - since;
      }
    }
    Arrays.sort(out);
    return out;
  }

  /** The state node {@code observer} holds for node {@code member}, or null if unknown. */
  public MemberState stateOf(int observer, int member) {
    Member m = viewOf(observer, member);
    return m == null ? null : m.state();
  }

  /** Node {@code i}'s local health score (Lifeguard): 0 when healthy, up to 8. */
  public int healthScore(int i) {
    check(i);
    return nodes[i].swim.healthScore();
  }

  /** The id of node {@code i}: {@code n<i>}. */
  public NodeId id(int i) {
    check(i);
    return nodes[i].id;
  }

  /** True if node {@code i} was started and has neither crashed nor left. */
  public boolean isRunning(int i) {
    return started.get(i) && !crashed.get(i) && !left.get(i);
  }

  private int running() {
    int r = 0;
    for (int i = 0; i < n; i++) {
      if (isRunning(i)) {
        r++;
      }
    }
    return r;
  }

  /** Messages sent so far, lost ones included. */
  public long messages() {
    return messages;
  }

  /** Encoded bytes of every message sent so far. */
  public long bytes() {
    return bytes;
  }

  /** Messages lost to the loss rate or sent to a stopped node. */
  public long lost() {
    return lost;
  }

  /** Events run so far (timers and deliveries). */
  public long eventsRun() {
    return eventCount;
  }

  /** Times some node declared DEAD a member that had neither crashed nor left. */
  public long falseDeadDeclarations() {
    return falseDead;
  }

  /** Distinct members declared DEAD by some node while they were running. */
  public int falselyDeadMembers() {
    return falselyDead.cardinality();
  }

  /** The membership counters of all nodes, summed ({@code membership.probes}, ...). */
  public Map<String, Long> counters() {
    return counters.snapshot();
  }

  /** The datagram budget every message must fit. */
  public int messageBudget() {
    return budget;
  }

  // ---------------------------------------------------------------- the network

  private InetSocketAddress nodeAddress(int i) {
    return InetSocketAddress.createUnresolved("n" + i, 1);
  }

  private int indexOf(NodeId id) {
    if (id.slot() >= 0 && id.slot() < n) {
      return id.slot();
    }
    String v = id.value();
    if (v.length() < 2 || v.charAt(0) != 'n') {
      return -1;
    }
    try {
      int i = Integer.parseInt(v, 1, v.length(), 10);
      return i >= 0 && i < n ? i : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private Cancellable schedule(long delay, Runnable task) {
    Event e = new Event(now + delay, seq++, task);
    events.add(e);
    // Cancelled in place and skipped when due: probe timeouts are cancelled by the thousand, and
    // removing each from the middle of the queue would cost a scan.
    return () -> e.cancelled = true;
  }

  /** One message's one-way latency, uniform in [min, max] ms. */
  private long latency() {
    return minLatency + (maxLatency > minLatency ? network.nextInt(maxLatency - minLatency + 1) : 0);
  }

  /** An engine's message to the engine of {@code to}, over the same lossy network. */
  private void sendToEngine(Node from, NodeId to, GossipMessage message) {
    engineMessages++;
    engineBytes += codec.encodedSize(message);
    int t = indexOf(to);
    if (t < 0 || (loss > 0 && network.nextDouble() < loss)) {
      lost++;
      return;
    }
    long latency = latency();
    schedule(latency, () -> {
      Node target = nodes[t];
      if (crashed.get(t) || !started.get(t) || target.engine == null) {
        lost++;
        return;
      }
      target.engine.receive(from.id, message);
    });
  }

  private void send(Node from, InetSocketAddress to, GossipMessage message) {
    int size = codec.encodedSize(message);
    if (size > budget) {
      throw new IllegalStateException("node " + from.id + " sent a " + message.getClass()
          .getSimpleName() + " of " + size + " bytes, over the datagram budget of " + budget
          + " (seed " + seed + ")");
    }
    messages++;
    bytes += size;
    Node target = byAddress.get(to);
    if (target == null || (loss > 0 && network.nextDouble() < loss)) {
      lost++;
      return;
    }
    long latency = latency();
    MembershipMessage m = (MembershipMessage) message;
    schedule(latency, () -> {
      if (crashed.get(target.index) || !started.get(target.index)) {
        lost++;
        return;
      }
      target.swim.receive(from.id, from.address, m);
    });
  }

  private void check(int i) {
    Objects.checkIndex(i, n);
  }

  /** Builds a {@link SwimSimulation}. */
  public static final class Builder {
    private int nodes = 100;
    private long seed = 1;
    private GossipConfig config = GossipConfig.lan();
    private MembershipConfig membership = MembershipConfig.lan();
    private double loss;
    private int minLatencyMillis = 1;
    private int maxLatencyMillis = 5;
    private int messageBudget;
    private Supplier<DisseminationStrategy> strategy;

    private Builder() {}

    /**
     * Runs a production {@link GossipEngine} on every node too, each with a strategy from {@code
     * v} and its node's SWIM view as its peers, its messages over the same network: writes
     * ({@link #put}) then spread as they would between real nodes while members come and go.
     * Default: none (membership alone).
     */
    public Builder engines(Supplier<DisseminationStrategy> v) {
      strategy = Objects.requireNonNull(v, "strategy");
      return this;
    }

    /** Nodes, 1 to {@value SwimSimulation#MAX_NODES}. Default: 100. */
    public Builder nodes(int v) {
      if (v < 1 || v > MAX_NODES) {
        throw new IllegalArgumentException(
            "nodes must be in [1, " + MAX_NODES + "], was " + v);
      }
      nodes = v;
      return this;
    }

    /** The seed every random choice derives from. Default: 1. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Probe, gossip and suspicion timing, and message limits. Default: {@code lan()}. */
    public Builder config(GossipConfig v) {
      config = Objects.requireNonNull(v, "config");
      return this;
    }

    /** Join, push-pull and retention timing. Default: {@code MembershipConfig.lan()}. */
    public Builder membership(MembershipConfig v) {
      membership = Objects.requireNonNull(v, "membership");
      return this;
    }

    /** Chance that any one message is lost, in [0, 1). Default: 0. */
    public Builder loss(double v) {
      if (!(v >= 0 && v < 1)) {
        throw new IllegalArgumentException("loss must be in [0, 1), was " + v);
      }
      loss = v;
      return this;
    }

    /** One-way latency, uniform in [min, max] virtual milliseconds. Default: 1 to 5. */
    public Builder latencyMillis(int min, int max) {
      atLeast("min latency", 0, min);
      if (max < min) {
        throw new IllegalArgumentException(
            "max latency must be >= min latency " + min + ", was " + max);
      }
      minLatencyMillis = min;
      maxLatencyMillis = max;
      return this;
    }

    /**
     * Largest message, in encoded bytes. Default: what a real node has left of a {@code
     * maxPacketBytes} datagram after the envelope and a sealing AEAD.
     */
    public Builder messageBudget(int v) {
      messageBudget = atLeast("messageBudget", 64, v);
      return this;
    }

    /** The simulation, no node started. */
    public SwimSimulation build() {
      return new SwimSimulation(this);
    }
  }

  @Override
  public String toString() {
    return "SwimSimulation{n=" + n + ", seed=" + seed + ", t=" + elapsedMillis() + " ms, "
        + "messages=" + messages + "}";
  }

  /** For reports: the ids of the nodes some node falsely declared DEAD. */
  public List<NodeId> falselyDead() {
    List<NodeId> out = new ArrayList<>();
    for (int i = falselyDead.nextSetBit(0); i >= 0; i = falselyDead.nextSetBit(i + 1)) {
      out.add(nodes[i].id);
    }
    return out;
  }
}
