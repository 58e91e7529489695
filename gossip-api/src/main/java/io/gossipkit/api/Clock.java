package io.gossipkit.api;

/**
 * The only source of time the engine reads.
 *
 * <p>Production nodes use {@link #system()}; the simulator supplies virtual time so a run
 * reproduces exactly from its seed. Protocol code never calls {@code System.currentTimeMillis()}
 * or {@code System.nanoTime()} itself.
 */
@FunctionalInterface
public interface Clock {
  /** Milliseconds since the epoch (wall time in production, virtual time in simulation). */
  long millis();

  /** The system wall clock. */
  static Clock system() {
    return System::currentTimeMillis;
  }
}
