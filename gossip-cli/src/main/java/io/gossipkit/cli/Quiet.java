package io.gossipkit.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the library's per-node INFO lines (socket bound, node started) off the terminal of
 * commands that start many nodes, unless {@code GOSSIP_LOG=info} asks for them. Warnings (drops,
 * refused packets) still show.
 */
final class Quiet {
  /** Held so the level set here is not lost when the logger is garbage collected. */
  private static final Logger ROOT = Logger.getLogger("io.gossipkit");

  private Quiet() {}

  /** Sets the library's log level to WARNING unless the environment asks for INFO. */
  static void nodeLogs() {
    if (!"info".equalsIgnoreCase(System.getenv("GOSSIP_LOG"))) {
      ROOT.setLevel(Level.WARNING);
    }
  }
}
