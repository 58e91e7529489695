package io.gossipkit.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gossip bench}: dispatches to the benchmarks, such as {@code gossip bench udp}. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure the machine: throughput of the wire path.",
    subcommands = {UdpBench.class})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
