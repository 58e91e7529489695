package io.gossipkit.crypto.fuzz;

import io.gossipkit.api.PacketProtector;
import io.gossipkit.crypto.handshake.AuthMode;
import io.gossipkit.crypto.handshake.ChannelFuzzHarness;
import io.gossipkit.crypto.handshake.FuzzInput;
import io.gossipkit.crypto.handshake.HandshakeFuzzHarness;
import io.gossipkit.crypto.handshake.HandshakeFuzzHarness.Stage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The hand-made starting inputs of each fuzz target: valid messages and frames in every state,
 * plus the classic bad cases (replays, reorderings, truncations, empty and oversized inputs). Both
 * the committed Jazzer corpus and the seeded mutation campaigns start from these.
 */
final class Seeds {
  private Seeds() {}

  static List<byte[]> handshake(HandshakeFuzzHarness h) {
    List<byte[]> out = new ArrayList<>();
    for (AuthMode mode : AuthMode.values()) {
      List<byte[]> valid = h.validMessages(mode);
      for (Stage stage : Stage.values()) {
        int sel = HandshakeFuzzHarness.selector(mode, stage);
        List<byte[]> seq = h.validSequence(mode, stage);
        out.add(FuzzInput.encode(sel, seq));
        // Each valid message in this state (mostly the wrong one), alone.
        for (byte[] m : valid) {
          out.add(FuzzInput.encode(sel, List.of(m)));
        }
        // The valid sequence with its last message replayed.
        List<byte[]> replay = new ArrayList<>(seq);
        replay.add(seq.get(seq.size() - 1));
        out.add(FuzzInput.encode(sel, replay));
        // The valid sequence reversed.
        List<byte[]> reversed = new ArrayList<>(seq);
        Collections.reverse(reversed);
        out.add(FuzzInput.encode(sel, reversed));
        // Header only, empty, oversized.
        byte modeByte = (byte) (mode == AuthMode.PSK ? 1 : 2);
        out.add(FuzzInput.encode(sel, List.of(new byte[] {1, 1, modeByte, 0})));
        out.add(FuzzInput.encode(sel, List.of(new byte[0])));
        out.add(FuzzInput.encode(sel, List.of(new byte[513])));
      }
    }
    return out;
  }

  static List<byte[]> channel(ChannelFuzzHarness h) {
    List<byte[]> out = new ArrayList<>();
    List<byte[]> frames = h.genuineFrames(ChannelFuzzHarness.MAX_FRAMES);
    out.add(FuzzInput.encode(0, frames));
    out.add(FuzzInput.encode(0, frames.subList(0, 1)));
    out.add(FuzzInput.encode(0, frames.subList(0, 4)));
    List<byte[]> replayed = new ArrayList<>(frames.subList(0, 3));
    replayed.add(frames.get(1));
    replayed.add(frames.get(3));
    out.add(FuzzInput.encode(0, replayed));
    List<byte[]> swapped = new ArrayList<>(frames.subList(0, 5));
    Collections.swap(swapped, 2, 3);
    out.add(FuzzInput.encode(0, swapped));
    out.add(FuzzInput.encode(0, List.of(new byte[0], new byte[23], new byte[24], new byte[300])));
    return out;
  }

  static List<byte[]> protector(ProtectorFuzzHarness h) {
    List<byte[]> out = new ArrayList<>();
    byte[] text = "gossip packet".getBytes(StandardCharsets.US_ASCII);
    for (int sel = 0; sel < h.targets().size(); sel++) {
      PacketProtector alice = h.targets().get(sel).sender();
      byte[] empty = alice.seal(new byte[0], ProtectorFuzzHarness.AD);
      byte[] small = alice.seal(text, ProtectorFuzzHarness.AD);
      byte[] large = alice.seal(new byte[1000], ProtectorFuzzHarness.AD);
      out.add(FuzzInput.encode(sel, List.of(small)));
      out.add(FuzzInput.encode(sel, List.of(empty, small, large)));
      out.add(FuzzInput.encode(sel, List.of(small, small)));
      out.add(FuzzInput.encode(sel, List.of(large, empty)));
      out.add(FuzzInput.encode(sel, List.of(text)));
      out.add(FuzzInput.encode(sel, List.of(new byte[0], new byte[1500])));
    }
    return out;
  }
}
