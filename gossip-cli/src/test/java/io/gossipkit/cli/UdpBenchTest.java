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
  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new GossipCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    assertEquals(0, exit, err.toString());
    return out.toString().strip();
  }

  @Test
  @Timeout(60)
  void jsonHasThreePositiveRates() {
    String json =
        run("bench", "udp", "--seconds", "0.3", "--warmup", "0.1", "--format", "json");
    assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
    assertTrue(number(json, "encrypted_msgs_per_s") > 0, json);
    assertTrue(number(json, "plaintext_msgs_per_s") > 0, json);
    assertTrue(number(json, "raw_msgs_per_s") > 0, json);
    assertEquals(64, number(json, "size"));
    assertEquals(0.3, number(json, "seconds"));
  }

  @Test
  @Timeout(60)
  void aBurstIsPackedAsANodePacksItAndRawCarriesTheSamePackets() {
    String json = run("bench", "udp", "--seconds", "0.3", "--warmup", "0.1", "--burst", "16",
        "--format", "json");

    assertEquals(16, number(json, "burst"));
    // 16 rumors of ~90 bytes: at least two share each 1400-byte datagram.
    double perPacket = number(json, "encrypted_msgs_per_packet");
    assertTrue(perPacket >= 2, json);
    assertEquals(perPacket, number(json, "raw_msgs_per_packet"), json);
    assertEquals(number(json, "encrypted_packet_bytes"), number(json, "raw_packet_bytes"), json);
    assertTrue(number(json, "encrypted_packet_bytes") <= 1400, json);
    assertTrue(number(json, "encrypted_msgs_per_s") > 0, json);
  }
}
