package io.gossipkit.crypto.handshake;

import io.gossipkit.api.Clock;

/** A clock that moves only when a test says so. */
public final class ManualClock implements Clock {
  private long now;

  /** A clock reading {@code start}. */
  public ManualClock(long start) {
    this.now = start;
  }

  @Override
  public synchronized long millis() {
    return now;
  }

  /** Moves the clock forward by {@code millis}. */
  public synchronized void advance(long millis) {
    now += millis;
  }

  /** Sets the clock to {@code millis}, forwards or back. */
  public synchronized void set(long millis) {
    now = millis;
  }
}
