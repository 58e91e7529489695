package io.gossipkit.testkit.sim;

import io.gossipkit.api.Codec;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.RumorOptions;
import io.gossipkit.core.Strategies;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Runs an {@link ExperimentSpec}: its runs one after another, each a fresh {@link Simulation}
 * seeded from the spec's root seed, and reports the literature's metrics averaged over them.
 *
 * <p>A run injects the spec's writes at cycle 0 on random nodes and stops when it is finished:
 * for anti-entropy and composite modes when every live replica agrees and nothing is left to
 * spread; for rumor mongering and direct mail when nothing is left to spread (rumor mongering may
 * leave a residue); in any case after {@code maxCycles}.
 */
public final class Experiment {
  /** Told after every simulated cycle, for progress bars. */
  @FunctionalInterface
  public interface Progress {
    /** Run {@code run} (0-based) of {@code runs} has finished cycle {@code cycle}. */
    void onCycle(int run, int runs, long cycle);
  }

  private final ExperimentSpec spec;
  private final Codec codec;
  private Progress progress = (run, runs, cycle) -> { };

  /**
   * An experiment of {@code spec}; {@code codec}, if not null, sizes every message.
   */
  public Experiment(ExperimentSpec spec, Codec codec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.codec = codec;
  }

  /** Sets the progress callback. */
  public Experiment progress(Progress p) {
    progress = Objects.requireNonNull(p, "progress");
    return this;
  }

  /** The configuration every engine of the experiment runs with. */
  public static GossipConfig configFor(ExperimentSpec spec) {
    return GossipConfig.lan().toBuilder()
        .fanout(spec.fanout())
        // Synchronous cycles follow Demers' model: a node acts on news in the next cycle.
        .eagerPush(spec.timing() == Timing.ASYNC)
        .antiEntropyInterval(Duration.ofMillis(200L * spec.backupEvery()))
        .tombstoneTtl(Duration.ofDays(365))
        .build();
  }

  /** The strategy the spec names. */
  public static Supplier<DisseminationStrategy> strategyFor(ExperimentSpec spec) {
    Supplier<DisseminationStrategy> rumor =
        Strategies.rumorMongering(
            RumorOptions.builder()
                .exchange(spec.exchange())
                .stopRule(spec.stopRule())
                .k(spec.k())
                .fanout(spec.fanout())
                .selector(spec.peers().selectors())
                .build());
    switch (spec.mode()) {
      case ANTI_ENTROPY:
        return Strategies.antiEntropy(spec.exchange(), spec.peers().selectors(), spec.fanout());
      case RUMOR:
        return rumor;
      case DIRECT_MAIL:
        return Strategies.directMail();
      case COMPOSITE:
        return Strategies.composite(
            rumor,
            Strategies.antiEntropy(
                io.gossipkit.api.Exchange.PUSH_PULL, PeerSelectors::random, 1),
            spec.backupEvery());
      default:
        throw new IllegalArgumentException("unknown mode " + spec.mode());
    }
  }

  /** Derives run {@code run}'s seed from the root seed. */
  public static long runSeed(long rootSeed, int run) {
    return new SplittableRandom(rootSeed + 0x9E3779B97F4A7C15L * run).nextLong();
  }

  /** Runs every run and reports. */
  public ExperimentReport run() {
    long startWall = System.nanoTime();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    GossipConfig config = configFor(spec);
    Supplier<DisseminationStrategy> strategy = strategyFor(spec);
    boolean repairs = spec.mode() == Mode.ANTI_ENTROPY || spec.mode() == Mode.COMPOSITE;

    double residueSum = 0;
    double trafficSum = 0;
    double tAveSum = 0;
    double tLastSum = 0;
    double convergeSum = 0;
    long convergeMax = 0;
    int converged = 0;
    double cyclesSum = 0;
    double messagesSum = 0;
    double bytesSum = 0;
    long loopCpu = 0;
    long heapRun = 0;
    long heapSetup = 0;

    for (int run = 0; run < spec.runs(); run++) {
      long seed = runSeed(spec.seed(), run);
      long heap0 = run == 0 ? usedHeapAfterGc() : 0;
      Simulation sim =
          Simulation.builder()
              .nodes(spec.nodes())
              .seed(seed)
              .config(config)
              .strategy(strategy)
              .timing(spec.timing())
              .network(NetworkModel.PERFECT.withLoss(spec.loss()))
              .codec(codec)
              .build();
      SplittableRandom inject = new SplittableRandom(seed ^ 0x5DEECE66DL);
      for (int u = 0; u < spec.updates(); u++) {
        byte[] value = new byte[spec.valueBytes()];
        for (int i = 0; i < value.length; i++) {
          value[i] = (byte) inject.nextInt(256);
        }
        sim.put(inject.nextInt(spec.nodes()), "u" + u, value);
      }
      if (run == 0) {
        heapSetup = usedHeapAfterGc() - heap0;
      }
      long convergedAt = -1;
      long cpu0 = threads.getCurrentThreadCpuTime();
      while (sim.cycle() < spec.maxCycles()) {
        sim.step();
        progress.onCycle(run, spec.runs(), sim.cycle());
        // Every write has its own key here, so the O(writes) check is a valid filter for the
        // O(nodes) comparison of every replica.
        boolean agree = sim.allUpdatesReachedEveryone() && sim.converged();
        if (agree && convergedAt < 0) {
          convergedAt = sim.cycle();
        } else if (!agree) {
          convergedAt = -1;
        }
        if (sim.quiescent() && (agree || !repairs)) {
          break;
        }
      }
      loopCpu += threads.getCurrentThreadCpuTime() - cpu0;
      if (run == 0) {
        heapRun = usedHeapAfterGc() - heap0;
      }

      double live = sim.liveCount();
      double r = 0;
      double ta = 0;
      double tl = 0;
      for (Simulation.UpdateTrack t : sim.updates()) {
        r += sim.missing(t) / live;
        ta += t.meanDelay();
        tl += t.maxDelay();
      }
      int u = sim.updates().size();
      residueSum += r / u;
      tAveSum += ta / u;
      tLastSum += tl / u;
      trafficSum += (double) sim.entryCopies() / spec.nodes() / u;
      if (convergedAt > 0) {
        converged++;
        convergeSum += convergedAt;
        convergeMax = Math.max(convergeMax, convergedAt);
      }
      cyclesSum += sim.cycle();
      messagesSum += sim.messages();
      bytesSum += sim.bytes();
    }
    int runs = spec.runs();
    return new ExperimentReport(
        spec,
        residueSum / runs,
        trafficSum / runs,
        tAveSum / runs,
        tLastSum / runs,
        converged == 0 ? Double.NaN : convergeSum / converged,
        convergeMax,
        converged,
        cyclesSum / runs,
        messagesSum / runs,
        bytesSum / runs,
        (System.nanoTime() - startWall) / 1_000_000,
        loopCpu / 1e9,
        Math.max(0, heapRun / spec.nodes()),
        Math.max(0, heapSetup / spec.nodes()));
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    // Several collections: the first may leave garbage that a concurrent phase frees later.
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
