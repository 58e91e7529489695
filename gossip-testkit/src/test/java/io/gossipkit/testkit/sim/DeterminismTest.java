package io.gossipkit.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.gossipkit.api.Exchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same spec and seed give the same report, measurements of the machine aside. */
class DeterminismTest {

  private static String modelFigures(ExperimentReport r) {
    return r.toJson()
        .replaceAll("\"(elapsed_ms|loop_cpu_s|messages_per_cpu_s|heap_bytes_per_node"
            + "|heap_bytes_per_node_setup)\":[^,}]*,?", "");
  }

  private static ExperimentSpec spec(Mode mode, Timing timing, long seed) {
    return ExperimentSpec.builder()
        .nodes(500)
        .mode(mode)
        .exchange(Exchange.PUSH_PULL)
        .loss(0.1)
        .updates(3)
        .runs(3)
        .timing(timing)
        .seed(seed)
        .build();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sameSeedGivesIdenticalReportInCycles(Mode mode) {
    assertEquals(
        modelFigures(new Experiment(spec(mode, Timing.CYCLES, 11), null).run()),
        modelFigures(new Experiment(spec(mode, Timing.CYCLES, 11), null).run()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sameSeedGivesIdenticalReportInAsyncTiming(Mode mode) {
    assertEquals(
        modelFigures(new Experiment(spec(mode, Timing.ASYNC, 12), null).run()),
        modelFigures(new Experiment(spec(mode, Timing.ASYNC, 12), null).run()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void differentSeedsGiveDifferentRuns(Mode mode) {
    // Guards the test above against a report that ignores the seed altogether.
    assertNotEquals(
        modelFigures(new Experiment(spec(mode, Timing.CYCLES, 1), null).run()),
        modelFigures(new Experiment(spec(mode, Timing.CYCLES, 2), null).run()));
  }
}
