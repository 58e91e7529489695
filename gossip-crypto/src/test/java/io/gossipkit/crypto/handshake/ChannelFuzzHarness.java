package io.gossipkit.crypto.handshake;

import io.gossipkit.api.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fuzz target for {@link SecureChannel#open}: a fresh receiver per input takes up to {@value
 * #MAX_FRAMES} frames in {@link FuzzInput} layout (the selector byte is ignored).
 *
 * <p>Checked: {@code open} returns or throws {@link AuthenticationException}, nothing else; it
 * allocates at most {@link #ALLOCATION_LIMIT} bytes; whatever it returns is the genuine plaintext
 * of the next frame (forgeries never open); and after any input the channel still opens the next
 * genuine frame, at the epoch the rekey policy predicts.
 */
public final class ChannelFuzzHarness {
  /** Frames per input. */
  public static final int MAX_FRAMES = 12;
  /** Largest plaintext; small so inputs can hold several frames. */
  public static final int MAX_FRAME_BYTES = 256;
  /** Rekeys every 3 frames or 200 bytes, so fuzzing crosses epochs often. */
  public static final RekeyPolicy POLICY = RekeyPolicy.of(200, 3);
  /** Per-call allocation bound: 4 × the largest frame plus 64 KiB. */
  public static final long ALLOCATION_LIMIT =
      4L * (MAX_FRAME_BYTES + SecureChannel.OVERHEAD_BYTES) + 64 * 1024;

  private final List<byte[]> plaintexts = new ArrayList<>();
  private final List<byte[]> frames = new ArrayList<>();
  private final long[] epochAfter;

  /** Seals the genuine frames once (deterministic: fixed keys, counters as nonces). */
  public ChannelFuzzHarness() {
    SecureChannel sender = Fixtures.channelPair(POLICY, MAX_FRAME_BYTES)[0];
    epochAfter = new long[MAX_FRAMES + 2];
    for (int i = 0; i <= MAX_FRAMES; i++) {
      byte[] p = new byte[(i * 37) % 120];
      Arrays.fill(p, (byte) i);
      System.arraycopy(("frame " + i).getBytes(StandardCharsets.US_ASCII), 0, p, 0,
          Math.min(p.length, 7));
      plaintexts.add(p);
      frames.add(sender.seal(p));
      epochAfter[i + 1] = sender.sendEpoch();
    }
    for (int i = 0; i < 3; i++) {
      run(FuzzInput.encode(0, genuineFrames(MAX_FRAMES)));
      run(FuzzInput.encode(0, List.of(new byte[30])));
    }
  }

  /** The first {@code n} genuine frames, in order. */
  public List<byte[]> genuineFrames(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(frames.get(i).clone());
    }
    return out;
  }

  /**
   * Runs one input and checks the contract; as in {@link HandshakeFuzzHarness#run}, an input over
   * the allocation bound is run again warm before it counts as a finding.
   *
   * @return how many frames opened
   */
  public int run(byte[] data) {
    worstAllocation = 0;
    int opened = runOnce(data);
    if (worstAllocation > ALLOCATION_LIMIT) {
      worstAllocation = 0;
      runOnce(data);
      AllocationMeter.check(worstAllocation, ALLOCATION_LIMIT, "open");
    }
    return opened;
  }

  private long worstAllocation;

  private int runOnce(byte[] data) {
    SecureChannel receiver = Fixtures.channelPair(POLICY, MAX_FRAME_BYTES)[1];
    int opened = 0;
    for (byte[] frame : FuzzInput.messages(data, Math.min(1, data.length), MAX_FRAMES)) {
      long start = AllocationMeter.allocatedBytes();
      try {
        byte[] plain = receiver.open(frame);
        worstAllocation = Math.max(worstAllocation, AllocationMeter.allocatedBytes() - start);
        if (!Arrays.equals(plain, plaintexts.get(opened))) {
          throw new AssertionError("frame " + opened + " opened to something not sealed");
        }
        opened++;
      } catch (AuthenticationException e) {
        worstAllocation = Math.max(worstAllocation, AllocationMeter.allocatedBytes() - start);
      } catch (RuntimeException | Error e) {
        throw new AssertionError("open let " + e.getClass().getName() + " escape", e);
      }
    }
    if (receiver.receiveEpoch() != epochAfter[opened]) {
      throw new AssertionError(
          "after " + opened + " frames the epoch is " + receiver.receiveEpoch() + ", expected "
              + epochAfter[opened]);
    }
    try {
      // The channel is still usable: the next genuine frame opens.
      if (!Arrays.equals(plaintexts.get(opened), receiver.open(frames.get(opened)))) {
        throw new AssertionError("next genuine frame opened wrongly");
      }
    } catch (AuthenticationException e) {
      throw new AssertionError("channel unusable after input: " + e.getMessage(), e);
    }
    return opened;
  }
}
