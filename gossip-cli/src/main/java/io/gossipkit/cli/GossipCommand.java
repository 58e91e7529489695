package io.gossipkit.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The top-level {@code gossip} command. It only dispatches: every action is a subcommand.
 *
 * <pre>{@code
 * int exit = GossipCommand.commandLine().execute("sim", "--nodes", "1000");
 * }</pre>
 */
@Command(
    name = "gossip",
    mixinStandardHelpOptions = true,
    versionProvider = GossipCommand.Version.class,
    description = "Gossip Kit: epidemic (gossip) protocols for Java.",
    subcommands = {
      SimCommand.class, DemoCommand.class, NodeCommand.class, KeygenCommand.class, BenchCommand.class
    })
final class GossipCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /**
   * The command as {@link Main} runs it: a usage error prints picocli's message and a pointer to
   * {@code --help} instead of the whole usage, so the message stays on screen; an unknown command
   * is named on one line with the commands there are ({@link #unknownCommand}).
   */
  static CommandLine commandLine() {
    return new CommandLine(new GossipCommand())
        .setParameterExceptionHandler(GossipCommand::shortUsageError);
  }

  private static int shortUsageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String unknown = unknownCommand(e);
    if (unknown != null) {
      err.println(cmd.getColorScheme().errorText(unknown));
      err.flush();
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
    err.println(cmd.getColorScheme().errorText(e.getMessage()));
    if (!UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    }
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * For a word where a command with subcommands expected one ({@code gossip bogus}, {@code gossip
   * bench nope}): {@code "gossip: unknown command 'bogus' (commands: sim, demo, node, keygen,
   * bench)"}. Null for any other usage error, an unknown option among them.
   */
  static String unknownCommand(ParameterException e) {
    if (!(e instanceof UnmatchedArgumentException unmatched) || unmatched.isUnknownOption()) {
      return null;
    }
    CommandLine cmd = e.getCommandLine();
    List<String> words = unmatched.getUnmatched();
    if (cmd.getSubcommands().isEmpty() || words.isEmpty() || words.get(0).startsWith("-")
        || !cmd.getCommandSpec().positionalParameters().isEmpty()) {
      return null;
    }
    return cmd.getCommandSpec().qualifiedName() + ": unknown command '" + words.get(0)
        + "' (commands: " + String.join(", ", cmd.getSubcommands().keySet()) + ")";
  }

  @Override
  public Integer call() {
    // Picocli reports this like any usage error: message, usage, exit code 2.
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** The version from the jar's manifest, so it always matches the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = GossipCommand.class.getPackage().getImplementationVersion();
      return new String[] {"gossip " + (v == null ? "(development build)" : v)};
    }
  }
}
