package io.gossipkit.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plain-TCP baseline moves exactly what it is asked to and reports it; no speed asserted. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawTcpThroughputTest {
  @Test
  void movesTheRequestedBytesIncludingAShortLastChunk() throws Exception {
    long total = (8L << 20) + 123;
    RawTcpThroughput.Result r = RawTcpThroughput.measure(total, 64 << 10, Duration.ofSeconds(30));
    assertEquals(total, r.bytes());
    assertTrue(r.nanos() > 0);
    assertTrue(r.megabytesPerSecond() > 0);
    assertTrue(r.toJson().startsWith("{\"bytes\":8388731,\"nanos\":"), r.toJson());
  }

  @Test
  void checksItsArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> RawTcpThroughput.measure(0, 1, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> RawTcpThroughput.measure(1, (16 << 20) + 1, Duration.ofSeconds(1)));
  }
}
