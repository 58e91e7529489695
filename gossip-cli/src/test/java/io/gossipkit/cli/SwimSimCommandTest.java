package io.gossipkit.cli;

import static io.gossipkit.cli.CliRun.gossip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code gossip sim swim}: one JSON line, reproducible by seed, and clear refusals. */
class SwimSimCommandTest {
  /** Fields that measure the machine, not the simulation. */
  private static final Pattern MACHINE_FIELDS =
      Pattern.compile("\"(elapsed_ms|loop_cpu_s)\":[^,}]*,?");

  private static double field(String json, String path) {
    Matcher m = Pattern.compile("\"" + path + "\":(-?[0-9.]+)").matcher(json);
    assertTrue(m.find(), "no " + path + " in " + json);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void jsonReportsJoinDetectionAndCostAndRepeatsExactlyForTheSameSeed() {
    String[] args = {"sim", "swim", "--nodes", "30", "--crash", "2", "--leave", "1", "--loss",
        "0.02", "--observe", "20", "--seed", "5", "--format", "json"};
    CliRun.Result first = gossip(args);
    CliRun.Result second = gossip(args);

    assertEquals(0, first.exitCode(), first.err());
    String json = first.out().strip();
    assertEquals(first.out(), json + System.lineSeparator(), "exactly one line on stdout");
    for (String key : List.of("nodes", "preset", "crash", "leave", "loss", "seed", "join_s",
        "crash_detection", "leave_detection", "all_seen_s", "false_dead", "false_dead_members",
        "suspected", "refuted", "messages_per_node_s", "bytes_per_node_s", "messages", "lost",
        "virtual_s", "events", "elapsed_ms", "loop_cpu_s")) {
      assertTrue(json.contains("\"" + key + "\":"), "missing " + key + " in " + json);
    }
    assertTrue(json.contains("\"nodes\":30,") && json.contains("\"seed\":5,")
        && json.contains("\"preset\":\"lan\""), json);
    double join = field(json, "join_s");
    assertTrue(join > 0 && join < 60, json);
    // Thirty nodes on LAN timing: a crash is probed within a few seconds and the suspicion
    // runs out within 4 * 6 = 24 s at the most; a leave is gossiped within a second.
    Matcher crash = Pattern.compile("\"crash_detection\":\\{\"first_s\":([0-9.]+),\"p50_s\":"
        + "([0-9.]+),\"p99_s\":([0-9.]+),\"last_s\":([0-9.]+)\\}").matcher(json);
    assertTrue(crash.find(), json);
    double p50 = Double.parseDouble(crash.group(2));
    double last = Double.parseDouble(crash.group(4));
    assertTrue(p50 > 1 && p50 <= last && last < 60, json);
    Matcher leave = Pattern.compile("\"leave_detection\":\\{\"first_s\":[0-9.]+,\"p50_s\":"
        + "[0-9.]+,\"p99_s\":[0-9.]+,\"last_s\":([0-9.]+)\\}").matcher(json);
    assertTrue(leave.find() && Double.parseDouble(leave.group(1)) < 5, json);
    assertEquals(Math.max(last, Double.parseDouble(leave.group(1))), field(json, "all_seen_s"),
        0.0105, "all seen when the last pair saw: " + json);
    assertTrue(field(json, "messages_per_node_s") > 0.5, json);

    assertEquals(MACHINE_FIELDS.matcher(json).replaceAll(""),
        MACHINE_FIELDS.matcher(second.out().strip()).replaceAll(""));
  }

  @Test
  void writesMadeWhileAMemberCrashesAreFollowedUntilEverySurvivorHoldsThem() {
    CliRun.Result r = gossip("sim", "swim", "--nodes", "30", "--crash", "1", "--writes", "3",
        "--loss", "0.02", "--observe", "10", "--seed", "8", "--format", "json");
    assertEquals(0, r.exitCode(), r.err());
    String json = r.out().strip();
    assertEquals(3, field(json, "writes"));
    Matcher spread = Pattern.compile("\"write_spread\":\\{\"first_s\":([0-9.]+),\"p50_s\":"
        + "([0-9.]+),\"p99_s\":([0-9.]+),\"last_s\":([0-9.]+)\\}").matcher(json);
    assertTrue(spread.find(), json);
    assertEquals(0.0, Double.parseDouble(spread.group(1)), "a writer holds its write at once");
    // The run only ends once every survivor held all three: the last time is a real one.
    double last = Double.parseDouble(spread.group(4));
    assertTrue(last > 0 && last < 60, json);
    assertTrue(field(json, "kv_messages_per_node_s") >= 0 && json.contains("\"kv_bytes_per_node_s\":"),
        json);
    CliRun.Result without = gossip("sim", "swim", "--nodes", "5", "--observe", "1", "--seed", "8",
        "--format", "json");
    assertTrue(without.out().contains("\"writes\":0,\"write_spread\":null"), without.out());
  }

  @Test
  void restartedNodesRejoinAndGetTheWritesBackWithinSeconds() {
    CliRun.Result r = gossip("sim", "swim", "--nodes", "30", "--crash", "2", "--writes", "2",
        "--restart", "--observe", "5", "--seed", "9", "--format", "json");
    assertEquals(0, r.exitCode(), r.err());
    String json = r.out().strip();
    assertEquals(2, field(json, "restarted"));
    double rejoin = field(json, "rejoin_s");
    double writesBack = field(json, "rejoin_writes_s");
    // Not the 30 s of the periodic anti-entropy: the first round with a live peer syncs.
    assertTrue(rejoin > 0 && rejoin <= writesBack && writesBack < 5, json);
    assertTrue(field(json, "refuted") >= 2, "each restarted node refuted its DEAD record: " + json);
  }

  @Test
  void tableIsTheDefaultAndNestedFieldsAreFlattened() {
    CliRun.Result r = gossip("sim", "swim", "--nodes", "10", "--observe", "5", "--seed", "2");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("crash_detection.p99_s"), r.out());
    assertFalse(r.err().contains("SEED="), "no seed printed when one was given");
  }

  @Test
  void withoutASeedOneIsDrawnAndPrinted() {
    CliRun.Result r = gossip("sim", "swim", "--nodes", "5", "--crash", "0", "--observe", "1",
        "--format", "json");
    assertEquals(0, r.exitCode(), r.err());
    Matcher m = Pattern.compile("SEED=(-?[0-9]+)").matcher(r.err());
    assertTrue(m.find(), r.err());
    assertTrue(r.out().contains("\"seed\":" + m.group(1) + ","), r.out());
    assertTrue(r.out().contains("\"crash_detection\":null"), r.out());
  }

  @Test
  void impossibleArgumentsExitTwoWithTheFlagNamed() {
    CliRun.Result r = gossip("sim", "swim", "--nodes", "5", "--crash", "5");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--crash must be in [0, --nodes - 1], was 5"), r.err());
    assertEquals("", r.out());
    CliRun.Result loss = gossip("sim", "swim", "--loss", "1");
    assertEquals(2, loss.exitCode());
    assertTrue(loss.err().contains("--loss"), loss.err());
    CliRun.Result preset = gossip("sim", "swim", "--preset", "moon");
    assertEquals(2, preset.exitCode());
    assertTrue(preset.err().contains("lan, wan, local"), preset.err());
  }

  @Test
  void aPhaseThatCannotFinishFailsWithTheCommandThatReproducesIt() {
    // Half the messages lost and two virtual seconds: the hundred nodes cannot all join.
    CliRun.Result r = gossip("sim", "swim", "--nodes", "100", "--loss", "0.5", "--limit", "2",
        "--seed", "3");
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains("did not all see each other ALIVE within 2 virtual seconds"),
        r.err());
    assertTrue(r.err().contains("gossip sim swim ") && r.err().contains("--seed=3")
        && r.err().contains("--loss=0.5"), r.err());
  }
}
