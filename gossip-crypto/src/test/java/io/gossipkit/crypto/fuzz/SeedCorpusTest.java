package io.gossipkit.crypto.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.crypto.handshake.ChannelFuzzHarness;
import io.gossipkit.crypto.handshake.HandshakeFuzzHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The committed Jazzer corpus: what Jazzer's regression mode replays in every build.
 *
 * <p>Each corpus is the hand-made {@link Seeds} plus deterministic {@link Mutator} mutants of them.
 * The corpus is checked against the generator so that a protocol change that invalidates the
 * valid-message seeds is noticed; regenerate with
 *
 * <pre>
 * mvn -pl gossip-crypto test -Dtest=SeedCorpusTest#writeCorpus -Dgossipkit.writeSeeds=true
 * </pre>
 *
 * (run from the repository root; files are written under {@code
 * gossip-crypto/src/test/resources/io/gossipkit/crypto/fuzz/}). Findings that Jazzer saves next to
 * them ({@code crash-*}) are kept: the check ignores files not named {@code seed-*}.
 */
class SeedCorpusTest {
  private static final Path ROOT = Paths.get("src/test/resources/io/gossipkit/crypto/fuzz");
  /**
   * Sealed packets carry a random session id, so this corpus differs each time it is generated:
   * only its size is checked. Its packets stay valid because the harness's keys and clock are
   * fixed.
   */
  private static final String PROTECTOR_DIR = "PacketProtectorFuzzTestInputs/fuzzOpen";

  /** Directory (relative to {@link #ROOT}) to the seeds it must hold. */
  private static Map<String, List<byte[]>> expected() {
    Map<String, List<byte[]>> out = new LinkedHashMap<>();
    out.put("HandshakeFuzzTestInputs/fuzzHandshake",
        withMutants(Seeds.handshake(new HandshakeFuzzHarness()), 200, 11));
    out.put("SecureChannelFuzzTestInputs/fuzzOpen",
        withMutants(Seeds.channel(new ChannelFuzzHarness()), 100, 12));
    out.put(PROTECTOR_DIR, withMutants(Seeds.protector(new ProtectorFuzzHarness()), 100, 13));
    return out;
  }

  private static List<byte[]> withMutants(List<byte[]> seeds, int total, long seed) {
    List<byte[]> out = new ArrayList<>(seeds);
    Mutator m = new Mutator(seed, 2048);
    while (out.size() < total) {
      out.add(m.mutate(seeds));
    }
    return out;
  }

  private static String name(int i) {
    return String.format("seed-%03d", i);
  }

  @Test
  void committedCorpusMatchesTheGenerator() throws IOException {
    for (Map.Entry<String, List<byte[]>> e : expected().entrySet()) {
      Path dir = ROOT.resolve(e.getKey());
      assertTrue(Files.isDirectory(dir), "missing corpus " + dir + "; regenerate (see Javadoc)");
      long committed;
      try (Stream<Path> files = Files.list(dir)) {
        committed = files.filter(p -> p.getFileName().toString().startsWith("seed-")).count();
      }
      assertEquals(e.getValue().size(), committed, dir + ": seed count; regenerate (see Javadoc)");
      if (e.getKey().equals(PROTECTOR_DIR)) {
        continue;
      }
      for (int i = 0; i < e.getValue().size(); i++) {
        assertArrayEquals(e.getValue().get(i), Files.readAllBytes(dir.resolve(name(i))),
            dir.resolve(name(i)) + " is stale; regenerate (see Javadoc)");
      }
    }
  }

  @Test
  void committedSealedPacketSeedsStillOpen() throws IOException {
    // The first seed of each protector is one packet alice sealed; if none opens any more, the
    // packet format or the harness's keys changed and the corpus has gone stale.
    ProtectorFuzzHarness harness = new ProtectorFuzzHarness();
    Path dir = ROOT.resolve(PROTECTOR_DIR);
    int seedsPerTarget = Seeds.protector(harness).size() / harness.targets().size();
    for (int t = 0; t < harness.targets().size(); t++) {
      byte[] seed = Files.readAllBytes(dir.resolve(name(t * seedsPerTarget)));
      assertEquals(1, harness.run(seed),
          harness.targets().get(t).name() + ": committed sealed packet no longer opens;"
              + " regenerate (see Javadoc)");
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "gossipkit.writeSeeds", matches = "true")
  void writeCorpus() throws IOException {
    for (Map.Entry<String, List<byte[]>> e : expected().entrySet()) {
      Path dir = ROOT.resolve(e.getKey());
      Files.createDirectories(dir);
      try (Stream<Path> old = Files.list(dir)) {
        for (Path p : (Iterable<Path>) old::iterator) {
          if (p.getFileName().toString().startsWith("seed-")) {
            Files.delete(p);
          }
        }
      }
      for (int i = 0; i < e.getValue().size(); i++) {
        Files.write(dir.resolve(name(i)), e.getValue().get(i));
      }
    }
  }
}
