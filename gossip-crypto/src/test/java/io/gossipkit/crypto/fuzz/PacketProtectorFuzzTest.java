package io.gossipkit.crypto.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gossipkit.crypto.PacketProtectors;
import io.gossipkit.crypto.handshake.FuzzInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link io.gossipkit.api.PacketProtector#open} of the AES-256-GCM, ChaCha20-Poly1305 and
 * XChaCha20-Poly1305 protectors of {@link PacketProtectors} and of the plaintext protector; {@link
 * ProtectorFuzzHarness} states the input layout and the checks.
 *
 * <p>Runs as {@link HandshakeFuzzTest} says: the committed corpus in {@code
 * src/test/resources/io/gossipkit/crypto/fuzz/PacketProtectorFuzzTestInputs/fuzzOpen/} in every
 * build, {@link #seededMutationCampaign()} for a fixed count, and coverage-guided locally with
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl gossip-crypto test -Dtest=PacketProtectorFuzzTest#fuzzOpen \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class PacketProtectorFuzzTest {
  static final int CAMPAIGN = 20_000;
  private static final ProtectorFuzzHarness HARNESS = new ProtectorFuzzHarness();

  @FuzzTest(maxDuration = "5m")
  void fuzzOpen(byte[] data) {
    HARNESS.run(data);
  }

  @Test
  void seededMutationCampaign() {
    List<byte[]> seeds = Seeds.protector(HARNESS);
    Mutator mutator = new Mutator(0xBEEF, 4096);
    int opened = 0;
    for (int n = 0; n < CAMPAIGN; n++) {
      byte[] input = mutator.mutate(seeds);
      try {
        opened += HARNESS.run(input);
      } catch (AssertionError e) {
        throw new AssertionError("mutant " + n + " failed: " + HandshakeFuzzTest.hex(input), e);
      }
    }
    assertTrue(opened > CAMPAIGN / 10, "mutants kept some genuine packets: " + opened);
  }

  @Test
  void fuzzesEveryNamedProtector() {
    assertEquals(
        PacketProtectors.NAMES.size() + (PacketProtectors.NAMES.contains("plaintext") ? 0 : 1),
        HARNESS.targets().size());
  }

  @Test
  void sealedSeedsOpenOnceAndTheirReplaysAreRefused() {
    for (int sel = 0; sel < HARNESS.targets().size(); sel++) {
      ProtectorFuzzHarness.Target t = HARNESS.targets().get(sel);
      byte[] packet = t.sender().seal(new byte[] {1, 2, 3}, ProtectorFuzzHarness.AD);
      boolean encrypting = !t.name().equals("plaintext");
      assertEquals(encrypting ? 1 : 2,
          HARNESS.run(FuzzInput.encode(sel, List.of(packet, packet))), t.name());
    }
  }
}
