package io.gossipkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

class DemoCommandTest {
  private record Result(int exitCode, String out, String err) {}

  static Result gossip(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new GossipCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  static double number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.Ee+-]+)").matcher(json);
    assertTrue(m.find(), "no numeric " + field + " in " + json);
    return Double.parseDouble(m.group(1));
  }

  @Test
  @Timeout(60)
  void jsonIsOneObjectWithFullCoverageAndPositiveConvergence() {
    Result r = gossip("demo", "--nodes", "5", "--repeats", "2", "--format", "json", "--seed", "7");
    assertEquals(0, r.exitCode(), r.err());
    String json = r.out().strip();
    assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
    assertEquals(5, number(json, "nodes"));
    assertEquals(2, number(json, "repeats"));
    assertEquals(1.0, number(json, "coverage"));
    assertTrue(number(json, "converge_ms") > 0, json);
    assertTrue(number(json, "payload_copies_per_node") > 0, json);
    assertTrue(number(json, "messages") > 0, json);
    assertTrue(number(json, "bytes") > 0, json);
    assertTrue(json.contains("\"transport\":\""), json);
    assertTrue(!json.contains("detect_ms"), json);
  }

  @Test
  @Timeout(120)
  void killReportsTheTimeUntilEveryOtherNodeMarksTheStoppedNodeDead() {
    Result r = gossip("demo", "--nodes", "4", "--repeats", "1", "--kill", "1", "--format", "json",
        "--seed", "3");
    assertEquals(0, r.exitCode(), r.err());
    String json = r.out().strip();
    assertEquals(1, number(json, "killed"));
    assertEquals(1.0, number(json, "detected"));
    double detect = number(json, "detect_ms");
    // Never faster than the shortest suspicion (4 s at LAN's multiplier 4 and probe interval
    // 1 s), and within the bound the demo itself derives from the configuration.
    assertTrue(detect >= 4_000, json);
    assertTrue(detect <= number(json, "detect_bound_ms"), json);
    assertTrue(number(json, "membership_converge_ms") > 0, json);
  }

  @Test
  void rejectsKillingAllButTheSeed() {
    Result r = gossip("demo", "--nodes", "3", "--kill", "2");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--kill"), r.err());
  }

  @Test
  void rejectsMoreNodesThanTheMachineCanRunNamingTheBound() {
    for (String n : new String[] {"301", "100000"}) {
      Result r = gossip("demo", "--nodes", n);
      assertEquals(2, r.exitCode());
      assertEquals("gossip demo: --nodes must be in [2, 300], was " + n + " (each node is a real"
          + " node with its own socket and threads)", r.err().strip());
      assertEquals("", r.out());
    }
  }

  @Test
  void rejectsTooFewNodes() {
    Result r = gossip("demo", "--nodes", "1");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--nodes"), r.err());
  }
}
