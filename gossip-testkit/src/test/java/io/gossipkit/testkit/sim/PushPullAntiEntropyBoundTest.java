package io.gossipkit.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Exchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Push-pull anti-entropy with fanout 1 spreads one update to every node in at most log3(n) +
 * ln(ln(n)) + 2 cycles on average (Karp et al. 2000 give log3(n) + O(ln ln n)).
 */
class PushPullAntiEntropyBoundTest {

  @ParameterizedTest(name = "n={0}")
  @CsvSource({"1000, 50", "100000, 3"})
  void meanCyclesToReachEveryNodeStayWithinTheBound(int n, int runs) {
    ExperimentSpec spec =
        ExperimentSpec.builder()
            .nodes(n)
            .mode(Mode.ANTI_ENTROPY)
            .exchange(Exchange.PUSH_PULL)
            .fanout(1)
            .runs(runs)
            .seed(3)
            .build();
    ExperimentReport r = new Experiment(spec, null).run();
    double bound = Math.log(n) / Math.log(3) + Math.log(Math.log(n)) + 2;
    assertEquals(runs, r.convergedRuns(), r.toJson());
    assertEquals(0.0, r.residue(), r.toJson());
    assertTrue(
        r.tLast() <= bound,
        "mean cycles until every node has the update " + r.tLast() + " > bound " + bound + ": "
            + r.toJson());
  }
}
