package io.gossipkit.cli;

/**
 * The entry point of {@code gossip.jar}: runs {@link GossipCommand} and exits with picocli's exit
 * code (0 success, 1 failure, 2 usage error).
 *
 * <pre>{@code
 * java -jar gossip-cli/target/gossip.jar sim --nodes 1000 --format json
 * }</pre>
 */
public final class Main {
  private Main() {}

  /** Runs the {@code gossip} command with {@code args} and exits. */
  public static void main(String[] args) {
    System.exit(GossipCommand.commandLine().execute(args));
  }
}
