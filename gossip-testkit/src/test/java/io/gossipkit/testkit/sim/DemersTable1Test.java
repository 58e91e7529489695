package io.gossipkit.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Exchange;
import io.gossipkit.core.StopRule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reproduces Demers et al. 1987, Table 1: push rumor mongering with feedback and counter k, n =
 * 1000, synchronous cycles, a necessary contact resetting the counter. The real engine, averaged
 * over 200 runs, must land within 15% of the paper's residue and within 5% of its traffic.
 */
class DemersTable1Test {

  @ParameterizedTest(name = "k={0}: residue {1}, traffic {2}")
  @CsvSource({"1, 0.18, 1.7", "2, 0.037, 3.3", "3, 0.011, 4.5"})
  void pushFeedbackCounterMatchesTheResidueAndTrafficOfTable1(
      int k, double paperResidue, double paperTraffic) {
    ExperimentSpec spec =
        ExperimentSpec.builder()
            .nodes(1000)
            .mode(Mode.RUMOR)
            .exchange(Exchange.PUSH)
            .stopRule(StopRule.FEEDBACK_COUNTER)
            .k(k)
            .fanout(1)
            .runs(200)
            .seed(1987)
            .build();
    ExperimentReport r = new Experiment(spec, null).run();
    String context = "k=" + k + " " + r.toJson() + " (reproduce: ./gossip sim --nodes 1000 --mode rumor"
        + " --exchange push --stop feedback-counter --k " + k + " --runs 200 --seed 1987 --format json)";
    assertTrue(
        Math.abs(r.residue() - paperResidue) <= 0.15 * paperResidue,
        "residue " + r.residue() + " not within 15% of " + paperResidue + ": " + context);
    assertTrue(
        Math.abs(r.traffic() - paperTraffic) <= 0.05 * paperTraffic,
        "traffic " + r.traffic() + " not within 5% of " + paperTraffic + ": " + context);
  }
}
