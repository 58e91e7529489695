package io.gossipkit.crypto.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gossipkit.crypto.handshake.ChannelFuzzHarness;
import io.gossipkit.crypto.handshake.FuzzInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link io.gossipkit.crypto.handshake.SecureChannel#open} with sequences of frames;
 * {@link ChannelFuzzHarness} states the input layout and the checks (only genuine frames open, in
 * order; rejections change nothing; bounded allocation; the channel stays usable).
 *
 * <p>Runs as {@link HandshakeFuzzTest} says: the committed corpus in {@code
 * src/test/resources/io/gossipkit/crypto/fuzz/SecureChannelFuzzTestInputs/fuzzOpen/} in every
 * build, {@link #seededMutationCampaign()} for a fixed count, and coverage-guided locally with
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl gossip-crypto test -Dtest=SecureChannelFuzzTest#fuzzOpen \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class SecureChannelFuzzTest {
  static final int CAMPAIGN = 20_000;
  private static final ChannelFuzzHarness HARNESS = new ChannelFuzzHarness();

  @FuzzTest(maxDuration = "5m")
  void fuzzOpen(byte[] data) {
    HARNESS.run(data);
  }

  @Test
  void seededMutationCampaign() {
    List<byte[]> seeds = Seeds.channel(HARNESS);
    Mutator mutator = new Mutator(0xFACADE, 4096);
    int opened = 0;
    for (int n = 0; n < CAMPAIGN; n++) {
      byte[] input = mutator.mutate(seeds);
      try {
        opened += HARNESS.run(input);
      } catch (AssertionError e) {
        throw new AssertionError("mutant " + n + " failed: " + HandshakeFuzzTest.hex(input), e);
      }
    }
    assertTrue(opened > CAMPAIGN / 10, "mutants kept some genuine frames: " + opened);
  }

  @Test
  void genuineFramesAllOpen() {
    int n = ChannelFuzzHarness.MAX_FRAMES;
    assertEquals(n, HARNESS.run(FuzzInput.encode(0, HARNESS.genuineFrames(n))));
  }
}
