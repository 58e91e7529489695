package io.gossipkit.core.membership;

import io.gossipkit.api.Cancellable;
import io.gossipkit.api.CodecException;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.Scheduler;
import io.gossipkit.api.SeedProvider;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.MemberSync;
import io.gossipkit.api.message.MembershipMessage;
import io.gossipkit.core.Counters;
import io.gossipkit.core.codec.KryoCodec;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.BiPredicate;

/**
 * A deterministic cluster of real {@link SwimMembership}s under virtual time: one event queue,
 * one clock, one seeded random source for the network and one per node. Every message is encoded
 * and decoded by the production {@link KryoCodec}, then delivered after 1 to 5 virtual
 * milliseconds unless the loss rule drops it. Nothing runs unless the test advances time, and
 * every run is bounded by a count of events.
 */
final class SwimHarness {
  /** Start of virtual time. */
  static final long START = 1_700_000_000_000L;
  /** Most events one {@link #runFor} may process before it fails the test. */
  static final int MAX_EVENTS = 5_000_000;
  /** Message budget of every node, as over UDP with a 1400-byte packet. */
  static final int BUDGET = 1200;

  /** One message in flight. */
  record Packet(int from, int to, GossipMessage message) {}

  private record Event(long at, long seq, Runnable task) {}

  private final PriorityQueue<Event> events =
      new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
          : Long.compare(a.seq, b.seq));
  private final GossipConfig config;
  private final MembershipConfig mconfig;
  private final KryoCodec codec;
  private final RandomSource network;
  private final long seed;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<InetSocketAddress, Node> byAddress = new HashMap<>();
  private long now = START;
  private long seq;
  private BiPredicate<Packet, RandomSource> lost = (p, r) -> false;
  private long delivered;
  private long dropped;
  /** Largest member list message, as over a stream transport; 0 for the datagram budget. */
  private int listBudget;
  private long memberSyncsSent;

  /** One simulated node. */
  final class Node {
    final int index;
    final NodeId id;
    final InetSocketAddress address;
    final Counters counters = new Counters();
    final SwimMembership swim;
    /** Virtual time at which this node first saw each member DEAD or LEFT. */
    final Map<NodeId, Long> firstGone = new HashMap<>();
    /** Members this node ever saw DEAD. */
    final List<NodeId> everDead = new ArrayList<>();
    boolean crashed;

    Node(int index, SeedProvider seeds) {
      this.index = index;
      this.id = NodeId.of(String.format("n%02d", index));
      this.address = InetSocketAddress.createUnresolved(id.value(), 1);
      Scheduler scheduler =
          (delay, task) -> {
            Event e = new Event(now + Math.max(0, delay), seq++, () -> {
              if (!crashed) {
                task.run();
              }
            });
            events.add(e);
            Cancellable cancel = () -> events.remove(e);
            return cancel;
          };
      swim =
          SwimMembership.builder()
              .self(id, () -> address)
              .config(config, mconfig)
              .seeds(seeds)
              .runtime(() -> now, scheduler, RandomSource.seeded(seed * 31 + index), counters)
              .transport((to, m) -> send(this, to, m))
              .sizer(codec::encodedSize, BUDGET)
              .listBudget(Math.max(BUDGET, listBudget))
              .build();
      swim.listener(
          (before, after) -> {
            if (after != null && !after.state().isLive()) {
              firstGone.putIfAbsent(after.id(), now);
              if (after.state() == MemberState.DEAD) {
                everDead.add(after.id());
              }
            }
          });
    }

    /** This node's view of {@code member}, or null if it does not know it. */
    Member member(NodeId member) {
      for (Member m : swim.members()) {
        if (m.id().equals(member)) {
          return m;
        }
      }
      return null;
    }

    /** Members this node sees ALIVE, itself included. */
    int aliveCount() {
      int n = 0;
      for (Member m : swim.members()) {
        if (m.state() == MemberState.ALIVE) {
          n++;
        }
      }
      return n;
    }

    @Override
    public String toString() {
      return id.toString();
    }
  }

  SwimHarness(GossipConfig config, MembershipConfig mconfig, long seed) {
    this.config = config;
    this.mconfig = mconfig;
    this.codec = new KryoCodec(config);
    this.seed = seed;
    this.network = RandomSource.seeded(seed);
  }

  /** Adds {@code count} nodes; node 0 is the seed of every other. Not started. */
  List<Node> addNodes(int count) {
    for (int i = 0; i < count; i++) {
      int index = nodes.size();
      SeedProvider seeds =
          SeedProvider.of(List.of(InetSocketAddress.createUnresolved("n00", 1)));
      Node n = new Node(index, seeds);
      nodes.add(n);
      byAddress.put(n.address, n);
    }
    return nodes;
  }

  List<Node> nodes() {
    return nodes;
  }

  Node node(int i) {
    return nodes.get(i);
  }

  long now() {
    return now;
  }

  /**
   * Lets nodes added from now on send member lists of up to {@code bytes}, as they do when a
   * stream transport carries them; every other message keeps the datagram budget.
   */
  void listBudget(int bytes) {
    listBudget = bytes;
  }

  /** Member list messages ({@code MemberSync}) sent so far, by every node. */
  long memberSyncsSent() {
    return memberSyncsSent;
  }

  /** Messages delivered so far. */
  long delivered() {
    return delivered;
  }

  /** Messages dropped by the loss rule so far. */
  long dropped() {
    return dropped;
  }

  /** Drops every packet for which {@code rule} is true (it may draw from the network's random). */
  void loss(BiPredicate<Packet, RandomSource> rule) {
    lost = rule;
  }

  /** Starts node {@code i} at the current virtual time. */
  void start(int i) {
    nodes.get(i).swim.start();
  }

  /** Starts every node, node {@code i} at {@code i * spreadMillis / count} from now. */
  void startAll(long spreadMillis) {
    int n = nodes.size();
    for (int i = 0; i < n; i++) {
      int index = i;
      events.add(new Event(now + spreadMillis * i / n, seq++, () -> start(index)));
    }
  }

  /** Crashes node {@code i}: it stops without a word; packets to it are lost. */
  void crash(int i) {
    Node n = nodes.get(i);
    n.crashed = true;
    n.swim.stop();
  }

  /** Hands {@code message} to node {@code to} as if node {@code from} had sent it. */
  void inject(int from, int to, MembershipMessage message) {
    Node f = nodes.get(from);
    nodes.get(to).swim.receive(f.id, f.address, message);
  }

  /** Advances virtual time by {@code millis}, running every event due. */
  void runFor(long millis) {
    long until = now + millis;
    int processed = 0;
    while (!events.isEmpty() && events.peek().at <= until) {
      if (++processed > MAX_EVENTS) {
        throw new AssertionError("more than " + MAX_EVENTS + " events in " + millis + " ms");
      }
      Event e = events.poll();
      now = e.at;
      e.task.run();
    }
    now = until;
  }

  /**
   * Runs in steps of {@code stepMillis} until {@code done} holds or {@code limitMillis} passed;
   * returns the virtual milliseconds it took, or -1 if it never held.
   */
  long runUntil(java.util.function.BooleanSupplier done, long stepMillis, long limitMillis) {
    long start = now;
    while (now - start <= limitMillis) {
      if (done.getAsBoolean()) {
        return now - start;
      }
      runFor(stepMillis);
    }
    return -1;
  }

  private void send(Node from, InetSocketAddress to, GossipMessage message) {
    Node target = byAddress.get(to);
    byte[] bytes;
    try {
      bytes = codec.encode(message);
    } catch (CodecException e) {
      throw new AssertionError("node " + from + " sent what the codec refuses: " + message, e);
    }
    boolean list = message instanceof MemberSync;
    int limit = list ? Math.max(BUDGET, listBudget) : BUDGET;
    if (bytes.length > limit) {
      throw new AssertionError("node " + from + " sent " + bytes.length + " bytes, budget "
          + limit + ": " + message.getClass().getSimpleName());
    }
    if (list) {
      memberSyncsSent++;
    }
    if (target == null) {
      return;
    }
    if (lost.test(new Packet(from.index, target.index, message), network)) {
      dropped++;
      return;
    }
    long latency = 1 + network.nextInt(5);
    events.add(new Event(now + latency, seq++, () -> {
      if (target.crashed) {
        return;
      }
      GossipMessage decoded;
      try {
        decoded = codec.decode(bytes, 0, bytes.length);
      } catch (CodecException e) {
        throw new AssertionError("codec could not read its own output", e);
      }
      delivered++;
      target.swim.receive(from.id, from.address, (MembershipMessage) decoded);
    }));
  }
}
