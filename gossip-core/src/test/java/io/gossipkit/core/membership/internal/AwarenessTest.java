package io.gossipkit.core.membership.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AwarenessTest {
  @Test
  void scoreStaysWithinZeroAndTheMaximumAndStretchesTimeouts() {
    Awareness a = new Awareness(8);
    a.apply(-3);
    assertEquals(0, a.score());
    assertEquals(500, a.scale(500));
    a.apply(3);
    assertEquals(2000, a.scale(500));
    a.apply(100);
    assertEquals(8, a.score());
    assertEquals(4500, a.scale(500));
    a.apply(-1);
    assertEquals(7, a.score());
  }
}
