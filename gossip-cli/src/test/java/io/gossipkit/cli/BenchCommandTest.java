package io.gossipkit.cli;

import static io.gossipkit.cli.CliRun.gossip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Checks the shape of the output only: this machine is shared, so no speed is asserted. */
class BenchCommandTest {
  private static final Pattern ROW =
      Pattern.compile(
          "\\{\"aead\":\"([a-z0-9-]+)\",\"size\":(\\d+),"
              + "\"mb_per_s\":([0-9.]+),\"ops_per_s\":([0-9.]+),"
              + "\"cpu_mb_per_s\":([0-9.]+)\\}");


  @Test
  void cryptoJsonIsOneObjectWithTheSettingsAndACaseForEveryAeadWithPositiveFigures() {
    CliRun.Result r = gossip("bench", "crypto", "--seconds", "0.2", "--sizes", "64", "--format", "json");

    assertEquals(0, r.exitCode(), r.err());
    String json = r.out().strip();
    assertEquals(r.out(), json + System.lineSeparator(), "exactly one line on stdout");
    String head = "{\"seconds\":0.2,\"warmup\":1.0,\"cases\":[";
    assertTrue(json.startsWith(head + "{") && json.endsWith("}]}"), json);
    List<String> aeads = new ArrayList<>();
    Matcher m = ROW.matcher(json);
    int end = head.length();
    while (m.find()) {
      assertEquals(end, m.start(), "nothing between rows but commas: " + json);
      end = m.end() + 1;
      aeads.add(m.group(1));
      assertEquals("64", m.group(2), json);
      assertTrue(Double.parseDouble(m.group(3)) > 0, json);
      assertTrue(Double.parseDouble(m.group(4)) > 0, json);
      assertTrue(Double.parseDouble(m.group(5)) > 0, json);
    }
    assertEquals(json.length() - 1, end, "the cases end after the last row: " + json);
    assertEquals(
        List.of("aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "xchacha20-poly1305",
            "jdk-aes-128-gcm", "jdk-aes-256-gcm"),
        aeads);
  }

  @Test
  void cryptoTableHasAHeaderAndOneRowPerCase() {
    CliRun.Result r =
        gossip(
            "bench", "crypto", "--aead", "jdk-aes-256-gcm", "--sizes", "64,128", "--seconds",
            "0.05", "--warmup", "0");

    assertEquals(0, r.exitCode(), r.err());
    String[] lines = r.out().split(System.lineSeparator());
    assertEquals(4, lines.length, r.out());
    assertTrue(lines[0].matches("aead +size +mb_per_s +ops_per_s +cpu_mb_per_s"), lines[0]);
    assertTrue(lines[2].matches("jdk-aes-256-gcm +64 +[0-9.]+ +[0-9]+ +[0-9.]+"), lines[2]);
    assertTrue(lines[3].matches("jdk-aes-256-gcm +128 +[0-9.]+ +[0-9]+ +[0-9.]+"), lines[3]);
  }

  @Test
  void unknownAeadExitsTwoNamingTheAllowedValues() {
    CliRun.Result r = gossip("bench", "crypto", "--aead", "rot13");

    assertEquals(2, r.exitCode());
    assertTrue(
        r.err().contains("aes-128-gcm, aes-256-gcm, chacha20-poly1305, xchacha20-poly1305,"
            + " jdk-aes-128-gcm, jdk-aes-256-gcm"),
        r.err());
    assertEquals("", r.out());
  }

  @Test
  void sizeOutOfRangeExitsTwoNamingTheFlag() {
    CliRun.Result r = gossip("bench", "crypto", "--sizes", "0");

    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--sizes must each be 1 to 65536, was 0"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void benchWithoutSubcommandIsAUsageError() {
    assertEquals(2, gossip("bench").exitCode());
  }

  @Test
  void benchHelpListsCryptoAndUdp() {
    CliRun.Result r = gossip("bench", "--help");

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().matches("(?s).*\\n +crypto +.*\\n +udp +.*"), r.out());
  }
}
