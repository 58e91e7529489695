package io.gossipkit.cli;

import io.gossipkit.cli.CryptoBench.Aead;
import io.gossipkit.cli.CryptoBench.Result;
import io.gossipkit.cli.SimCommand.Format;
import io.gossipkit.cli.SimCommand.Formats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gossip bench}: dispatches to the benchmarks: {@code gossip bench crypto} (the packet
 * protectors), {@code gossip bench udp} (the wire path) and {@code gossip bench sync}
 * (anti-entropy over TCP).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the machine: throughput of the packet protectors and of the wire path. Figures"
          + " depend on the CPU and its load: compare them only with figures from the same run.",
      ""
    },
    subcommands = {BenchCommand.Crypto.class, UdpBench.class, SyncBench.class})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /**
   * {@code gossip bench crypto}: seal+open throughput of every AEAD packet protector beside the
   * JDK's own AES-GCM, printed as a table or as one JSON array on stdout.
   *
   * <p>Exit codes: 0 success; 1 a protector failed (a receiver refused its sender's packet); 2
   * invalid arguments.
   */
  @Command(
      name = "crypto",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      usageHelpAutoWidth = true,
      header = "Measure seal+open throughput of the AEAD packet protectors.",
      description = {
        "For each AEAD and packet size, a sender seals fresh packets and a receiver that accepts"
            + " its packets opens them, bound to a cluster label, for a warm-up of --warmup"
            + " seconds and then --seconds measured seconds. One operation is one packet sealed"
            + " and opened; mb_per_s is size * operations / seconds / 10^6. jdk-aes-256-gcm is"
            + " the baseline: the JDK's AES/GCM/NoPadding (SunJCE) with a fresh nonce per"
            + " packet, without a protector's header or replay check.",
        ""
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:success",
        "1:a protector failed: its receiver refused its sender's packet",
        "2:invalid arguments"
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  gossip bench crypto",
        "  gossip bench crypto --aead aes-256-gcm,jdk-aes-256-gcm --sizes 1400 --seconds 5",
        "  gossip bench crypto --format json > crypto.json",
        "",
        "JMH measures the same: java -jar gossip-benchmarks/target/benchmarks.jar CryptoBenchmark"
      })
  static final class Crypto implements Callable<Integer> {
    /** Larger than any UDP datagram; bulk sync streams larger frames, but not through here. */
    static final int MAX_SIZE = 65_536;

    @Spec CommandSpec spec;

    @Option(
        names = "--aead",
        paramLabel = "AEAD",
        split = ",",
        converter = Aeads.class,
        completionCandidates = Aeads.class,
        description =
            "AEADs to measure, comma-separated, from ${COMPLETION-CANDIDATES}. Default: all.")
    List<Aead> aeads;

    @Option(
        names = "--sizes",
        paramLabel = "BYTES",
        split = ",",
        defaultValue = "64,512,1400",
        description =
            "Plaintext sizes in bytes, comma-separated, each 1 to " + MAX_SIZE + "."
                + " Default: ${DEFAULT-VALUE} (a small message, a digest, a full datagram).")
    List<Integer> sizes;

    @Option(
        names = "--seconds",
        paramLabel = "S",
        defaultValue = "2",
        description = "Measured seconds per case. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(
        names = "--warmup",
        paramLabel = "S",
        defaultValue = "1",
        description =
            "Unmeasured seconds per case before the measurement, so the JIT has compiled the"
                + " cipher. Default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        defaultValue = "table",
        converter = Formats.class,
        completionCandidates = Formats.class,
        description =
            "Output, one of ${COMPLETION-CANDIDATES}. table: one row per case. json: one JSON"
                + " object {seconds, warmup, cases: [{aead, size, mb_per_s, ops_per_s,"
                + " cpu_mb_per_s}, ...]} on one line of"
                + " stdout; cpu_mb_per_s is per second of the process's CPU time."
                + " Default: ${DEFAULT-VALUE}.")
    Format format;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String invalid = invalidArgument();
      if (invalid != null) {
        err.println("gossip bench crypto: " + invalid);
        err.flush();
        return ExitCode.USAGE;
      }
      List<Aead> chosen =
          aeads == null ? Arrays.asList(Aead.values()) : List.copyOf(new LinkedHashSet<>(aeads));
      int cases = chosen.size() * sizes.size();
      err.println(
          String.format(
              Locale.ROOT,
              "gossip bench crypto: %d case%s, about %.0f s",
              cases,
              cases == 1 ? "" : "s",
              Math.ceil(cases * (warmup + seconds))));
      err.flush();

      List<Result> results = new ArrayList<>();
      for (Aead aead : chosen) {
        for (int size : sizes) {
          try {
            results.add(CryptoBench.measure(aead, size, warmup, seconds));
          } catch (RuntimeException e) {
            e.printStackTrace(err);
            err.println("gossip bench crypto: " + aead.spelling() + " failed at " + size + " bytes");
            err.flush();
            return ExitCode.SOFTWARE;
          }
        }
      }
      out.print(
          format == Format.JSON
              ? CryptoBench.toJson(results, seconds, warmup) + System.lineSeparator()
              : CryptoBench.toTable(results));
      out.flush();
      return ExitCode.OK;
    }

    /** The first invalid argument, said in flag terms, or null. */
    private String invalidArgument() {
      if (!(seconds > 0) || Double.isInfinite(seconds)) {
        return "--seconds must be > 0, was " + seconds;
      }
      if (!(warmup >= 0) || Double.isInfinite(warmup)) {
        return "--warmup must be >= 0, was " + warmup;
      }
      for (int size : sizes) {
        if (size < 1 || size > MAX_SIZE) {
          return "--sizes must each be 1 to " + MAX_SIZE + ", was " + size;
        }
      }
      return null;
    }

    static final class Aeads extends EnumFlag<Aead> {
      Aeads() {
        super(Aead.class);
      }
    }
  }
}
