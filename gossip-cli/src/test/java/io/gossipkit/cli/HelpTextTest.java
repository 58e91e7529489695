package io.gossipkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code --help} of every command, subcommands included, as a user reads it. */
class HelpTextTest {

  /**
   * picocli formats descriptions with {@code String.format}: a bare {@code %} (as in "10%") makes
   * it print a "picocli WARN" to standard error and show the text unformatted, every time.
   */
  @Test
  void everyCommandsHelpRendersWithoutPicocliFormatWarnings() {
    List<CommandLine> commands = new ArrayList<>();
    collect(GossipCommand.commandLine(), commands);
    assertTrue(commands.size() > 5, "found only " + commands.size() + " commands");
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> warned = new ArrayList<>();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      for (CommandLine command : commands) {
        captured.reset();
        String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertFalse(usage.isBlank(), command.getCommandSpec().qualifiedName());
        String err = captured.toString(StandardCharsets.UTF_8);
        if (err.contains("picocli WARN")) {
          warned.add(command.getCommandSpec().qualifiedName() + ": " + err);
        }
      }
    } finally {
      System.setErr(stderr);
    }
    assertEquals(List.of(), warned);
  }

  /** Every command that does something (all but the dispatchers gossip and bench) says its exit codes. */
  @Test
  void everyCommandThatRunsListsItsExitCodes() {
    List<CommandLine> commands = new ArrayList<>();
    collect(GossipCommand.commandLine(), commands);
    List<String> without = new ArrayList<>();
    for (CommandLine command : commands) {
      String name = command.getCommandSpec().qualifiedName();
      if (name.equals("gossip") || name.equals("gossip bench")) {
        continue;
      }
      if (!command.getUsageMessage(CommandLine.Help.Ansi.OFF).contains("Exit codes:")) {
        without.add(name);
      }
    }
    assertEquals(List.of(), without);
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    for (CommandLine sub : command.getSubcommands().values()) {
      // Aliases map to the same CommandLine; list each once.
      if (!into.contains(sub)) {
        collect(sub, into);
      }
    }
  }
}
