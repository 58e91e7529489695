package io.gossipkit.testkit.sim;

import java.util.Locale;

/**
 * What an {@link Experiment} measured, averaged over its runs, in the literature's terms.
 *
 * @param spec what was run
 * @param residue mean fraction of live nodes a write never reached
 * @param traffic mean update payload copies sent per node per write
 * @param tAve mean cycles from a write to its receipt, over the nodes it reached
 * @param tLast mean cycles from a write to its last receipt
 * @param roundsToConvergeMean mean cycles until every live replica agreed, over converged runs
 * @param roundsToConvergeMax most cycles until every live replica agreed
 * @param convergedRuns runs in which every live replica ended identical
 * @param cyclesMean mean cycles a run lasted
 * @param messages mean messages per run, lost ones included
 * @param bytes mean encoded bytes per run
 * @param elapsedMillis wall time of the whole experiment, setup included
 * @param loopCpuSeconds CPU time of the simulation loops, setup excluded, summed over runs
 * @param heapBytesPerNode heap retained per node at the end of the first run
 * @param heapBytesPerNodeSetup heap retained per node after the first run's setup
 */
public record ExperimentReport(
    ExperimentSpec spec,
    double residue,
    double traffic,
    double tAve,
    double tLast,
    double roundsToConvergeMean,
    long roundsToConvergeMax,
    int convergedRuns,
    double cyclesMean,
    double messages,
    double bytes,
    long elapsedMillis,
    double loopCpuSeconds,
    long heapBytesPerNode,
    long heapBytesPerNodeSetup) {

  /** Simulated messages per CPU second of the loops. */
  public double messagesPerCpuSecond() {
    return loopCpuSeconds <= 0 ? 0 : messages * spec.runs() / loopCpuSeconds;
  }

  /** One JSON object with every figure; keys in snake_case. */
  public String toJson() {
    StringBuilder b = new StringBuilder(512);
    b.append('{');
    field(b, "nodes", spec.nodes());
    field(b, "mode", '"' + spec.mode().flag() + '"');
    field(b, "exchange", '"' + spec.exchange().name().toLowerCase(Locale.ROOT).replace('_', '-') + '"');
    field(b, "stop", '"' + spec.stopRule().name().toLowerCase(Locale.ROOT).replace('_', '-') + '"');
    field(b, "k", spec.k());
    field(b, "fanout", spec.fanout());
    field(b, "peers", '"' + spec.peers().name().toLowerCase(Locale.ROOT).replace('_', '-') + '"');
    field(b, "loss", num(spec.loss()));
    field(b, "updates", spec.updates());
    field(b, "value_bytes", spec.valueBytes());
    field(b, "backup_every", spec.backupEvery());
    field(b, "max_cycles", spec.maxCycles());
    field(b, "timing", '"' + spec.timing().name().toLowerCase(Locale.ROOT) + '"');
    field(b, "runs", spec.runs());
    field(b, "seed", spec.seed());
    field(b, "residue", num(residue));
    field(b, "traffic", num(traffic));
    field(b, "t_ave", num(tAve));
    field(b, "t_last", num(tLast));
    b.append("\"rounds_to_converge\":{\"mean\":")
        .append(convergedRuns == 0 ? "null" : num(roundsToConvergeMean))
        .append(",\"max\":")
        .append(convergedRuns == 0 ? "null" : Long.toString(roundsToConvergeMax))
        .append(",\"converged_runs\":")
        .append(convergedRuns)
        .append("},");
    field(b, "cycles", num(cyclesMean));
    field(b, "messages", num(messages));
    field(b, "bytes", num(bytes));
    field(b, "elapsed_ms", elapsedMillis);
    field(b, "loop_cpu_s", num(loopCpuSeconds));
    field(b, "messages_per_cpu_s", num(messagesPerCpuSecond()));
    field(b, "heap_bytes_per_node", heapBytesPerNode);
    b.append("\"heap_bytes_per_node_setup\":").append(heapBytesPerNodeSetup);
    b.append('}');
    return b.toString();
  }

  private static void field(StringBuilder b, String name, Object value) {
    b.append('"').append(name).append("\":").append(value).append(',');
  }

  private static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "null";
    }
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
  }
}
