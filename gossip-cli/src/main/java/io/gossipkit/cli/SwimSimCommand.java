package io.gossipkit.cli;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.RandomSource;
import io.gossipkit.cli.SimCommand.Format;
import io.gossipkit.cli.SimCommand.Formats;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.membership.MembershipConfig;
import io.gossipkit.testkit.sim.SwimSimulation;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gossip sim swim}: SWIM membership of N nodes in virtual time ({@link SwimSimulation}):
 * they join through node 0, settle, then {@code --crash} of them crash and {@code --leave} leave
 * at once; the report says how long the cluster took to join, how long each crash took to be
 * declared DEAD by each survivor, how long a departure took to be seen, how many live members
 * were declared dead by mistake, and what the protocol cost per node per second while steady.
 */
@Command(
    name = "swim",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Simulate SWIM membership: joins, crash detection, departures, false positives.",
    description = {
      "Runs the production SWIM membership (Lifeguard suspicion, indirect probes, refutation)"
          + " of --nodes nodes in virtual time over a simulated datagram network. The nodes join"
          + " through node 0 (started over one second), run --settle seconds, then --crash nodes"
          + " crash and --leave nodes leave at the same moment, chosen at random. The run goes on"
          + " until every survivor has seen every one of them gone, then --observe seconds more to"
          + " count false positives and the steady cost. Times are virtual seconds. The same"
          + " arguments and --seed give the same figures.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the simulation failed or a phase did not finish within --limit; stderr has the command"
          + " that reproduces it",
      "2:invalid arguments"
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  gossip sim swim --nodes 100 --crash 1 --seed 1 --format json",
      "  gossip sim swim --nodes 1000 --crash 10 --loss 0.05 --preset lan",
      "",
      "Fields of the report: docs/cli.md."
    })
final class SwimSimCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "100",
      description = "Cluster size, 2 to " + SwimSimulation.MAX_NODES + " (each node keeps a table"
          + " of all: memory grows as N squared). Default: ${DEFAULT-VALUE}.")
  int nodes;

  @Option(names = "--preset", paramLabel = "PRESET", defaultValue = "lan",
      converter = Presets.class, completionCandidates = Presets.class,
      description = "Timing presets (GossipConfig and MembershipConfig), one of"
          + " ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  Preset preset;

  @Option(names = "--crash", paramLabel = "K", defaultValue = "1",
      description = "Nodes that crash (stop without a word), 0 to N-1. Default: ${DEFAULT-VALUE}.")
  int crash;

  @Option(names = "--leave", paramLabel = "L", defaultValue = "0",
      description = "Nodes that leave (announce LEFT, then stop), 0 to N-1-K."
          + " Default: ${DEFAULT-VALUE}.")
  int leave;

  @Option(names = "--restart",
      description = "Once every survivor saw the crashes (and held the writes), restart the"
          + " crashed nodes as new processes (incarnation 0, empty replica) and time their rejoin"
          + " (rejoin_s) and, with --writes, until they hold every write again (rejoin_writes_s).")
  boolean restart;

  @Option(names = "--writes", paramLabel = "W", defaultValue = "0",
      description = "Key/value writes, 0 to 1000. With any, every node also runs the production"
          + " gossip engine (GossipNodes' default strategy) over its SWIM view; the first write is"
          + " made as the crashes happen, one more every second, each on a surviving node, and"
          + " write_spread says when the survivors held them. Default: ${DEFAULT-VALUE}.")
  int writes;

  @Option(names = "--loss", paramLabel = "P", defaultValue = "0",
      description = "Chance that any one message is lost, in [0, 1). Default: ${DEFAULT-VALUE}.")
  double loss;

  @Option(names = "--min-latency-ms", paramLabel = "MS", defaultValue = "1",
      description = "Shortest one-way latency, virtual ms. Default: ${DEFAULT-VALUE}.")
  int minLatency;

  @Option(names = "--max-latency-ms", paramLabel = "MS", defaultValue = "5",
      description = "Longest one-way latency, virtual ms. Default: ${DEFAULT-VALUE}.")
  int maxLatency;

  @Option(names = "--settle", paramLabel = "S", defaultValue = "10",
      description = "Virtual seconds between the join and the crashes. Default: ${DEFAULT-VALUE}.")
  int settleSeconds;

  @Option(names = "--observe", paramLabel = "S", defaultValue = "60",
      description = "Virtual seconds run after every crash and departure was seen, for the"
          + " steady cost and false positives. Default: ${DEFAULT-VALUE}.")
  int observeSeconds;

  @Option(names = "--limit", paramLabel = "S", defaultValue = "600",
      description = "Most virtual seconds the join, or the detection, may take before the run"
          + " fails. Default: ${DEFAULT-VALUE}.")
  int limitSeconds;

  @Option(names = "--seed", paramLabel = "S",
      description = "Root seed. When not given, one is drawn and printed to stderr as SEED=<n>.")
  Long seed;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      converter = Formats.class, completionCandidates = Formats.class,
      description = "Output, one of ${COMPLETION-CANDIDATES}. json: exactly one JSON object on one"
          + " line of stdout. Default: ${DEFAULT-VALUE}.")
  Format format;

  /** Timing presets, as the library's. */
  enum Preset {
    LAN(GossipConfig.lan(), MembershipConfig.lan()),
    WAN(GossipConfig.wan(), MembershipConfig.wan()),
    LOCAL(GossipConfig.local(), MembershipConfig.local());

    final GossipConfig config;
    final MembershipConfig membership;

    Preset(GossipConfig config, MembershipConfig membership) {
      this.config = config;
      this.membership = membership;
    }
  }

  static final class Presets extends EnumFlag<Preset> {
    Presets() {
      super(Preset.class);
    }
  }

  /** Bytes of each written value. */
  private static final int WRITE_VALUE_BYTES = 100;

  /** Join and detection steps: fine enough for sub-second figures, coarse enough to be cheap. */
  private static final long STEP_MILLIS = 10;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String invalid = invalidArgument();
    if (invalid != null) {
      err.println("gossip sim swim: " + invalid);
      err.flush();
      return ExitCode.USAGE;
    }
    long rootSeed = seed != null ? seed : new SecureRandom().nextLong();
    if (seed == null) {
      err.println("SEED=" + rootSeed);
      err.flush();
    }
    Map<String, Object> report;
    try {
      report = run(rootSeed);
    } catch (OutOfMemoryError e) {
      err.println("gossip sim swim: out of memory simulating " + nodes + " nodes (each keeps a"
          + " table of all); give Java more heap, such as JAVA_OPTS=-Xmx16g, and reproduce with:");
      err.println("  " + SimCommand.reproduceCommand("gossip sim swim", spec, rootSeed));
      err.flush();
      return ExitCode.SOFTWARE;
    } catch (RuntimeException e) {
      err.println("gossip sim swim: " + e.getMessage());
      err.println("gossip sim swim: reproduce with:");
      err.println("  " + SimCommand.reproduceCommand("gossip sim swim", spec, rootSeed));
      err.flush();
      return ExitCode.SOFTWARE;
    }
    String json = Json.object(report);
    MetricTable.print(out, format, json);
    return ExitCode.OK;
  }

  private String invalidArgument() {
    if (nodes < 2 || nodes > SwimSimulation.MAX_NODES) {
      return "--nodes must be in [2, " + SwimSimulation.MAX_NODES + "], was " + nodes;
    }
    if (crash < 0 || crash > nodes - 1) {
      return "--crash must be in [0, --nodes - 1], was " + crash;
    }
    if (leave < 0 || crash + leave > nodes - 1) {
      return "--leave must be in [0, --nodes - 1 - --crash], was " + leave;
    }
    if (!(loss >= 0 && loss < 1)) {
      return "--loss must be in [0, 1), was " + loss;
    }
    if (minLatency < 0 || maxLatency < minLatency) {
      return "--min-latency-ms must be >= 0 and --max-latency-ms >= it, were " + minLatency
          + " and " + maxLatency;
    }
    if (settleSeconds < 0 || observeSeconds < 0) {
      return "--settle and --observe must be >= 0";
    }
    if (writes < 0 || writes > 1000) {
      return "--writes must be in [0, 1000], was " + writes;
    }
    if (limitSeconds < 1) {
      return "--limit must be >= 1, was " + limitSeconds;
    }
    return null;
  }

  private Map<String, Object> run(long rootSeed) {
    long wall0 = System.nanoTime();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    SwimSimulation.Builder builder = SwimSimulation.builder()
        .nodes(nodes).seed(rootSeed).config(preset.config).membership(preset.membership)
        .loss(loss).latencyMillis(minLatency, maxLatency);
    if (writes > 0) {
      builder.engines(GossipNodes.defaultStrategy(preset.config));
    }
    SwimSimulation sim = builder.build();
    long limit = limitSeconds * 1000L;

    sim.startAll(1_000);
    long join = sim.runUntil(sim::allJoined, STEP_MILLIS, limit);
    if (join < 0) {
      throw new IllegalStateException("the " + nodes + " nodes did not all see each other ALIVE"
          + " within " + limitSeconds + " virtual seconds");
    }
    sim.runFor(settleSeconds * 1000L);

    // Who goes: drawn from a source of its own, so the choice does not shift the nodes' draws.
    int[] order = shuffled(nodes, RandomSource.seeded(rootSeed ^ 0x5DEECE66DL));
    List<Integer> crashed = new ArrayList<>();
    List<Integer> departed = new ArrayList<>();
    for (int i = 0; i < crash + leave; i++) {
      (i < crash ? crashed : departed).add(order[i]);
    }
    long falseBefore = sim.falseDeadDeclarations();
    crashed.forEach(sim::crash);
    departed.forEach(sim::leave);
    List<Integer> gone = new ArrayList<>(crashed);
    gone.addAll(departed);
    // Writes while the departures are still being found out: the first now, one a second after,
    // each on a survivor (the part of the shuffled order that neither crashed nor left).
    List<String> keys = new ArrayList<>();
    int survivors = nodes - crash - leave;
    byte[] value = new byte[WRITE_VALUE_BYTES];
    for (int w = 0; w < writes; w++) {
      if (w > 0) {
        sim.runFor(1_000);
      }
      String key = "w" + w;
      value[0] = (byte) w;
      sim.put(order[crash + leave + w % survivors], key, value);
      keys.add(key);
    }
    long waited = sim.runUntil(() -> gone.stream().allMatch(sim::detectedEverywhere)
        && keys.stream().allMatch(sim::heldEverywhere), STEP_MILLIS, limit);
    if (waited < 0) {
      throw new IllegalStateException("not every survivor saw every crash and departure"
          + (writes > 0 ? " and held every write" : "") + " within " + limitSeconds
          + " virtual seconds");
    }

    // Read before any restart, which starts the restarted nodes' records afresh.
    Map<String, Object> crashDetection = crashed.isEmpty() ? null : percentiles(sim, crashed);
    Map<String, Object> leaveDetection = departed.isEmpty() ? null : percentiles(sim, departed);
    Double allSeen = gone.isEmpty() ? null : seconds(gone.stream()
        .mapToLong(g -> { long[] d = sim.detectionMillis(g); return d[d.length - 1]; })
        .max().getAsLong());
    Map<String, Object> writeSpread = writes == 0 ? null : percentiles(keys.stream()
        .flatMapToLong(k -> Arrays.stream(sim.spreadMillis(k))).toArray());
    Long rejoin = null;
    Long rejoinWrites = null;
    if (restart && !crashed.isEmpty()) {
      crashed.forEach(sim::restart);
      rejoin = sim.runUntil(sim::allJoined, STEP_MILLIS, limit);
      if (rejoin < 0) {
        throw new IllegalStateException("the restarted nodes did not rejoin within "
            + limitSeconds + " virtual seconds");
      }
      if (writes > 0) {
        long more = sim.runUntil(
            () -> keys.stream().allMatch(sim::heldEverywhere), STEP_MILLIS, limit);
        if (more < 0) {
          throw new IllegalStateException("the restarted nodes did not get every write back within "
              + limitSeconds + " virtual seconds");
        }
        rejoinWrites = rejoin + more;
      }
    }

    long messages0 = sim.messages();
    long bytes0 = sim.bytes();
    long engineMessages0 = sim.engineMessages();
    long engineBytes0 = sim.engineBytes();
    sim.runFor(observeSeconds * 1000L);
    double perNodeSecond = observeSeconds == 0 ? 0 : survivors * (double) observeSeconds;

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("nodes", nodes);
    r.put("preset", EnumFlag.spell(preset));
    r.put("crash", crash);
    r.put("leave", leave);
    r.put("loss", loss);
    r.put("seed", rootSeed);
    r.put("join_s", seconds(join));
    r.put("crash_detection", crashDetection);
    r.put("leave_detection", leaveDetection);
    r.put("all_seen_s", allSeen);
    r.put("writes", writes);
    r.put("write_spread", writeSpread);
    r.put("restarted", restart ? crashed.size() : 0);
    r.put("rejoin_s", rejoin == null ? null : seconds(rejoin));
    r.put("rejoin_writes_s", rejoinWrites == null ? null : seconds(rejoinWrites));
    r.put("false_dead", sim.falseDeadDeclarations());
    r.put("false_dead_after_crash", sim.falseDeadDeclarations() - falseBefore);
    r.put("false_dead_members", sim.falselyDeadMembers());
    Map<String, Long> c = sim.counters();
    r.put("suspected", c.getOrDefault("membership.suspected", 0L));
    r.put("refuted", c.getOrDefault("membership.refuted", 0L));
    r.put("messages_per_node_s", perNodeSecond == 0 ? 0 : round((sim.messages() - messages0)
        / perNodeSecond));
    r.put("bytes_per_node_s", perNodeSecond == 0 ? 0 : round((sim.bytes() - bytes0)
        / perNodeSecond));
    r.put("kv_messages_per_node_s", perNodeSecond == 0 ? 0
        : round((sim.engineMessages() - engineMessages0) / perNodeSecond));
    r.put("kv_bytes_per_node_s", perNodeSecond == 0 ? 0
        : round((sim.engineBytes() - engineBytes0) / perNodeSecond));
    r.put("messages", sim.messages());
    r.put("lost", sim.lost());
    r.put("virtual_s", seconds(sim.elapsedMillis()));
    r.put("events", sim.eventsRun());
    r.put("elapsed_ms", (System.nanoTime() - wall0) / 1_000_000);
    r.put("loop_cpu_s", round((mx.getCurrentThreadCpuTime() - cpu0) / 1e9));
    return r;
  }

  /** Detection times over every (survivor, member) pair, in seconds. */
  private static Map<String, Object> percentiles(SwimSimulation sim, List<Integer> members) {
    return percentiles(members.stream()
        .flatMapToLong(m -> Arrays.stream(sim.detectionMillis(m))).toArray());
  }

  /** First, median, 99th percentile and last of {@code millis}, in seconds. */
  private static Map<String, Object> percentiles(long[] millis) {
    long[] v = millis.clone();
    Arrays.sort(v);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("first_s", seconds(v[0]));
    p.put("p50_s", seconds(v[(v.length - 1) / 2]));
    p.put("p99_s", seconds(v[(int) Math.ceil(v.length * 0.99) - 1]));
    p.put("last_s", seconds(v[v.length - 1]));
    return p;
  }

  private static int[] shuffled(int n, RandomSource random) {
    int[] a = new int[n];
    Arrays.setAll(a, i -> i);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  private static double seconds(long millis) {
    return millis / 1000.0;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
