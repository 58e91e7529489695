/**
 * The {@code gossip} command line: {@link io.gossipkit.cli.Main} and its subcommands, built on
 * picocli. {@code gossip sim} runs the testkit's simulator and prints the literature's metrics.
 */
package io.gossipkit.cli;
