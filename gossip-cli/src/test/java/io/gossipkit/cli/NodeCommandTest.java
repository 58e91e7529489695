package io.gossipkit.cli;

import static io.gossipkit.cli.CliRun.gossip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gossip node}: refuses to run without a key unless plaintext is named, and says why. */
class NodeCommandTest {
  @TempDir Path dir;


  @Test
  void withoutAKeyTheNodeRefusesToStartAndNamesTheWaysOut() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0", "--run-for-ms", "1");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("no key configured"), r.err());
    assertTrue(r.err().contains("gossip keygen"), r.err());
    assertTrue(r.err().contains("--protector plaintext"), r.err());
    assertEquals("", r.out(), "nothing started");
  }

  @Test
  void aMalformedPeerIsRefusedWithTheExpectedShape() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0", "--protector", "plaintext",
        "--peer", "b127.0.0.1:7000");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--peer must look like ID@HOST:PORT"), r.err());
  }

  @Test
  void aMissingKeyFileIsReportedWithoutAStackTrace() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0",
        "--key-file", dir.resolve("absent.key").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("gossip node: "), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void aPlaintextNodeStartsPrintsItsAddressAndStopsWithItsCounters() {
    CliRun.Result r = gossip("node", "--id", "solo", "--bind", "127.0.0.1:0", "--protector", "plaintext",
        "--put", "k=v", "--run-for-ms", "300");
    assertEquals(0, r.exitCode(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertTrue(lines[0].startsWith("{\"event\":\"started\",\"id\":\"solo\",\"address\":\"127.0.0.1:"),
        lines[0]);
    assertTrue(r.out().contains("{\"event\":\"change\",\"key\":\"k\",\"value\":\"v\""), r.out());
    assertTrue(lines[lines.length - 1].startsWith("{\"event\":\"stopped\",\"id\":\"solo\",\"keys\":1"),
        lines[lines.length - 1]);
  }

  @Test
  void tcpWithoutAKeyIsRefusedBecauseItsSessionsAreAlwaysAuthenticated() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0", "--protector",
        "plaintext", "--tcp", "--run-for-ms", "1");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--tcp needs --key-file or --key-env"), r.err());
  }

  @Test
  void aValueTooLargeForADatagramIsRefusedWithTheWayOutAndTheNodeGoesOn() {
    CliRun.Result r = gossip("node", "--id", "solo", "--bind", "127.0.0.1:0", "--protector",
        "plaintext", "--put", "big=" + "v".repeat(5_000), "--put", "small=v", "--run-for-ms", "300");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("gossip node: --put big: value of 5000 bytes")
        && r.err().contains("run every node with --tcp"), r.err());
    assertTrue(r.out().contains("\"key\":\"small\""), r.out());
  }
}
