package io.gossipkit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code gossip} command in-process, as {@link Main} would, capturing what it prints. */
final class CliRun {
  /** Exit code and everything printed on standard output and standard error. */
  record Result(int exitCode, String out, String err) {}

  private CliRun() {}

  /** Runs {@code gossip args...}. */
  static Result gossip(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = GossipCommand.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new Result(exit, out.toString(), err.toString());
  }
}
