package io.gossipkit.cli;

import static io.gossipkit.cli.DemoCommandTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.GossipConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code gossip bench udp}: the report's shape and the bounds of its flags; no speed asserted. */
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
  void theLargestSizeTheHelpStatesIsTheOneThePackingAllows() {
    assertEquals(UdpBench.MAX_SIZE, UdpBench.maxSize(GossipConfig.lan()));
    String help = CliRun.gossip("bench", "udp", "--help").out().replaceAll("\\s+", " ");
    assertTrue(help.contains("0 to " + UdpBench.MAX_SIZE + ":"), help);
  }

  @Test
  void aSizeAboveTheLargestIsRefusedNamingTheLargest() {
    CliRun.Result r = CliRun.gossip("bench", "udp", "--size", "1290", "--seconds", "0.1");
    assertEquals(2, r.exitCode());
    assertEquals("gossip bench udp: --size must be in [0, 1289], was 1290 (a larger value makes"
        + " a message that does not fit one datagram of 1400 bytes)", r.err().strip());
    assertEquals("", r.out());
  }

  @Test
  @Timeout(60)
  void theLargestSizeRunsAndFillsADatagram() {
    String json = run("bench", "udp", "--seconds", "0.2", "--warmup", "0", "--size",
        Integer.toString(UdpBench.MAX_SIZE), "--format", "json");
    assertTrue(number(json, "encrypted_received") > 0, json);
    double packet = number(json, "encrypted_packet_bytes");
    assertTrue(packet > 1390 && packet <= 1400, json);
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
