package io.gossipkit.cli;

import static io.gossipkit.cli.DemoCommandTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

class SyncBenchTest {
  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new GossipCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    assertEquals(0, exit, err.toString());
    return out.toString().strip();
  }

  @Test
  @Timeout(120)
  void twoTcpNodesRepairTheDifferenceAndPrintOneJsonObjectWithTheFourFigures() {
    String json = run("bench", "sync", "--keys", "3000", "--diff", "6", "--timeout", "60",
        "--format", "json");

    assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
    assertEquals(3000, number(json, "keys"));
    // The bench itself checks every rewritten key reached both sides before it prints.
    assertTrue(number(json, "diff_bytes") > 0, json);
    assertTrue(number(json, "identical_bytes") > 0 && number(json, "identical_bytes") < 1024,
        json);
    assertTrue(number(json, "full_sync_wire_bytes") > 3000 * 100, json);
    assertTrue(number(json, "full_sync_mb_per_s") > 0, json);
    assertTrue(number(json, "raw_tcp_mb_per_s") > 0, json);
    assertTrue(number(json, "encrypted_tcp_mb_per_s") > 0, json);
  }

  @Test
  void refusesADifferenceLargerThanTheReplica() {
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new GossipCommand())
        .setOut(new PrintWriter(new StringWriter(), true))
        .setErr(new PrintWriter(err, true))
        .execute("bench", "sync", "--keys", "10", "--diff", "11");
    assertEquals(2, exit);
    assertTrue(err.toString().contains("--diff must be in [0, --keys], was 11"), err.toString());
  }
}
