package io.gossipkit.cli;

import static io.gossipkit.cli.CliRun.gossip;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The top-level {@code gossip} command: dispatching, and naming what it cannot dispatch. */
class GossipCommandTest {
  @Test
  void anUnknownCommandIsNamedOnOneLineWithTheCommandsThereAre() {
    CliRun.Result r = gossip("bogus");
    assertEquals(2, r.exitCode());
    assertEquals("gossip: unknown command 'bogus' (commands: sim, demo, node, keygen, bench)",
        r.err().strip());
    assertEquals("", r.out());
  }

  @Test
  void anUnknownBenchmarkIsNamedWithTheBenchmarksThereAre() {
    CliRun.Result r = gossip("bench", "nope");
    assertEquals(2, r.exitCode());
    assertEquals("gossip bench: unknown command 'nope' (commands: crypto, udp, sync)",
        r.err().strip());
  }

  @Test
  void anUnknownOptionIsStillReportedAsAnOption() {
    CliRun.Result r = gossip("--bogus");
    assertEquals(2, r.exitCode());
    assertEquals("Unknown option: '--bogus'" + System.lineSeparator()
        + "Try 'gossip --help' for more information.", r.err().strip());
  }
}
