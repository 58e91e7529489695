package io.gossipkit.cli;

import static io.gossipkit.cli.CliRun.gossip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

class SimCommandTest {
  /** Fields that measure the machine, not the simulation. */
  private static final Pattern MACHINE_FIELDS =
      Pattern.compile(
          "\"(elapsed_ms|loop_cpu_s|messages_per_cpu_s|heap_bytes_per_node"
              + "|heap_bytes_per_node_setup)\":[^,}]*,?");


  @Test
  void jsonIsOneLineWithEveryFieldAndRepeatsExactlyForTheSameSeed() {
    String[] args = {"sim", "--nodes", "200", "--runs", "3", "--seed", "42", "--format", "json"};
    CliRun.Result first = gossip(args);
    CliRun.Result second = gossip(args);

    assertEquals(0, first.exitCode(), first.err());
    String json = first.out().strip();
    assertEquals(first.out(), json + System.lineSeparator(), "exactly one line on stdout");
    assertTrue(json.startsWith("{") && json.endsWith("}"), json);
    assertFalse(json.contains("\n"), json);
    for (String key :
        List.of(
            "nodes", "runs", "seed", "residue", "traffic", "t_ave", "t_last", "rounds_to_converge",
            "messages", "bytes", "elapsed_ms", "loop_cpu_s", "heap_bytes_per_node")) {
      assertTrue(json.contains("\"" + key + "\":"), "missing " + key + " in " + json);
    }
    assertTrue(json.matches(".*\"rounds_to_converge\":\\{\"mean\":[^,]+,\"max\":.*"), json);
    assertTrue(json.contains("\"nodes\":200,") && json.contains("\"seed\":42,"), json);

    assertEquals(
        MACHINE_FIELDS.matcher(json).replaceAll(""),
        MACHINE_FIELDS.matcher(second.out().strip()).replaceAll(""));
  }

  @Test
  void unknownModeExitsTwoNamingTheAllowedValues() {
    CliRun.Result r = gossip("sim", "--mode", "nope");

    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("anti-entropy, rumor, direct-mail, composite"), r.err());
    assertTrue(r.err().contains("'nope'"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void mainsUsageErrorIsShortAndPointsToHelp() {
    StringWriter err = new StringWriter();
    int exit =
        GossipCommand.commandLine().setErr(new PrintWriter(err, true)).execute("sim", "--k", "x");

    assertEquals(2, exit);
    assertEquals(
        "Invalid value for option '--k': 'x' is not an int"
            + System.lineSeparator()
            + "Try 'gossip sim --help' for more information.",
        err.toString().strip());
  }

  @Test
  void invalidSpecExitsTwoWithOneLineNamingTheFlagAndNoStackTrace() {
    CliRun.Result r = gossip("sim", "--nodes", "50", "--value-bytes", "-1", "--seed", "1");

    assertEquals(2, r.exitCode());
    assertEquals("gossip sim: --value-bytes must be >= 0, was -1", r.err().strip());
    assertEquals("", r.out());
  }

  @Test
  void valueBytesAboveTheCapIsRefusedWithTheCap() {
    CliRun.Result r = gossip("sim", "--value-bytes", "2147483647", "--seed", "1");

    assertEquals(2, r.exitCode());
    assertEquals("gossip sim: --value-bytes must be in [0, 65536], was 2147483647",
        r.err().strip());
    assertEquals("", r.out());
  }

  @Test
  void fanoutAboveTheOtherNodesIsRefusedAndTheLargestFanoutRuns() {
    CliRun.Result refused = gossip("sim", "--nodes", "50", "--fanout", "5000", "--seed", "1");
    assertEquals(2, refused.exitCode());
    assertEquals("gossip sim: --fanout must be in [1, 49] (--nodes - 1: a node contacts other"
        + " nodes only), was 5000", refused.err().strip());
    assertEquals(2, gossip("sim", "--nodes", "50", "--fanout", "50", "--seed", "1").exitCode());

    CliRun.Result largest =
        gossip("sim", "--nodes", "50", "--fanout", "49", "--seed", "1", "--format", "json");
    assertEquals(0, largest.exitCode(), largest.err());
    assertTrue(largest.out().contains("\"fanout\":49,"), largest.out());
  }

  @Test
  @Timeout(120)
  void runningOutOfMemoryNamesTheSettingsThatDriveMemoryAndEndsWithTheReproduceCommand()
      throws Exception {
    // A child JVM with a 16 MB heap: 100,000 nodes cannot fit, and this JVM's heap is spared.
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Path err = Files.createTempFile("sim-oom", ".err");
    try {
      Process p = new ProcessBuilder(java, "-Xmx16m", "-XX:TieredStopAtLevel=1", "-cp",
          System.getProperty("java.class.path"), "io.gossipkit.cli.Main", "sim", "--nodes",
          "100000", "--seed", "1")
          .redirectError(err.toFile())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      assertTrue(p.waitFor(100, TimeUnit.SECONDS), "the simulation should give up");
      assertEquals(1, p.exitValue());
      List<String> lines = Files.readAllLines(err);
      assertEquals(3, lines.size(), String.join("\n", lines));
      assertTrue(lines.get(0).startsWith("gossip sim: out of memory: --nodes 100000, --updates 1,"
          + " --value-bytes 16 and --fanout 1 need more than the "), lines.get(0));
      assertEquals("gossip sim: the simulation failed; reproduce it with:", lines.get(1));
      assertTrue(lines.get(2).startsWith("  gossip sim --nodes=100000 ")
          && lines.get(2).contains(" --seed=1 "), lines.get(2));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  @Test
  void missingSubcommandIsAUsageError() {
    assertEquals(2, gossip().exitCode());
  }

  @Test
  void helpMentionsEveryFlag() {
    CliRun.Result r = gossip("sim", "--help");

    assertEquals(0, r.exitCode());
    for (String flag :
        List.of(
            "--nodes", "--mode", "--exchange", "--stop", "--k", "--fanout", "--loss", "--updates",
            "--value-bytes", "--runs", "--seed", "--timing", "--backup-every", "--max-cycles",
            "--format", "--codec")) {
      assertTrue(r.out().contains(flag + "="), "help lacks " + flag + ":\n" + r.out());
    }
  }

  @Test
  void withoutSeedPrintsTheChosenSeedToStderr() {
    CliRun.Result r = gossip("sim", "--nodes", "50", "--format", "json");

    assertEquals(0, r.exitCode(), r.err());
    Matcher seed = Pattern.compile("SEED=(-?\\d+)").matcher(r.err());
    assertTrue(seed.find(), r.err());
    assertTrue(r.out().contains("\"seed\":" + seed.group(1) + ","), r.out());
  }

  @Test
  void reproduceCommandNamesEveryFlagAndTheSeedAndRunsAgain() {
    CommandLine cli = new CommandLine(new SimCommand());
    cli.parseArgs("--nodes", "50", "--mode", "composite", "--exchange", "push-pull", "--loss", "0.1");
    String command = cli.<SimCommand>getCommand().reproduceCommand(123);

    assertTrue(command.startsWith("gossip sim --nodes=50 --mode=composite --exchange=push-pull "));
    assertTrue(command.contains(" --loss=0.1 ") && command.contains(" --seed=123 "), command);
    CliRun.Result again = gossip(command.replace("gossip ", "").replace("--format=table", "--format=json").split(" "));
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("\"seed\":123,\"residue\":0,"), again.out());
  }

  @Test
  void tableHasResidueAndTrafficRows() {
    CliRun.Result r = gossip("sim", "--nodes", "100", "--seed", "7", "--format", "table");

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().matches("(?s)metric +value\\R.*"), r.out());
    assertTrue(Pattern.compile("(?m)^residue +[0-9.e+-]+$").matcher(r.out()).find(), r.out());
    assertTrue(Pattern.compile("(?m)^traffic +[0-9.e+-]+$").matcher(r.out()).find(), r.out());
  }
}
