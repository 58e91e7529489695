package io.gossipkit.cli;

import io.gossipkit.api.Clock;
import io.gossipkit.api.Codec;
import io.gossipkit.api.CodecException;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.SeedProvider;
import io.gossipkit.api.Subscription;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import io.gossipkit.cli.SimCommand.Format;
import io.gossipkit.cli.SimCommand.Formats;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.core.membership.MembershipConfig;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gossip demo}: a real cluster in one JVM. Starts {@code --nodes} production
 * {@link GossipNode}s, each with its own transport (see {@link LoopbackTransports}) and its own
 * AES-256-GCM protector over one generated key, all joining through the first with SWIM
 * membership; waits until every node sees every other alive; writes one new key {@code --repeats}
 * times, each time on another node, and prints the medians over the writes of how fast and at
 * what cost each write reached every node. With {@code --kill K} it then, {@code --repeats} times,
 * closes K nodes without leaving, times until every other node marks them DEAD, and replaces them
 * with fresh nodes so that every round runs at the same cluster size.
 *
 * <p>Only this command reads the wall clock ({@link System#nanoTime()}), to time receipts; the
 * nodes run on the system clock as in production. Every wait is bounded.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    sortSynopsis = false,
    usageHelpAutoWidth = true,
    header = "Run a real encrypted cluster in this JVM and measure how writes spread.",
    description = {
      "Starts --nodes real gossip nodes on loopback, each with its own transport and an"
          + " AES-256-GCM protector over one generated key, joining through the first with SWIM"
          + " membership (LAN preset). Once every node sees every other alive, writes --repeats"
          + " times, each on another node under a new key with a 64-byte value, and prints the"
          + " medians over the writes: converge_ms, coverage, payload_copies_per_node, messages"
          + " and bytes. With --kill K, then --repeats times closes K nodes without leaving and"
          + " reports detect_ms, until every other node marks them DEAD. Fields: docs/cli.md.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the cluster failed to start or run", "2:invalid arguments"},
    footerHeading = "%nExamples:%n",
    footer = {"  gossip demo --nodes 10 --format json", "  gossip demo --nodes 20 --kill 1"})
final class DemoCommand implements Callable<Integer> {
  static final int VALUE_BYTES = 64;
  /**
   * The most {@code --nodes}. Every node is a real one: its own UDP socket and Netty event loop
   * thread, its own engine thread, protector and SWIM member table (of every node). Measured on 2
   * shared cores: 300 nodes ran in 13 to 33 s with 1.2 to 2.4 GB resident; 600 had not converged
   * after 400 s, nodes refusing each other's packets as too old; 100,000 ran out of threads
   * (docs/cli.md).
   */
  static final int MAX_NODES = 300;
  /** How often the demo asks every node for its members while it waits for a verdict. */
  static final long POLL_MILLIS = 25;

  @Spec CommandSpec spec;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "10",
      description = "Nodes to start, 2 to " + MAX_NODES + " (each a real node with its own socket"
          + " and threads). Default: ${DEFAULT-VALUE}.")
  int nodes;

  @Option(names = "--repeats", paramLabel = "R", defaultValue = "5",
      description = "Writes to measure, each on another node under a new key; figures are"
          + " medians over them. Default: ${DEFAULT-VALUE}.")
  int repeats;

  @Option(names = "--kill", paramLabel = "K", defaultValue = "0",
      description = "After the writes, --repeats times: stop K nodes without leaving, report"
          + " detect_ms (median), the time until every other node marks them DEAD, and replace"
          + " them with fresh nodes. Default: ${DEFAULT-VALUE}.")
  int kill;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      converter = Formats.class, completionCandidates = Formats.class,
      description = "Output, one of ${COMPLETION-CANDIDATES}. json: exactly one JSON object on one"
          + " line of stdout. Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--seed", paramLabel = "S",
      description = "Seed for the choice of writing nodes, the values and the nodes' peer"
          + " choices. Timings still vary. Default: random, printed to stderr as SEED=<n>.")
  Long seed;

  @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "200",
      description = "Gossip interval of every node in milliseconds. Default: ${DEFAULT-VALUE}.")
  long intervalMs;

  @Option(names = "--fanout", paramLabel = "F", defaultValue = "3",
      description = "Peers each node contacts per round. Default: ${DEFAULT-VALUE}.")
  int fanout;

  @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "10000",
      description = "How long a write may take to reach every node before coverage counts it"
          + " as partial. Default: ${DEFAULT-VALUE}.")
  long timeoutMs;

  @Override
  public Integer call() {
    Quiet.nodeLogs();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String problem = validate();
    if (problem != null) {
      err.println("gossip demo: " + problem);
      err.flush();
      return ExitCode.USAGE;
    }
    long rootSeed = seed != null ? seed : new SecureRandom().nextLong();
    if (seed == null) {
      err.println("SEED=" + rootSeed);
      err.flush();
    }
    String json;
    try {
      json = run(rootSeed);
    } catch (RuntimeException e) {
      err.println("gossip demo: the cluster failed: " + IoProblems.messageOf(e));
      err.flush();
      return ExitCode.SOFTWARE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("gossip demo: interrupted");
      err.flush();
      return ExitCode.SOFTWARE;
    }
    MetricTable.print(out, format, json);
    return ExitCode.OK;
  }

  private String validate() {
    if (nodes < 2 || nodes > MAX_NODES) {
      return "--nodes must be in [2, " + MAX_NODES + "], was " + nodes + " (each node is a real"
          + " node with its own socket and threads)";
    }
    if (repeats < 1) {
      return "--repeats must be >= 1, was " + repeats;
    }
    if (kill < 0 || kill >= nodes - 1) {
      return "--kill must be in [0, --nodes - 1), was " + kill + " (the seed and one more stay)";
    }
    if (intervalMs < 1) {
      return "--interval-ms must be >= 1, was " + intervalMs;
    }
    if (fanout < 1) {
      return "--fanout must be >= 1, was " + fanout;
    }
    if (timeoutMs < 1) {
      return "--timeout-ms must be >= 1, was " + timeoutMs;
    }
    return null;
  }

  private String run(long rootSeed) throws InterruptedException {
    GossipConfig config =
        GossipConfig.lan().toBuilder()
            .gossipInterval(Duration.ofMillis(intervalMs))
            .fanout(fanout)
            .build();
    LoopbackTransports transports = LoopbackTransports.create(config.maxPacketBytes());
    Keyring keys = Keyring.generate();
    CopyCounter copies = new CopyCounter();
    Random random = new Random(rootSeed);
    List<GossipNode> cluster = new ArrayList<>();
    List<GossipNode> closed = new ArrayList<>();
    SeedProvider seedNode = SeedProvider.of(List.of(transports.address(0)));
    NodeFactory factory =
        i -> GossipNodes.builder(config)
            .id(nodeId(i))
            .transport(transports.transport(i))
            .protector(PacketProtectors.aes256Gcm(keys, NodeId.of(nodeId(i)), Clock.system()))
            .codec(copies.wrap(new KryoCodec(config)))
            .random(RandomSource.seeded(random.nextLong()))
            .seeds(seedNode)
            .membership(MembershipConfig.lan())
            .build();
    try {
      for (int i = 0; i < nodes; i++) {
        cluster.add(factory.node(i));
      }
      long startingAt = System.nanoTime();
      for (GossipNode n : cluster) {
        n.start();
      }
      // Starting binds sockets and warms the cipher and codec, node after node; convergence is
      // timed from the last start, as memberlist's anchor times it from the joins.
      long startedAt = System.nanoTime();
      double startMs = (startedAt - startingAt) / 1e6;
      long joinLimit = Math.max(timeoutMs, detectionBoundMs(config, nodes));
      if (!awaitAllAlive(cluster, joinLimit)) {
        throw new IllegalStateException("the " + nodes + " nodes did not all see each other alive"
            + " within " + joinLimit + " ms");
      }
      double joinMs = (System.nanoTime() - startedAt) / 1e6;
      List<Integer> origins = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        origins.add(i);
      }
      Collections.shuffle(origins, random);
      List<Repeat> results = new ArrayList<>();
      for (int r = 0; r < repeats; r++) {
        byte[] value = new byte[VALUE_BYTES];
        random.nextBytes(value);
        results.add(measure(cluster, origins.get(r % nodes), "demo-" + r, value, copies));
      }
      String killed = "";
      if (kill > 0) {
        List<Double> detections =
            detectKills(cluster, closed, factory, random, detectionBoundMs(config, nodes));
        killed = ",\"killed\":" + kill
            + ",\"detect_ms\":" + num(medianOf(detections))
            + ",\"detect_ms_max\":" + num(maxOf(detections))
            + ",\"detected\":" + num(detected(detections))
            + ",\"detect_bound_ms\":" + detectionBoundMs(config, nodes);
      }
      return "{\"nodes\":" + nodes
          + ",\"repeats\":" + repeats
          + ",\"membership\":\"swim\""
          + ",\"start_ms\":" + num(startMs)
          + ",\"membership_converge_ms\":" + num(joinMs)
          + ",\"converge_ms\":" + num(median(results, Repeat::convergeMs))
          + ",\"coverage\":" + num(median(results, Repeat::coverage))
          + ",\"payload_copies_per_node\":" + num(median(results, Repeat::copiesPerNode))
          + ",\"payload_copies_counts\":\"entries of the written key in every message the nodes"
          + " sent (rumor, reply, sync, mail), over all nodes, divided by nodes\""
          + ",\"messages\":" + num(median(results, Repeat::messages))
          + ",\"bytes\":" + num(median(results, Repeat::bytes))
          + killed
          + ",\"transport\":\"" + transports.kind() + "\""
          + ",\"protector\":\"aes-256-gcm\""
          + ",\"interval_ms\":" + intervalMs
          + ",\"fanout\":" + fanout
          + ",\"probe_interval_ms\":" + config.probeInterval().toMillis()
          + ",\"suspicion_mult\":" + config.suspicionMultiplier()
          + ",\"seed\":" + rootSeed
          + "}";
    } finally {
      cluster.addAll(closed); // closing twice is harmless; a node closed mid-way is not missed
      for (GossipNode n : cluster) {
        try {
          n.close();
        } catch (RuntimeException e) {
          // Closing the rest matters more.
        }
      }
    }
  }

  /** Makes node {@code index} of the demo (not started). */
  @FunctionalInterface
  private interface NodeFactory {
    GossipNode node(int index);
  }

  /**
   * The longest a crash may go unnoticed by every node under {@code config} in a cluster of
   * {@code n}: a round-robin pass of probes (n probe intervals), the longest Lifeguard suspicion
   * (6 times {@code suspicionMult * max(1, log10 n) * probeInterval}) and 20 gossip intervals to
   * spread the verdict. The demo waits this long before it calls a kill undetected.
   */
  static long detectionBoundMs(GossipConfig config, int n) {
    long probe = config.probeInterval().toMillis();
    long min = (long) (config.suspicionMultiplier() * Math.max(1, Math.log10(n)) * probe);
    return n * probe + MembershipConfig.lan().suspicionMaxTimeoutMultiplier() * min
        + 20 * config.gossipInterval().toMillis();
  }

  private boolean awaitAllAlive(List<GossipNode> cluster, long limitMs)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (GossipNode n : cluster) {
        if (aliveCount(n) != cluster.size()) {
          all = false;
          break;
        }
      }
      if (all) {
        return true;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return false;
  }

  private static int aliveCount(GossipNode n) {
    int alive = 0;
    for (Member m : n.members()) {
      if (m.state() == MemberState.ALIVE) {
        alive++;
      }
    }
    return alive;
  }

  /**
   * Kills {@code kill} random nodes (never the seed, node 0) without leaving, --repeats times;
   * returns each round's time until every remaining node marked every victim DEAD or dropped it,
   * or null for a round that took longer than {@code boundMs}. Victims are replaced by fresh
   * nodes that join through the seed before the next round.
   */
  private List<Double> detectKills(List<GossipNode> cluster, List<GossipNode> closed,
      NodeFactory factory, Random random, long boundMs) throws InterruptedException {
    List<Double> out = new ArrayList<>();
    int nextIndex = nodes;
    for (int r = 0; r < repeats; r++) {
      List<GossipNode> victims = new ArrayList<>();
      while (victims.size() < kill) {
        GossipNode v = cluster.get(1 + random.nextInt(cluster.size() - 1));
        if (!victims.contains(v)) {
          victims.add(v);
        }
      }
      cluster.removeAll(victims);
      long start = System.nanoTime();
      for (GossipNode v : victims) {
        v.close(); // no leave(): the others must find out by probing
        closed.add(v);
      }
      Set<NodeId> gone = new java.util.HashSet<>();
      for (GossipNode v : victims) {
        gone.add(v.id());
      }
      long deadline = start + TimeUnit.MILLISECONDS.toNanos(boundMs);
      Double took = null;
      while (System.nanoTime() < deadline) {
        if (allMarkedDead(cluster, gone)) {
          took = (System.nanoTime() - start) / 1e6;
          break;
        }
        Thread.sleep(POLL_MILLIS);
      }
      out.add(took);
      // Keep the cluster at --nodes for the next round.
      for (int i = 0; i < kill; i++) {
        GossipNode fresh = factory.node(nextIndex++);
        cluster.add(fresh);
        fresh.start();
      }
      if (!awaitAllAlive(cluster, boundMs)) {
        throw new IllegalStateException("replacement nodes did not join within " + boundMs + " ms");
      }
    }
    return out;
  }

  private static boolean allMarkedDead(List<GossipNode> observers, Set<NodeId> gone) {
    for (GossipNode n : observers) {
      for (Member m : n.members()) {
        if (gone.contains(m.id()) && m.state().isLive()) {
          return false;
        }
      }
    }
    return true;
  }

  private static Double medianOf(List<Double> values) {
    List<Double> v = new ArrayList<>();
    for (Double x : values) {
      if (x != null) {
        v.add(x);
      }
    }
    if (v.isEmpty()) {
      return null;
    }
    Collections.sort(v);
    int m = v.size() / 2;
    return v.size() % 2 == 1 ? v.get(m) : (v.get(m - 1) + v.get(m)) / 2;
  }

  private static Double maxOf(List<Double> values) {
    Double max = null;
    for (Double x : values) {
      if (x != null && (max == null || x > max)) {
        max = x;
      }
    }
    return max;
  }

  private static double detected(List<Double> values) {
    int n = 0;
    for (Double x : values) {
      if (x != null) {
        n++;
      }
    }
    return (double) n / values.size();
  }

  /** One measured write. {@code convergeMs} is null if the write did not reach every node. */
  private record Repeat(Double convergeMs, double coverage, double copiesPerNode, double messages,
      double bytes) {}

  private Repeat measure(List<GossipNode> cluster, int origin, String key, byte[] value,
      CopyCounter copies) throws InterruptedException {
    int n = cluster.size();
    AtomicLongArray receivedAt = new AtomicLongArray(n);
    CountDownLatch all = new CountDownLatch(n);
    List<Subscription> subscriptions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      subscriptions.add(
          cluster.get(i).subscribe(
              (Entry previous, Entry current) -> {
                if (current.key().equals(key)
                    && receivedAt.compareAndSet(index, 0, System.nanoTime())) {
                  all.countDown();
                }
              }));
    }
    long[] before = sent(cluster);
    copies.track(key);
    long start = System.nanoTime();
    cluster.get(origin).put(key, value);
    boolean complete = all.await(timeoutMs, TimeUnit.MILLISECONDS);
    // Let the rumor die down, so the copies and messages cover its whole life: wait until no
    // copy was sent for a few rounds, bounded by the timeout.
    long quietNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(3 * intervalMs, 100));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    long last = copies.count();
    long quietSince = System.nanoTime();
    while (System.nanoTime() - quietSince < quietNanos && System.nanoTime() < deadline) {
      Thread.sleep(Math.max(1, intervalMs / 4));
      long now = copies.count();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      }
    }
    long[] after = sent(cluster);
    for (Subscription s : subscriptions) {
      s.close();
    }
    int got = 0;
    long lastReceipt = start;
    for (int i = 0; i < n; i++) {
      long t = receivedAt.get(i);
      if (t != 0) {
        got++;
        lastReceipt = Math.max(lastReceipt, t);
      }
    }
    Double convergeMs = complete ? (lastReceipt - start) / 1e6 : null;
    return new Repeat(convergeMs, (double) got / n, (double) copies.count() / n,
        after[0] - before[0], after[1] - before[1]);
  }

  private static long[] sent(List<GossipNode> cluster) {
    long messages = 0;
    long bytes = 0;
    for (GossipNode node : cluster) {
      var m = node.metrics();
      messages += m.get("messages.sent");
      bytes += m.get("bytes.sent");
    }
    return new long[] {messages, bytes};
  }

  private static String nodeId(int i) {
    return String.format(Locale.ROOT, "node-%03d", i);
  }

  /** The median of the non-null values, or null if there are none. */
  static Double median(List<Repeat> results, java.util.function.Function<Repeat, Double> f) {
    List<Double> v = new ArrayList<>();
    for (Repeat r : results) {
      v.add(f.apply(r));
    }
    return medianOf(v);
  }

  private static String num(Double v) {
    if (v == null) {
      return "null";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString(v.longValue());
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /**
   * Counts, across every node, the entries of one tracked key in the messages the nodes encode
   * for sending: the copies of the written value that went over the wire. A decorator of the
   * codec, so no counter is needed in the nodes.
   */
  static final class CopyCounter {
    private final AtomicReference<String> tracked = new AtomicReference<>();
    private final LongAdder copies = new LongAdder();

    void track(String key) {
      copies.reset();
      tracked.set(key);
    }

    long count() {
      return copies.sum();
    }

    Codec wrap(Codec codec) {
      return new Codec() {
        @Override
        public byte[] encode(GossipMessage message) throws CodecException {
          byte[] b = codec.encode(message);
          count(message);
          return b;
        }

        @Override
        public GossipMessage decode(byte[] bytes, int offset, int length) throws CodecException {
          return codec.decode(bytes, offset, length);
        }

        @Override
        public int encodedSize(GossipMessage message) {
          return codec.encodedSize(message);
        }

        @Override
        public int maxMessageBytes() {
          return codec.maxMessageBytes();
        }
      };
    }

    private void count(GossipMessage message) {
      String key = tracked.get();
      if (key == null || message.entryCount() == 0) {
        return;
      }
      for (Entry e : entries(message)) {
        if (e.key().equals(key)) {
          copies.increment();
        }
      }
    }

    private static List<Entry> entries(GossipMessage m) {
      if (m instanceof RumorPush p) {
        return p.entries();
      } else if (m instanceof RumorReply r) {
        return r.entries();
      } else if (m instanceof SyncEntries s) {
        return s.entries();
      } else if (m instanceof SyncReply s) {
        return s.entries();
      } else if (m instanceof Mail s) {
        return s.entries();
      }
      return List.of();
    }
  }
}
