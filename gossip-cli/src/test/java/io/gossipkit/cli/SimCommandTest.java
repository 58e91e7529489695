package io.gossipkit.cli;

import static io.gossipkit.cli.CliRun.gossip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
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
