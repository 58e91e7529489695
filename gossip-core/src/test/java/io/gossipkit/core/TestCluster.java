package io.gossipkit.core;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.message.GossipMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for unit tests: real {@link GossipEngine}s sharing one
 * {@link EngineEnvironment} whose clock is a field, whose scheduler only records timers and whose
 * sink only records messages. Nothing happens unless the test says so: no threads, no sleeps,
 * every loop bounded. Node {@code i} is named {@code n<i>} and sits at ring position {@code i} of
 * a {@link StaticMembership}.
 */
public final class TestCluster {
  /** Start of virtual time, far from 0 so that "older than the TTL" is reachable. */
  public static final long START_MILLIS = 1_700_000_000_000L;

  /** Most messages one {@link #deliverAll} delivers before it fails the test. */
  public static final int MAX_DELIVERIES = 100_000;

  /** One message handed to the sink. */
  public record Sent(NodeId from, NodeId to, GossipMessage message) {}

  /** One timer handed to the scheduler. */
  public static final class Timer {
    public final long delayMillis;
    public final Runnable task;
    boolean cancelled;
    boolean ran;

    Timer(long delayMillis, Runnable task) {
      this.delayMillis = delayMillis;
      this.task = task;
    }

    boolean pending() {
      return !cancelled && !ran;
    }
  }

  private long now = START_MILLIS;
  private final List<Timer> timers = new ArrayList<>();
  private final List<Sent> log = new ArrayList<>();
  private final ArrayDeque<Sent> outbox = new ArrayDeque<>();
  private final GossipEngine[] engines;
  private final StaticMembership membership;
  private final EngineEnvironment env;

  /** A cluster of {@code nodes} members under last-writer-wins. */
  public TestCluster(GossipConfig config, int nodes, long seed) {
    this(config, nodes, seed, MergePolicy.lastWriterWins());
  }

  /** A cluster of {@code nodes} members under {@code policy}. */
  public TestCluster(GossipConfig config, int nodes, long seed, MergePolicy policy) {
    NodeId[] ids = new NodeId[nodes];
    for (int i = 0; i < nodes; i++) {
      ids[i] = NodeId.of("n" + i);
    }
    membership = new StaticMembership(ids);
    engines = new GossipEngine[nodes];
    env =
        EngineEnvironment.builder()
            .config(config)
            .mergePolicy(policy)
            .clock(() -> now)
            .scheduler(
                (delay, task) -> {
                  Timer t = new Timer(delay, task);
                  timers.add(t);
                  return () -> t.cancelled = true;
                })
            .random(RandomSource.seeded(seed))
            .sink(
                (from, to, message) -> {
                  Sent s = new Sent(from, to, message);
                  log.add(s);
                  outbox.addLast(s);
                })
            .build();
  }

  /** Creates (not starts) node {@code i}'s engine running {@code strategy}. */
  public GossipEngine add(int i, DisseminationStrategy strategy) {
    engines[i] = new GossipEngine(id(i), env, strategy, membership.viewOf(i));
    return engines[i];
  }

  /** Node {@code i}'s engine. */
  public GossipEngine engine(int i) {
    return engines[i];
  }

  /** Node {@code i}'s id. */
  public NodeId id(int i) {
    return membership.member(i);
  }

  /** The shared membership (mark members down here). */
  public StaticMembership membership() {
    return membership;
  }

  /** The shared counters. */
  public Counters counters() {
    return env.counters();
  }

  /** The virtual time. */
  public long now() {
    return now;
  }

  /** Moves the virtual time by {@code millis} (which may be negative: a clock stepping back). */
  public void advance(long millis) {
    now += millis;
  }

  /** Runs one round of node {@code i}'s strategy directly, as a timer would (without re-arming). */
  public void round(int i) {
    engines[i].strategy().onRound(engines[i]);
  }

  /** Timers recorded and neither run nor cancelled. */
  public List<Timer> pendingTimers() {
    List<Timer> out = new ArrayList<>();
    for (Timer t : timers) {
      if (t.pending()) {
        out.add(t);
      }
    }
    return out;
  }

  /** Runs every timer pending now (not those the runs arm); returns how many ran. */
  public int fireTimers() {
    List<Timer> due = pendingTimers();
    for (Timer t : due) {
      t.ran = true;
      t.task.run();
    }
    return due.size();
  }

  /** Every message sent so far, in order. */
  public List<Sent> sent() {
    return List.copyOf(log);
  }

  /** Messages of type {@code type} sent so far by node {@code from}. */
  public <T extends GossipMessage> List<T> sentBy(int from, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Sent s : log) {
      if (s.from().equals(id(from)) && type.isInstance(s.message())) {
        out.add(type.cast(s.message()));
      }
    }
    return out;
  }

  /** Recipients, in order, of the messages of type {@code type} sent so far by node {@code from}. */
  public List<NodeId> recipients(int from, Class<? extends GossipMessage> type) {
    List<NodeId> out = new ArrayList<>();
    for (Sent s : log) {
      if (s.from().equals(id(from)) && type.isInstance(s.message())) {
        out.add(s.to());
      }
    }
    return out;
  }

  /** Forgets every message sent and not yet delivered. */
  public void clearSent() {
    log.clear();
    outbox.clear();
  }

  /** Messages sent and not yet delivered. */
  public int inFlight() {
    return outbox.size();
  }

  /**
   * Delivers the first {@code max} messages in flight, in the order sent (the messages they cause
   * join the end of the line); returns how many were delivered.
   */
  public int deliver(int max) {
    int delivered = 0;
    while (delivered < max && !outbox.isEmpty()) {
      Sent s = outbox.pollFirst();
      GossipEngine to = engineOf(s.to());
      if (to != null) {
        to.receive(s.from(), s.message());
        delivered++;
      }
    }
    return delivered;
  }

  /** Loses the first {@code max} messages in flight, undelivered; returns how many. */
  public int lose(int max) {
    int lost = 0;
    while (lost < max && !outbox.isEmpty()) {
      outbox.pollFirst();
      lost++;
    }
    return lost;
  }

  /** Delivers every message in flight and every message that causes; returns how many. */
  public int deliverAll() {
    return deliverAll(s -> false);
  }

  /**
   * Delivers every message in flight, and the ones they cause, in the order sent, losing those
   * {@code lost} matches; returns how many were delivered. Fails past {@link #MAX_DELIVERIES}.
   */
  public int deliverAll(Predicate<Sent> lost) {
    int delivered = 0;
    while (!outbox.isEmpty()) {
      if (delivered >= MAX_DELIVERIES) {
        throw new AssertionError("more than " + MAX_DELIVERIES + " deliveries: a message loop?");
      }
      Sent s = outbox.pollFirst();
      if (lost.test(s)) {
        continue;
      }
      GossipEngine to = engineOf(s.to());
      if (to != null) {
        to.receive(s.from(), s.message());
        delivered++;
      }
    }
    return delivered;
  }

  private GossipEngine engineOf(NodeId id) {
    for (int i = 0; i < engines.length; i++) {
      if (membership.member(i).equals(id)) {
        return engines[i];
      }
    }
    return null;
  }
}
