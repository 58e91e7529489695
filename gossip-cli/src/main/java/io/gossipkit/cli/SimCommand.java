package io.gossipkit.cli;

import io.gossipkit.api.Codec;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.core.StopRule;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.testkit.sim.Experiment;
import io.gossipkit.testkit.sim.ExperimentReport;
import io.gossipkit.testkit.sim.ExperimentSpec;
import io.gossipkit.testkit.sim.Mode;
import io.gossipkit.testkit.sim.PeerChoice;
import io.gossipkit.testkit.sim.Timing;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gossip sim}: runs an {@link Experiment} and prints its {@link ExperimentReport}, as a
 * table or as exactly one JSON object on stdout. Everything else (the chosen seed, the progress
 * bar, errors) goes to stderr, so {@code gossip sim --format json > out.json} stays clean.
 *
 * <p>Exit codes: 0 success; 1 the simulation failed (stderr ends with the command that
 * reproduces it); 2 invalid arguments, reported as {@code gossip sim: <message>} or by picocli.
 */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    subcommands = {SwimSimCommand.class},
    sortOptions = false,
    sortSynopsis = false,
    usageHelpAutoWidth = true,
    header = "Simulate a cluster and report the epidemic metrics of Demers et al. (1987).",
    description = {
      "Simulates a cluster in virtual time, every node running the real gossip engine, and"
          + " reports the metrics of Demers et al., \"Epidemic Algorithms for Replicated Database"
          + " Maintenance\" (PODC 1987): residue, traffic, t_ave, t_last; plus rounds to converge,"
          + " messages and bytes. Figures are means over --runs runs; the same arguments and"
          + " --seed give the same figures.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the simulation failed; stderr ends with the command that reproduces it",
      "2:invalid arguments"
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  Demers et al. 1987, Table 1 (push rumor mongering, feedback + counter, k = 2):",
      "    gossip sim --nodes 1000 --mode rumor --exchange push \\",
      "      --stop feedback-counter --k 2 --runs 200 --format json",
      "  Push-pull anti-entropy on 100,000 nodes:",
      "    gossip sim --nodes 100000 --mode anti-entropy --exchange push-pull",
      "  Rumor mongering backed by anti-entropy, 20%% message loss:",
      "    gossip sim --mode composite --loss 0.2 --runs 20",
      "  SWIM membership: crash detection on 1,000 nodes (gossip sim swim --help):",
      "    gossip sim swim --nodes 1000 --crash 10 --loss 0.05",
      "",
      "Fields of the report: docs/cli.md."
    })
final class SimCommand implements Callable<Integer> {
  /** The largest {@code --value-bytes}, as for {@code gossip bench sync}. */
  static final int MAX_VALUE_BYTES = 65_536;

  @Spec CommandSpec spec;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Cluster size: replicas in the simulated cluster (n in Demers et al. 1987, whose"
              + " Table 1 uses 1000). Default: ${DEFAULT-VALUE}.")
  int nodes;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = "rumor",
      converter = Modes.class,
      completionCandidates = Modes.class,
      description =
          "Dissemination strategy, one of ${COMPLETION-CANDIDATES}. anti-entropy: each round"
              + " every node reconciles its whole store with a random peer (Demers' simple"
              + " epidemic; always converges). rumor: rumor mongering, a node spreads a new update"
              + " until it loses interest by --stop (Demers' complex epidemic; may leave a"
              + " residue). direct-mail: the writer mails the update to every node, with acks and"
              + " bounded retries. composite: rumor mongering backed by push-pull anti-entropy"
              + " every --backup-every rounds. Default: ${DEFAULT-VALUE}.")
  Mode mode;

  @Option(
      names = "--exchange",
      paramLabel = "EXCHANGE",
      defaultValue = "push",
      converter = Exchanges.class,
      completionCandidates = Exchanges.class,
      description =
          "Which way updates flow when a node contacts a peer, one of ${COMPLETION-CANDIDATES}:"
              + " the caller sends (push), asks (pull), or both (push-pull), as in Demers et al."
              + " 1987. Used by rumor and anti-entropy. Default: ${DEFAULT-VALUE}.")
  Exchange exchange;

  @Option(
      names = "--stop",
      paramLabel = "RULE",
      defaultValue = "feedback-counter",
      converter = StopRules.class,
      completionCandidates = StopRules.class,
      description =
          "When a rumor mongering node loses interest in an update (Demers et al. 1987,"
              + " section 1.4), one of ${COMPLETION-CANDIDATES}. feedback-* count only contacts"
              + " whose recipient already knew the update, blind-* count every contact;"
              + " *-counter stops after --k of them, *-coin stops with probability 1/k at each."
              + " Default: ${DEFAULT-VALUE}.")
  StopRule stop;

  @Option(
      names = "--k",
      paramLabel = "K",
      defaultValue = "2",
      description =
          "The stop rule's k (Demers et al. 1987): the counter's limit, or the inverse of the"
              + " coin's stop probability. Larger k lowers the residue and raises the traffic."
              + " Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = "--fanout",
      paramLabel = "F",
      defaultValue = "1",
      description =
          "Peers a node contacts in each of its rounds (Demers' cycles contact one), 1 to"
              + " --nodes - 1. Default: ${DEFAULT-VALUE}.")
  int fanout;

  @Option(
      names = "--loss",
      paramLabel = "P",
      defaultValue = "0",
      description =
          "Probability in [0, 1) that the network drops any one message. Default: ${DEFAULT-VALUE}"
              + " (a perfect network, as in Demers et al.).")
  double loss;

  @Option(
      names = "--updates",
      paramLabel = "U",
      defaultValue = "1",
      description =
          "Writes injected at cycle 0, each on a random node under its own key; residue,"
              + " traffic, t_ave and t_last are averaged over them. Default: ${DEFAULT-VALUE}.")
  int updates;

  @Option(
      names = "--value-bytes",
      paramLabel = "B",
      defaultValue = "16",
      description =
          "Size of each written value in bytes, 0 to " + SimCommand.MAX_VALUE_BYTES + "; changes"
              + " only the bytes figure. Default: ${DEFAULT-VALUE}.")
  int valueBytes;

  @Option(
      names = "--runs",
      paramLabel = "R",
      defaultValue = "1",
      description =
          "Independent runs, each with its own seed derived from --seed; figures are means over"
              + " runs. Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description =
          "Root seed: the same seed and arguments give the same figures. Default: a random seed,"
              + " printed to stderr as SEED=<n> so the run can be repeated.")
  Long seed;

  @Option(
      names = "--timing",
      paramLabel = "TIMING",
      defaultValue = "cycles",
      converter = Timings.class,
      completionCandidates = Timings.class,
      description =
          "How time advances, one of ${COMPLETION-CANDIDATES}. cycles: Demers' synchronous"
              + " cycles, every node acts once per cycle and acts on news from the next cycle."
              + " async: every node has its own jittered round timer and every message its own"
              + " latency. Default: ${DEFAULT-VALUE}.")
  Timing timing;

  @Option(
      names = "--peers",
      paramLabel = "PEERS",
      defaultValue = "random",
      converter = PeerChoices.class,
      completionCandidates = PeerChoices.class,
      description =
          "How nodes pick peers, one of ${COMPLETION-CANDIDATES}. random: uniformly among live"
              + " peers (Demers' model). ring: the closed ring, each node's next live successors,"
              + " dead members skipped. round-robin: every peer once per pass, in a per-node"
              + " random order. Default: ${DEFAULT-VALUE}.")
  PeerChoice peers;

  @Option(
      names = "--backup-every",
      paramLabel = "M",
      defaultValue = "10",
      description =
          "Composite mode only: rounds between the push-pull anti-entropy rounds that back up"
              + " rumor mongering (Demers' anti-entropy as a backup, which makes residue 0)."
              + " Default: ${DEFAULT-VALUE}.")
  int backupEvery;

  @Option(
      names = "--max-cycles",
      paramLabel = "C",
      defaultValue = "100000",
      description =
          "A run stops after this many cycles even if updates are still spreading."
              + " Default: ${DEFAULT-VALUE}.")
  long maxCycles;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "table",
      converter = Formats.class,
      completionCandidates = Formats.class,
      description =
          "Output, one of ${COMPLETION-CANDIDATES}. table: two columns, metric and value. json:"
              + " exactly one JSON object on one line of stdout. Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(
      names = "--codec",
      paramLabel = "CODEC",
      defaultValue = "kryo",
      converter = WireCodecs.class,
      completionCandidates = WireCodecs.class,
      description =
          "Wire codec that sizes every message for the bytes figure, one of"
              + " ${COMPLETION-CANDIDATES}. kryo: the production wire format. none: skips the"
              + " sizing (a little faster) and bytes reads 0. Default: ${DEFAULT-VALUE}.")
  WireCodec codec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long rootSeed = seed != null ? seed : new SecureRandom().nextLong();
    String invalid = invalidArgument();
    if (invalid != null) {
      err.println("gossip sim: " + invalid);
      err.flush();
      return ExitCode.USAGE;
    }
    ExperimentSpec experimentSpec;
    Codec wire;
    try {
      experimentSpec = experimentSpec(rootSeed);
      // Builds the strategy's options once, so their mistakes are reported here, not mid-run.
      Experiment.strategyFor(experimentSpec);
      wire = codec.create(Experiment.configFor(experimentSpec));
    } catch (IllegalArgumentException e) {
      err.println("gossip sim: " + inFlagTerms(e.getMessage()));
      err.flush();
      return ExitCode.USAGE;
    }
    if (seed == null) {
      err.println("SEED=" + rootSeed);
      err.flush();
    }

    ExperimentReport report;
    ProgressBar progress = ProgressBar.forStderr(err);
    try {
      try {
        report = new Experiment(experimentSpec, wire).progress(progress).run();
      } finally {
        progress.clear();
      }
    } catch (OutOfMemoryError e) {
      // The simulation's objects are unreachable by now: there is room again to say so.
      err.println("gossip sim: " + outOfMemory(Runtime.getRuntime().maxMemory()));
      err.println("gossip sim: the simulation failed; reproduce it with:");
      err.println("  " + reproduceCommand(rootSeed));
      err.flush();
      return ExitCode.SOFTWARE;
    } catch (RuntimeException e) {
      e.printStackTrace(err);
      err.println("gossip sim: the simulation failed; reproduce it with:");
      err.println("  " + reproduceCommand(rootSeed));
      err.flush();
      return ExitCode.SOFTWARE;
    }

    String json = report.toJson();
    MetricTable.print(out, format, json);
    return ExitCode.OK;
  }

  /** The first argument the CLI itself bounds, said in flag terms, or null; the rest is the spec's. */
  private String invalidArgument() {
    if (valueBytes > MAX_VALUE_BYTES) {
      return "--value-bytes must be in [0, " + MAX_VALUE_BYTES + "], was " + valueBytes;
    }
    if (nodes >= 2 && fanout > nodes - 1) {
      return "--fanout must be in [1, " + (nodes - 1) + "] (--nodes - 1: a node contacts"
          + " other nodes only), was " + fanout;
    }
    return null;
  }

  /**
   * Why the heap ran out, naming the settings that drive memory: every node has its own engine
   * and store, holds every update's value, and sends up to {@code --fanout} copies of it a round.
   */
  String outOfMemory(long maxHeapBytes) {
    return String.format(
        Locale.ROOT,
        "out of memory: --nodes %d, --updates %d, --value-bytes %d and --fanout %d need more"
            + " than the %d MB of heap Java has; lower them, or give Java more heap, such as"
            + " JAVA_OPTS=-Xmx16g",
        nodes, updates, valueBytes, fanout, maxHeapBytes >> 20);
  }

  private ExperimentSpec experimentSpec(long rootSeed) {
    return ExperimentSpec.builder()
        .nodes(nodes)
        .mode(mode)
        .exchange(exchange)
        .stopRule(stop)
        .k(k)
        .fanout(fanout)
        .loss(loss)
        .updates(updates)
        .valueBytes(valueBytes)
        .runs(runs)
        .seed(rootSeed)
        .timing(timing)
        .backupEvery(backupEvery)
        .maxCycles(maxCycles)
        .peers(peers)
        .build();
  }

  /**
   * Names the flag in a config error: {@code "valueBytes must be >= 0, was -1"} becomes
   * {@code "--value-bytes must be >= 0, was -1"}. Messages about other fields are unchanged.
   */
  private String inFlagTerms(String message) {
    int space = message.indexOf(' ');
    if (space > 0) {
      String flag =
          "--"
              + message
                  .substring(0, space)
                  .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                  .toLowerCase(Locale.ROOT);
      if (spec.findOption(flag) != null) {
        return flag + message.substring(space);
      }
    }
    return message;
  }

  /** Every option with its value and the seed actually used, so nothing depends on defaults. */
  String reproduceCommand(long rootSeed) {
    return reproduceCommand("gossip sim", spec, rootSeed);
  }

  /**
   * {@code command} followed by every option of {@code spec} with its value, {@code --seed}
   * replaced by the seed actually used: a run that does not depend on any default.
   */
  static String reproduceCommand(String command, CommandSpec spec, long rootSeed) {
    StringBuilder b = new StringBuilder(command);
    for (OptionSpec o : spec.options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      Object v = o.longestName().equals("--seed") ? Long.valueOf(rootSeed) : o.getValue();
      b.append(' ')
          .append(o.longestName())
          .append('=')
          .append(v instanceof Enum<?> e ? EnumFlag.spell(e) : String.valueOf(v));
    }
    return b.toString();
  }

  /** How the report is printed. */
  enum Format {
    TABLE,
    JSON
  }

  /** The codec that sizes messages; {@code null} from {@link #create} means none. */
  enum WireCodec {
    KRYO {
      @Override
      Codec create(GossipConfig config) {
        return new KryoCodec(config);
      }
    },
    NONE {
      @Override
      Codec create(GossipConfig config) {
        return null;
      }
    };

    abstract Codec create(GossipConfig config);
  }

  static final class Modes extends EnumFlag<Mode> {
    Modes() {
      super(Mode.class);
    }
  }

  static final class Exchanges extends EnumFlag<Exchange> {
    Exchanges() {
      super(Exchange.class);
    }
  }

  static final class StopRules extends EnumFlag<StopRule> {
    StopRules() {
      super(StopRule.class);
    }
  }

  static final class PeerChoices extends EnumFlag<PeerChoice> {
    PeerChoices() {
      super(PeerChoice.class);
    }
  }

  static final class Timings extends EnumFlag<Timing> {
    Timings() {
      super(Timing.class);
    }
  }

  static final class Formats extends EnumFlag<Format> {
    Formats() {
      super(Format.class);
    }
  }

  static final class WireCodecs extends EnumFlag<WireCodec> {
    WireCodecs() {
      super(WireCodec.class);
    }
  }
}
