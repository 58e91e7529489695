package io.gossipkit.cli;

import static io.gossipkit.cli.DemoCommandTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

class UdpBenchTest {
  @Test
  @Timeout(60)
  void jsonHasThreePositiveRates() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new GossipCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute("bench", "udp", "--seconds", "0.3", "--format", "json");
    assertEquals(0, exit, err.toString());
    String json = out.toString().strip();
    assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
    assertTrue(number(json, "encrypted_msgs_per_s") > 0, json);
    assertTrue(number(json, "plaintext_msgs_per_s") > 0, json);
    assertTrue(number(json, "raw_msgs_per_s") > 0, json);
    assertEquals(64, number(json, "size"));
    assertEquals(0.3, number(json, "seconds"));
  }
}
