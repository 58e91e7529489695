package io.gossipkit.core.membership;

import static io.gossipkit.api.internal.Arguments.atLeast;

import io.gossipkit.api.Clock;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.Scheduler;
import io.gossipkit.api.SeedProvider;
import io.gossipkit.api.message.Ack;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.MemberGossip;
import io.gossipkit.api.message.MemberSync;
import io.gossipkit.api.message.MemberUpdate;
import io.gossipkit.api.message.MembershipMessage;
import io.gossipkit.api.message.Nack;
import io.gossipkit.api.message.Ping;
import io.gossipkit.api.message.PingReq;
import io.gossipkit.core.Counters;
import io.gossipkit.core.membership.internal.Awareness;
import io.gossipkit.core.membership.internal.MemberTable;
import io.gossipkit.core.membership.internal.MemberTable.Record;
import io.gossipkit.core.membership.internal.MembershipBroadcasts;
import io.gossipkit.core.membership.internal.Suspicion;
import io.gossipkit.core.membership.internal.TransmitLimitedQueue;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * One node's SWIM membership (Das, Gupta and Motivala, 2002) with Lifeguard's suspicion (Dadgar
 * et al., 2018), shaped after hashicorp/memberlist.
 *
 * <ul>
 *   <li><b>Probes.</b> Every probe interval the node pings the next member of a shuffled
 *       round-robin order. Without an {@link Ack} within the probe timeout it asks {@code
 *       indirectChecks} other members to ping it ({@link PingReq}); without any ack by the next
 *       probe the member becomes SUSPECT.
 *   <li><b>Local health (Lifeguard).</b> A node that gets neither the ack nor the {@link Nack}s
 *       of its indirect probers, or must refute a suspicion of itself, raises its health score
 *       and stretches its probe interval and timeout by {@code score + 1} (at most 9x); each
 *       answered probe lowers it. A prober also tells a suspect of its suspicion in the ping
 *       (the buddy system), so a live suspect refutes quickly.
 *   <li><b>Suspicion.</b> A suspect is declared DEAD when its suspicion times out: at first after
 *       {@code suspicionMaxTimeoutMultiplier} times the shortest timeout, shrinking toward the
 *       shortest, {@code suspicionMultiplier * max(1, log10(n)) * probeInterval}, as other members
 *       confirm it. A suspect that hears of its suspicion refutes it by raising its incarnation.
 *   <li><b>Dissemination.</b> Every change is queued and piggybacked on pings and acks, and
 *       gossiped every gossip interval to {@code fanout} live members ({@link MemberGossip}), each
 *       update at most {@code retransmitMultiplier * ceil(log10(n + 1))} times, newest and
 *       least-sent first.
 *   <li><b>Join and push-pull.</b> Until it knows a live member the node sends its member list to
 *       every seed ({@link MemberSync}), retrying with doubling waits; after that it exchanges
 *       whole lists with one random live member every push-pull interval.
 *   <li><b>Leave and reaping.</b> {@link #leave()} announces LEFT; DEAD and LEFT members are
 *       removed after the dead retention. A removed member's last incarnation is remembered for
 *       one more retention, so a stale ALIVE still in flight (a relayed broadcast, a push-pull
 *       from a healed partition) cannot bring it back; the member itself, restarted at
 *       incarnation 0, is told it is dead and refutes with a newer one, as before the removal.
 * </ul>
 *
 * <p>Single-threaded: every method runs on the node's executor. Only the given {@link Clock},
 * {@link Scheduler} and {@link RandomSource} are used, so a run under virtual time reproduces from
 * its seed. Hostile input is bounded: the member table holds at most {@code maxMembers}, indirect
 * probes for others at most {@code maxPendingRelays}, claims about this node are refuted, a LEFT
 * not announced by the member itself is dropped, an incarnation above {@link #MAX_INCARNATION}
 * is dropped, and a live member's address cannot be changed by an update; each refusal is counted
 * ({@code membership.*}, see docs/membership.md).
 *
 * <pre>{@code
 * SwimMembership swim = SwimMembership.builder()
 *     .self(NodeId.of("a"), transport::localAddress)
 *     .config(GossipConfig.lan(), MembershipConfig.lan())
 *     .seeds(SeedProvider.of(List.of(seedAddress)))
 *     .runtime(clock, scheduler, random, counters)
 *     .transport((to, message) -> ...)
 *     .sizer(codec::encodedSize, 1200)
 *     .build();
 * swim.start();
 * }</pre>
 */
public final class SwimMembership {
  /**
   * Largest incarnation accepted from the wire: far beyond any a node reaches by refuting, and
   * far enough below {@code Long.MAX_VALUE} that refuting it cannot overflow.
   */
  public static final long MAX_INCARNATION = 1L << 62;

  /** Highest local health score (memberlist's AwarenessMaxMultiplier): probes 9x slower at worst. */
  static final int MAX_AWARENESS = 8;

  /** Bytes kept free in every message for the count prefix of its update list to grow. */
  private static final int SLACK_BYTES = 4;

  /**
   * Push-pulls a node runs {@code joinRetryInitial} apart right after it joins, before settling
   * to one per {@code pushPullInterval}. The seed's answer to a join is the whole member list,
   * in as many datagrams as it takes without a stream transport, and the updates of members that
   * joined earlier have long stopped being gossiped: a part lost on the way (5% loss, a
   * 200-member list in seven datagrams: a join in three) left those members unknown to the new
   * node until a later push-pull, 30 s each (`gossip sim swim --nodes 200 --crash 10 --loss 0.05
   * --seed 1`: every node knew every other after 91.5 s instead of about 4). Three quick
   * exchanges with random members leave a part missing with odds of about 0.3^4.
   */
  static final int QUICK_SYNCS_AFTER_JOIN = 3;

  private final NodeId self;
  private final Supplier<InetSocketAddress> selfAddress;
  private final GossipConfig config;
  private final MembershipConfig mconfig;
  private final SeedProvider seeds;
  private final Clock clock;
  private final Scheduler scheduler;
  private final RandomSource random;
  private final Counters counters;
  private final MembershipTransport out;
  private final ToIntFunction<GossipMessage> sizer;
  private final int budget;
  /** Largest member-list message: the stream transport's when there is one, else {@link #budget}. */
  private final int listBudget;
  private final long probeInterval;
  private final long probeTimeout;
  /**
   * How long a relay waits for the target before it nacks: 80% of what the requester has left
   * between sending the indirect probes (at the probe timeout) and judging them (at the probe
   * interval), and at most 80% of the timeout, as memberlist. At 80% of the timeout alone, the
   * WAN preset's nacks (3 s + 2.4 s) arrived after the 5 s interval, so every failed probe of a
   * crashed member cost a healthy prober its whole indirect count in health score.
   */
  private final long nackDelay;
  private final long gossipInterval;
  private final MemberTable table;
  /**
   * Members reaped within the last dead retention, oldest first, at most {@code maxMembers}: what
   * {@link #onAlive} checks an ALIVE for an unknown member against.
   */
  private final LinkedHashMap<NodeId, Reaped> reaped = new LinkedHashMap<>();

  /**
   * Members declared DEAD, in the order they died, with the time: those within {@code
   * gossipToTheDead} are gossip targets too, found here without walking the whole table each
   * gossip interval.
   */
  private final LinkedHashMap<NodeId, Long> deaths = new LinkedHashMap<>();

  /** What this node last knew of a member it reaped, and when it reaped it. */
  private record Reaped(long incarnation, InetSocketAddress address, long at) {}
  private final TransmitLimitedQueue broadcasts;
  private final Map<Long, Relay> relays = new HashMap<>();
  private final Awareness awareness = new Awareness(MAX_AWARENESS);
  private final List<NodeId> probeOrder = new ArrayList<>();
  private int probeIndex;
  private MembershipListener listener;

  private InetSocketAddress address;
  private long incarnation;
  private boolean started;
  private boolean stopped;
  private boolean leaving;
  private long nextSequence;
  private long probeSeq = -1;
  private NodeId probeTarget;
  private boolean probeAcked;
  private int expectedNacks;
  private int nacks;
  private int joinAttempts;
  /**
   * Push-pulls still to run {@code joinRetryInitial} apart rather than {@code pushPullInterval}
   * apart, after joining: see {@link #QUICK_SYNCS_AFTER_JOIN}.
   */
  private int quickSyncsLeft;

  /** An indirect probe run for another member: where to forward the ack, under which number. */
  private record Relay(InetSocketAddress requester, long sequence) {}

  private SwimMembership(Builder b) {
    self = b.self;
    selfAddress = b.selfAddress;
    config = b.config;
    mconfig = b.mconfig;
    seeds = b.seeds;
    clock = b.clock;
    scheduler = b.scheduler;
    random = b.random;
    counters = b.counters;
    out = b.out;
    sizer = b.sizer;
    budget = b.budget;
    listBudget = Math.max(b.budget, b.listBudget);
    probeInterval = config.probeInterval().toMillis();
    probeTimeout = config.probeTimeout().toMillis();
    nackDelay = Math.max(1, Math.min(probeTimeout, probeInterval - probeTimeout) * 4 / 5);
    gossipInterval = config.gossipInterval().toMillis();
    table = new MemberTable(self);
    int emptyGossip = sizer.applyAsInt(new MemberGossip(List.of()));
    broadcasts =
        new TransmitLimitedQueue(
            u -> sizer.applyAsInt(new MemberGossip(List.of(u))) - emptyGossip,
            this::retransmitLimit,
            config.maxEntriesPerMessage());
  }

  /** A builder; every part but the seeds and the listener is required. */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ public surface

  /** This node's id. */
  public NodeId self() {
    return self;
  }

  /** The live members, as the node's dissemination strategy sees them. */
  public PeerView peers() {
    return table.view();
  }

  /** The updates still to spread, for a packet assembler. */
  public MembershipBroadcasts broadcasts() {
    return broadcasts;
  }

  /** Sets the one listener told of every change to the member list (null for none). */
  public void listener(MembershipListener l) {
    listener = l;
  }

  /** Where {@code id} receives packets, or null if unknown. */
  public InetSocketAddress addressOf(NodeId id) {
    if (id.equals(self)) {
      return address;
    }
    Record r = table.get(id);
    return r == null ? null : r.address;
  }

  /** Every member this node knows, itself included, the dead until reaped; sorted by id. */
  public List<Member> members() {
    List<Member> list = new ArrayList<>(table.size() + 1);
    list.add(selfMember());
    for (Record r : table.records()) {
      list.add(r.toMember());
    }
    list.sort((a, b) -> a.id().compareTo(b.id()));
    return list;
  }

  /** This node's local health score: 0 when healthy, up to 8 (see {@link Awareness}). */
  public int healthScore() {
    return awareness.score();
  }

  /** This node's current incarnation. */
  public long incarnation() {
    return incarnation;
  }

  /** Starts probing, gossiping and joining through the seeds. Idempotent. */
  public void start() {
    if (started || stopped) {
      return;
    }
    started = true;
    address = Objects.requireNonNull(selfAddress.get(), "the node's own address");
    broadcasts.add(selfUpdate());
    syncTick();
    scheduler.schedule(1 + (long) (random.nextDouble() * probeInterval), this::probeTick);
    scheduler.schedule(1 + (long) (random.nextDouble() * gossipInterval), this::gossipTick);
  }

  /**
   * Announces that this node leaves: it marks itself LEFT and sends that at once to up to the
   * retransmit limit of live members, who spread it further. The node stops probing; close it
   * afterwards. Idempotent.
   */
  public void leave() {
    if (!started || stopped || leaving) {
      return;
    }
    leaving = true;
    MemberUpdate left = new MemberUpdate(self, address, MemberState.LEFT, incarnation, self);
    broadcasts.add(left);
    // Told at once to up to LEAVE_TARGETS members, not only to the retransmit limit: the node
    // usually closes right after, and members the announcement missed then hear of it only
    // through piggybacks, or take the silent node for dead first (a DEAD record ignores a later
    // LEFT).
    List<NodeId> targets = randomLive(Math.max(retransmitLimit(), LEAVE_TARGETS), null);
    for (NodeId t : targets) {
      send(table.get(t).address, new MemberGossip(List.of(left)));
    }
  }

  /** Members a leaving node tells directly, at least: a leave is rare, one datagram each. */
  static final int LEAVE_TARGETS = 32;

  /** Stops: timers become no-ops and messages are ignored. Idempotent. */
  public void stop() {
    stopped = true;
    for (Record r : table.records()) {
      if (r.suspicion != null) {
        r.suspicion.cancel();
      }
    }
  }

  /**
   * Handles a membership message from {@code from}, received from {@code fromAddress} (where
   * acks go back to). Never throws for what a peer sent.
   */
  public void receive(NodeId from, InetSocketAddress fromAddress, MembershipMessage m) {
    if (stopped || !started) {
      return;
    }
    if (m instanceof MemberSync) {
      MemberSync s = (MemberSync) m;
      merge(from, s.updates());
      if (s.wantReply() && fromAddress != null) {
        sendState(fromAddress, false);
      }
      return;
    }
    for (MemberUpdate u : m.updates()) {
      apply(u);
    }
    if (m instanceof Ping) {
      Ping p = (Ping) m;
      if (!p.target().equals(self)) {
        counters.add("membership.dropped_misdirected", 1);
      } else if (fromAddress != null) {
        send(fromAddress, new Ack(p.sequence(), piggyback(new Ack(p.sequence(), List.of()))));
      }
    } else if (m instanceof PingReq) {
      onPingReq(fromAddress, (PingReq) m);
    } else if (m instanceof Ack) {
      onAck((Ack) m);
    } else if (m instanceof Nack) {
      if (((Nack) m).sequence() == probeSeq) {
        nacks++;
      }
    }
  }

  // ------------------------------------------------------------------ probing

  private void probeTick() {
    if (stopped) {
      return;
    }
    if (leaving) {
      scheduler.schedule(probeInterval, this::probeTick);
      return;
    }
    // The previous probe had the whole interval to be answered, directly or indirectly.
    if (probeTarget != null) {
      finishProbe();
    }
    // An unhealthy node probes less often and waits longer, rather than accuse others.
    scheduler.schedule(awareness.scale(probeInterval), this::probeTick);
    probeTarget = null;
    Record target = nextProbeTarget();
    if (target == null) {
      return;
    }
    long seq = nextSequence++;
    probeSeq = seq;
    probeTarget = target.id;
    probeAcked = false;
    expectedNacks = 0;
    nacks = 0;
    counters.add("membership.probes", 1);
    List<MemberUpdate> updates = new ArrayList<>();
    Ping base = new Ping(seq, target.id, List.of());
    int room = budget - sizer.applyAsInt(base) - SLACK_BYTES;
    if (target.state == MemberState.SUSPECT) {
      // The buddy system: tell the suspect itself, so that if alive it refutes at once.
      MemberUpdate buddy =
          new MemberUpdate(target.id, target.address, MemberState.SUSPECT, target.incarnation, self);
      updates.add(buddy);
      room -= sizer.applyAsInt(new Ping(seq, target.id, List.of(buddy))) - sizer.applyAsInt(base);
    }
    updates.addAll(broadcasts.drain(room));
    send(target.address, new Ping(seq, target.id, updates));
    scheduler.schedule(awareness.scale(probeTimeout), () -> probeIndirectly(seq));
  }

  private void finishProbe() {
    if (probeAcked) {
      awareness.apply(-1);
      return;
    }
    // Nacks prove the indirect probers were reachable: the target failed, not this node's link.
    // Missing ones, or no one to ask at all, count against this node's own health.
    awareness.apply(expectedNacks > 0 ? expectedNacks - Math.min(nacks, expectedNacks) : 1);
    Record r = table.get(probeTarget);
    if (r != null && r.state.isLive()) {
      counters.add("membership.probes_failed", 1);
      apply(new MemberUpdate(r.id, r.address, MemberState.SUSPECT, r.incarnation, self));
    }
  }

  private void probeIndirectly(long seq) {
    if (stopped || seq != probeSeq || probeAcked || probeTarget == null) {
      return;
    }
    Record target = table.get(probeTarget);
    if (target == null || !target.state.isLive()) {
      return;
    }
    for (NodeId via : randomAlive(config.indirectChecks(), target.id)) {
      expectedNacks++;
      PingReq base = new PingReq(seq, target.id, target.address, List.of());
      send(table.get(via).address,
          new PingReq(seq, target.id, target.address, piggyback(base)));
    }
  }

  private void onPingReq(InetSocketAddress requester, PingReq r) {
    if (requester == null) {
      return;
    }
    if (r.target().equals(self)) {
      send(requester, new Ack(r.sequence(), List.of()));
      return;
    }
    if (relays.size() >= mconfig.maxPendingRelays()) {
      counters.add("membership.dropped_relays_full", 1);
      return;
    }
    long seq = nextSequence++;
    relays.put(seq, new Relay(requester, r.sequence()));
    send(r.targetAddress(), new Ping(seq, r.target(), piggyback(new Ping(seq, r.target(),
        List.of()))));
    // Lifeguard: say in time that the target did not answer, so the requester knows this path
    // works (see nackDelay); a late ack is still forwarded.
    scheduler.schedule(nackDelay, () -> {
      if (!stopped && relays.containsKey(seq)) {
        send(requester, new Nack(r.sequence()));
      }
    });
    scheduler.schedule(probeTimeout, () -> relays.remove(seq));
  }

  private void onAck(Ack a) {
    Relay relay = relays.remove(a.sequence());
    if (relay != null) {
      send(relay.requester(), new Ack(relay.sequence(), List.of()));
    } else if (a.sequence() == probeSeq) {
      probeAcked = true;
    }
  }

  /** The next live member in the shuffled round-robin order; reshuffles after each pass. */
  private Record nextProbeTarget() {
    for (int pass = 0; pass < 2; pass++) {
      while (probeIndex < probeOrder.size()) {
        Record r = table.get(probeOrder.get(probeIndex++));
        if (r != null && r.state.isLive()) {
          return r;
        }
      }
      // End of a pass: forget the long dead, then walk everyone again in a new order.
      reap();
      probeOrder.clear();
      for (Record r : table.records()) {
        probeOrder.add(r.id);
      }
      probeOrder.sort(null); // the table's order is a hash order; sort so the shuffle decides
      for (int i = probeOrder.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        NodeId t = probeOrder.get(i);
        probeOrder.set(i, probeOrder.get(j));
        probeOrder.set(j, t);
      }
      probeIndex = 0;
    }
    return null;
  }

  private void reap() {
    long cutoff = clock.millis() - mconfig.deadRetention().toMillis();
    List<Record> gone = new ArrayList<>();
    for (Record r : table.records()) {
      if (!r.state.isLive() && r.changedAt <= cutoff) {
        gone.add(r);
      }
    }
    for (Record r : gone) {
      table.remove(r.id);
      counters.add("membership.reaped", 1);
      // Removed first, so the map stays in reaping order when a member is reaped again.
      reaped.remove(r.id);
      reaped.put(r.id, new Reaped(r.incarnation, r.address, clock.millis()));
      notifyChange(r.toMember(), null);
    }
    var oldest = reaped.values().iterator();
    while (oldest.hasNext()) {
      Reaped x = oldest.next();
      if (x.at > cutoff && reaped.size() <= mconfig.maxMembers()) {
        break;
      }
      oldest.remove();
    }
  }

  // ------------------------------------------------------------------ dissemination

  private void gossipTick() {
    if (stopped) {
      return;
    }
    scheduler.schedule(gossipInterval, this::gossipTick);
    if (broadcasts.isEmpty()) {
      return;
    }
    int base = sizer.applyAsInt(new MemberGossip(List.of()));
    for (NodeId to : gossipTargets(config.fanout())) {
      List<MemberUpdate> updates = broadcasts.drain(budget - base - SLACK_BYTES);
      if (updates.isEmpty()) {
        break;
      }
      send(table.get(to).address, new MemberGossip(updates));
    }
  }

  /**
   * Up to {@code count} distinct random members to gossip to: live ones and, as memberlist does,
   * those declared DEAD within {@code gossipToTheDead}, so a member killed by mistake hears of
   * its death while the news still spreads and refutes it.
   */
  private List<NodeId> gossipTargets(int count) {
    long window = mconfig.gossipToTheDead().toMillis();
    List<NodeId> dead = new ArrayList<>();
    long since = clock.millis() - window;
    var oldest = deaths.values().iterator();
    while (oldest.hasNext() && oldest.next() <= since) {
      oldest.remove();
    }
    for (NodeId id : deaths.keySet()) {
      Record r = table.get(id);
      // Still DEAD since then: not refuted, not reaped.
      if (r != null && r.state == MemberState.DEAD && r.changedAt > since) {
        dead.add(id);
      }
    }
    return sample(count, null, false, dead);
  }

  private List<MemberUpdate> piggyback(GossipMessage empty) {
    return broadcasts.drain(budget - sizer.applyAsInt(empty) - SLACK_BYTES);
  }

  private int retransmitLimit() {
    int n = table.liveCount() + 1;
    return config.retransmitMultiplier() * (int) Math.ceil(Math.log10(n + 1.0));
  }

  // ------------------------------------------------------------------ join and push-pull

  private void syncTick() {
    if (stopped) {
      return;
    }
    long delay;
    if (table.liveCount() == 0 && !leaving) {
      // Not joined, or everyone else is gone: ask the seeds, waiting longer after each silence.
      contactSeeds();
      quickSyncsLeft = QUICK_SYNCS_AFTER_JOIN;
      long initial = mconfig.joinRetryInitial().toMillis();
      int doublings = Math.min(joinAttempts++, 30);
      delay = Math.min(mconfig.joinRetryMax().toMillis(), initial << doublings);
    } else {
      joinAttempts = 0;
      List<NodeId> peer = randomLive(1, null);
      if (!peer.isEmpty() && !leaving) {
        counters.add("membership.push_pulls", 1);
        sendState(table.get(peer.get(0)).address, true);
      }
      if (quickSyncsLeft > 0) {
        quickSyncsLeft--;
        delay = mconfig.joinRetryInitial().toMillis();
      } else {
        delay = mconfig.pushPullInterval().toMillis();
      }
    }
    scheduler.schedule(delay, this::syncTick);
  }

  private void contactSeeds() {
    if (seeds == null) {
      return;
    }
    List<InetSocketAddress> list;
    try {
      list = seeds.seeds();
    } catch (RuntimeException e) {
      // A DNS provider may fail for a while; the next attempt asks again.
      counters.add("membership.seed_errors", 1);
      return;
    }
    if (list == null) {
      return;
    }
    for (InetSocketAddress seed : list) {
      if (seed != null && !seed.equals(address)) {
        counters.add("membership.join_attempts", 1);
        sendState(seed, true);
      }
    }
  }

  /**
   * Sends every member this node knows, in as many messages as the list budget needs: one or a
   * few over a stream transport, many datagrams without one.
   */
  private void sendState(InetSocketAddress to, boolean wantReply) {
    List<MemberUpdate> all = new ArrayList<>(table.size() + 1);
    all.add(selfUpdate());
    for (Record r : table.records()) {
      NodeId from = r.state == MemberState.ALIVE || r.state == MemberState.LEFT ? r.id : self;
      all.add(new MemberUpdate(r.id, r.address, r.state, r.incarnation, from));
    }
    int base = sizer.applyAsInt(new MemberSync(wantReply, List.of())) + SLACK_BYTES;
    int max = config.maxEntriesPerMessage();
    List<MemberUpdate> chunk = new ArrayList<>();
    int used = base;
    boolean first = true;
    int emptyGossip = sizer.applyAsInt(new MemberGossip(List.of()));
    for (MemberUpdate u : all) {
      int bytes = sizer.applyAsInt(new MemberGossip(List.of(u))) - emptyGossip;
      if (!chunk.isEmpty() && (used + bytes > listBudget || chunk.size() >= max)) {
        // Only the first part asks for a reply: one answer per exchange, not one per part.
        send(to, new MemberSync(wantReply && first, chunk));
        first = false;
        chunk = new ArrayList<>();
        used = base;
      }
      chunk.add(u);
      used += bytes;
    }
    send(to, new MemberSync(wantReply && first, chunk));
  }

  /** Merges a member list as memberlist does: a remote DEAD is only a suspicion here. */
  private void merge(NodeId sender, List<MemberUpdate> updates) {
    for (MemberUpdate u : updates) {
      if (u.state() == MemberState.DEAD || u.state() == MemberState.SUSPECT) {
        apply(new MemberUpdate(u.id(), u.address(), MemberState.SUSPECT, u.incarnation(), sender));
      } else {
        apply(u);
      }
    }
  }

  // ------------------------------------------------------------------ state machine

  /** Applies one update, by SWIM's precedence rules; refuses hostile ones and counts them. */
  void apply(MemberUpdate u) {
    if (u.incarnation() > MAX_INCARNATION) {
      counters.add("membership.dropped_bad_incarnation", 1);
      return;
    }
    if (u.id().equals(self)) {
      onSelf(u);
      return;
    }
    switch (u.state()) {
      case ALIVE:
        onAlive(u);
        break;
      case SUSPECT:
        onSuspect(u);
        break;
      default:
        onDeadOrLeft(u);
        break;
    }
  }

  private void onSelf(MemberUpdate u) {
    if (leaving) {
      return;
    }
    boolean sameClaim =
        u.state() == MemberState.ALIVE && u.incarnation() <= incarnation
            && address.equals(u.address());
    if (sameClaim || u.incarnation() < incarnation) {
      return;
    }
    // Someone believes this node suspect, dead or elsewhere at an incarnation as new as its own:
    // outbid it, as SWIM's refutation does.
    incarnation = u.incarnation() + 1;
    counters.add("membership.refuted", 1);
    // Being suspected is a hint that this node is the slow one.
    awareness.apply(1);
    broadcasts.add(selfUpdate());
  }

  private void onAlive(MemberUpdate u) {
    Record r = table.get(u.id());
    long now = clock.millis();
    if (r == null) {
      Reaped gone = reaped.get(u.id());
      if (gone != null) {
        if (u.incarnation() <= gone.incarnation) {
          counters.add("membership.dropped_stale_alive", 1);
          if (u.from().equals(u.id())) {
            // The member itself, back at an incarnation this node declared dead (a restart
            // starts again at 0): say so, and its refutation, newer, is taken.
            send(u.address(), new MemberGossip(List.of(new MemberUpdate(u.id(), gone.address,
                MemberState.DEAD, gone.incarnation, self))));
          }
          return;
        }
        reaped.remove(u.id());
      }
      if (table.size() >= mconfig.maxMembers()) {
        counters.add("membership.dropped_table_full", 1);
        return;
      }
      r = table.add(u.id(), u.address(), MemberState.ALIVE, u.incarnation(), now);
      insertIntoProbeOrder(u.id());
      broadcasts.add(normalized(u));
      notifyChange(null, r.toMember());
      return;
    }
    if (u.incarnation() <= r.incarnation) {
      return;
    }
    if (!u.address().equals(r.address) && r.state.isLive()) {
      // A live member does not move; an update that says so is a conflict or a forgery.
      counters.add("membership.dropped_address_conflict", 1);
      return;
    }
    Member before = r.toMember();
    cancelSuspicion(r);
    r.address = u.address();
    r.state = MemberState.ALIVE;
    r.incarnation = u.incarnation();
    r.changedAt = now;
    table.changed(before.state(), r);
    broadcasts.add(normalized(u));
    notifyChange(before, r.toMember());
  }

  private void onSuspect(MemberUpdate u) {
    Record r = table.get(u.id());
    if (r == null || u.incarnation() < r.incarnation) {
      return;
    }
    if (r.state == MemberState.SUSPECT) {
      if (r.suspicion != null
          && r.suspicion.confirm(u.from(), clock.millis())) {
        broadcasts.add(withAddress(u, r));
      }
      return;
    }
    if (!r.state.isLive()) {
      return;
    }
    if (u.from().equals(self)) {
      counters.add("membership.suspected", 1);
    }
    Member before = r.toMember();
    r.state = MemberState.SUSPECT;
    r.incarnation = u.incarnation();
    r.changedAt = clock.millis();
    table.changed(before.state(), r);
    int n = table.liveCount() + 1;
    int k = config.suspicionMultiplier() - 2;
    if (n - 2 < k) {
      k = 0;
    }
    long min = suspicionTimeout(n);
    long max = mconfig.suspicionMaxTimeoutMultiplier() * min;
    long inc = r.incarnation;
    Record record = r;
    r.suspicion =
        new Suspicion(u.from(), k, min, max, clock.millis(), scheduler, () -> expire(record, inc));
    broadcasts.add(withAddress(u, r));
    notifyChange(before, r.toMember());
  }

  private void expire(Record r, long inc) {
    if (stopped || table.get(r.id) != r || r.state != MemberState.SUSPECT
        || r.incarnation != inc) {
      return;
    }
    counters.add("membership.declared_dead", 1);
    onDeadOrLeft(new MemberUpdate(r.id, r.address, MemberState.DEAD, inc, self));
  }

  private void onDeadOrLeft(MemberUpdate u) {
    Record r = table.get(u.id());
    if (r == null || u.incarnation() < r.incarnation || !r.state.isLive()) {
      return;
    }
    if (u.state() == MemberState.LEFT && !u.from().equals(u.id())) {
      counters.add("membership.dropped_spoofed_leave", 1);
      return;
    }
    Member before = r.toMember();
    cancelSuspicion(r);
    r.state = u.state();
    r.incarnation = u.incarnation();
    r.changedAt = clock.millis();
    table.changed(before.state(), r);
    if (r.state == MemberState.DEAD && mconfig.gossipToTheDead().toMillis() > 0) {
      deaths.remove(r.id); // to the end: the map stays in order of death
      deaths.put(r.id, r.changedAt);
    }
    broadcasts.add(withAddress(u, r));
    notifyChange(before, r.toMember());
  }

  /** Shortest suspicion for a cluster of {@code n}: memberlist's {@code suspicionTimeout}. */
  long suspicionTimeout(int n) {
    double scale = Math.max(1.0, Math.log10(Math.max(1.0, n)));
    return (long) (config.suspicionMultiplier() * scale * probeInterval);
  }

  // ------------------------------------------------------------------ helpers

  private static void cancelSuspicion(Record r) {
    if (r.suspicion != null) {
      r.suspicion.cancel();
      r.suspicion = null;
    }
  }

  private static MemberUpdate normalized(MemberUpdate u) {
    return u.from().equals(u.id()) ? u
        : new MemberUpdate(u.id(), u.address(), u.state(), u.incarnation(), u.id());
  }

  private static MemberUpdate withAddress(MemberUpdate u, Record r) {
    return u.address() != null ? u
        : new MemberUpdate(u.id(), r.address, u.state(), u.incarnation(), u.from());
  }

  private MemberUpdate selfUpdate() {
    return new MemberUpdate(self, address, MemberState.ALIVE, incarnation, self);
  }

  private Member selfMember() {
    MemberState s = leaving ? MemberState.LEFT : MemberState.ALIVE;
    return new Member(self, address, s, incarnation);
  }

  private void insertIntoProbeOrder(NodeId id) {
    // Somewhere in the rest of this pass, so a newcomer is probed soon but not always first.
    int at = probeIndex + random.nextInt(probeOrder.size() - probeIndex + 1);
    probeOrder.add(at, id);
  }

  /** Up to {@code count} distinct random ALIVE members other than {@code exclude}. */
  private List<NodeId> randomAlive(int count, NodeId exclude) {
    return sample(count, exclude, true);
  }

  /** Up to {@code count} distinct random ALIVE or SUSPECT members. */
  private List<NodeId> randomLive(int count, NodeId exclude) {
    return sample(count, exclude, false);
  }

  private List<NodeId> sample(int count, NodeId exclude, boolean aliveOnly) {
    return sample(count, exclude, aliveOnly, List.of());
  }

  /** As above, drawing from the view and {@code recentlyDead} (not in the view) alike. */
  private List<NodeId> sample(
      int count, NodeId exclude, boolean aliveOnly, List<NodeId> recentlyDead) {
    PeerView view = table.view();
    int n = view.size();
    int all = n + recentlyDead.size();
    List<NodeId> chosen = new ArrayList<>(Math.min(count, all));
    if (count <= 0 || all == 0) {
      return chosen;
    }
    // A partial Fisher-Yates over the indexes, at most n steps and no retries, with only the
    // swapped positions stored: a pick of 3 among thousands allocates a few entries, not an
    // array of thousands every gossip interval.
    Map<Integer, Integer> swapped = new HashMap<>();
    for (int i = 0; i < all && chosen.size() < count; i++) {
      int j = i + random.nextInt(all - i);
      int atI = swapped.getOrDefault(i, i);
      int pick = swapped.getOrDefault(j, j);
      swapped.put(j, atI);
      if (pick >= n) {
        chosen.add(recentlyDead.get(pick - n));
        counters.add("membership.gossip_to_dead", 1);
        continue;
      }
      NodeId id = view.get(pick);
      if ((!aliveOnly || view.isLive(pick)) && !id.equals(exclude)) {
        chosen.add(id);
      }
    }
    return chosen;
  }

  private void send(InetSocketAddress to, GossipMessage m) {
    if (to != null) {
      out.send(to, m);
    }
  }

  private void notifyChange(Member before, Member after) {
    if (listener != null) {
      listener.onChange(before, after);
    }
  }

  @Override
  public String toString() {
    return "SwimMembership{" + self + ", incarnation=" + incarnation + ", members=" + table.size()
        + "}";
  }

  /** Builds a {@link SwimMembership}. */
  public static final class Builder {
    private NodeId self;
    private Supplier<InetSocketAddress> selfAddress;
    private GossipConfig config;
    private MembershipConfig mconfig;
    private SeedProvider seeds;
    private Clock clock;
    private Scheduler scheduler;
    private RandomSource random;
    private Counters counters;
    private MembershipTransport out;
    private ToIntFunction<GossipMessage> sizer;
    private int budget;
    private int listBudget;

    private Builder() {}

    /** This node's id, and where it receives packets (read once, at {@link #start()}). */
    public Builder self(NodeId id, Supplier<InetSocketAddress> address) {
      self = Objects.requireNonNull(id, "id");
      selfAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The node's configuration and the membership's own. */
    public Builder config(GossipConfig gossip, MembershipConfig membership) {
      config = Objects.requireNonNull(gossip, "gossip");
      mconfig = Objects.requireNonNull(membership, "membership");
      return this;
    }

    /** Where to join; none (the default) for the first node of a cluster. */
    public Builder seeds(SeedProvider v) {
      seeds = v;
      return this;
    }

    /** The node's clock, scheduler (its executor), random source and counters. */
    public Builder runtime(Clock c, Scheduler s, RandomSource r, Counters n) {
      clock = Objects.requireNonNull(c, "clock");
      scheduler = Objects.requireNonNull(s, "scheduler");
      random = Objects.requireNonNull(r, "random");
      counters = Objects.requireNonNull(n, "counters");
      return this;
    }

    /** Where messages go. */
    public Builder transport(MembershipTransport v) {
      out = Objects.requireNonNull(v, "transport");
      return this;
    }

    /**
     * How to size an encoded message (the codec's {@code encodedSize}), and the largest message
     * that fits one packet, in bytes, after the envelope and the protector's overhead.
     */
    public Builder sizer(ToIntFunction<GossipMessage> v, int messageBudget) {
      sizer = Objects.requireNonNull(v, "sizer");
      budget = atLeast("messageBudget", 64, messageBudget);
      return this;
    }

    /**
     * The largest member list message, in bytes, when the node's transport for large messages
     * (TCP) carries them: a push-pull of a large cluster then goes as one or a few messages
     * instead of a datagram per few dozen members. Unset (or smaller than the datagram budget),
     * lists use the datagram budget of {@link #sizer}.
     */
    public Builder listBudget(int bytes) {
      listBudget = atLeast("listBudget", 64, bytes);
      return this;
    }

    /**
     * Builds the membership (not started).
     *
     * @throws NullPointerException if a required part is missing
     */
    public SwimMembership build() {
      Objects.requireNonNull(self, "self is required");
      Objects.requireNonNull(config, "config is required");
      Objects.requireNonNull(clock, "runtime is required");
      Objects.requireNonNull(out, "transport is required");
      Objects.requireNonNull(sizer, "sizer is required");
      return new SwimMembership(this);
    }
  }
}
