package io.gossipkit.crypto.fuzz;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import io.gossipkit.crypto.handshake.AllocationMeter;
import io.gossipkit.crypto.handshake.FuzzInput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A fuzz target for {@link PacketProtector#open} of every protector {@link PacketProtectors#byName}
 * knows, plus {@link PacketProtector#plaintext()}.
 *
 * <p>Input: a selector byte (which protector, modulo their count), then up to {@value
 * #MAX_PACKETS} packets in {@link FuzzInput} layout, opened in order by one fresh receiver
 * ("bob"); so inputs exercise the replay windows as well as the parser. Keys and clock are fixed,
 * so packets a fixed sender ("alice") sealed once stay valid seeds for good.
 *
 * <p>Checked on every call: {@code open} returns or throws {@link AuthenticationException},
 * nothing else; it does not change its input; one call allocates at most 4 × the packet plus 64
 * KiB (rerun once warm before that counts, as in the handshake harness); what it returns (a
 * fresh array if it decrypts) a later {@code seal} by alice and {@code open} by bob carry back
 * unchanged; an encrypting protector never opens the same bytes twice (replay); and plaintext
 * returns exactly its input.
 */
final class ProtectorFuzzHarness {
  static final int MAX_PACKETS = 6;
  static final byte[] AD = "gossipkit/fuzz".getBytes(StandardCharsets.UTF_8);
  private static final Clock CLOCK = () -> 1_700_000_000_000L;
  private static final Keyring KEYS = Keyring.of(1, fixedKey());

  /** One protector under test: a fresh receiver per input, and the sender it must accept. */
  record Target(String name, Supplier<PacketProtector> receiver, PacketProtector sender) {}

  private final List<Target> targets = targetsUnderTest();
  private long worstAllocation;
  private String worstCall;

  private static byte[] fixedKey() {
    byte[] k = new byte[Keyring.KEY_BYTES];
    Arrays.fill(k, (byte) 0x42);
    return k;
  }

  /**
   * Every protector by name: the encrypting ones from {@link PacketProtectors#NAMES} over one fixed
   * keyring, sealing as "alice" and opening as "bob", and the plaintext protector.
   */
  static List<Target> targetsUnderTest() {
    List<Target> out = new ArrayList<>();
    for (String name : PacketProtectors.NAMES) {
      PacketProtector alice = PacketProtectors.byName(name, KEYS, NodeId.of("alice"), CLOCK);
      out.add(new Target(
          name, () -> PacketProtectors.byName(name, KEYS, NodeId.of("bob"), CLOCK), alice));
    }
    if (out.stream().noneMatch(t -> t.name().equals("plaintext"))) {
      out.add(new Target("plaintext", PacketProtector::plaintext, PacketProtector.plaintext()));
    }
    return out;
  }

  List<Target> targets() {
    return targets;
  }

  /** Runs one input and checks the contract; returns how many packets opened. */
  int run(byte[] data) {
    worstAllocation = 0;
    int opened = runOnce(data);
    if (data.length > 0) {
      long limit = 4L * data.length + 64 * 1024;
      if (worstAllocation > limit) {
        // First touch of a path loads classes on this thread; only a warm repeat counts.
        worstAllocation = 0;
        runOnce(data);
        AllocationMeter.check(worstAllocation, limit, worstCall);
      }
    }
    return opened;
  }

  private int runOnce(byte[] data) {
    if (data.length == 0) {
      return 0;
    }
    Target t = targets.get((data[0] & 0xff) % targets.size());
    PacketProtector bob = t.receiver().get();
    boolean encrypting = !t.name().equals("plaintext");
    Set<String> openedBefore = new HashSet<>();
    int opened = 0;
    for (byte[] packet : FuzzInput.messages(data, 1, MAX_PACKETS)) {
      byte[] before = packet.clone();
      long start = AllocationMeter.allocatedBytes();
      byte[] plain;
      try {
        plain = bob.open(packet, AD);
      } catch (AuthenticationException e) {
        record(AllocationMeter.allocatedBytes() - start, t.name() + ".open (rejected)");
        check(Arrays.equals(before, packet), t.name() + ".open changed its input");
        continue;
      } catch (RuntimeException | Error e) {
        throw new AssertionError(t.name() + ".open let " + e.getClass().getName() + " escape", e);
      }
      record(AllocationMeter.allocatedBytes() - start, t.name() + ".open (accepted)");
      check(Arrays.equals(before, packet), t.name() + ".open changed its input");
      // An encrypting protector returns new bytes; plaintext may return its input itself, which
      // the caller handed over (PacketProtector.open).
      check(!encrypting || plain != packet, t.name() + ".open must return a fresh array");
      if (!encrypting) {
        check(Arrays.equals(packet, plain), "plaintext.open must return its input unchanged");
      } else {
        check(openedBefore.add(Arrays.toString(packet)), t.name() + " opened a replayed packet");
      }
      opened++;
      try {
        byte[] again = bob.open(t.sender().seal(plain, AD), AD);
        check(Arrays.equals(plain, again), t.name() + " round trip changed the payload");
      } catch (AuthenticationException e) {
        throw new AssertionError(t.name() + " refused a fresh packet from its sender", e);
      }
    }
    return opened;
  }

  private void record(long used, String call) {
    if (used > worstAllocation) {
      worstAllocation = used;
      worstCall = call;
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new AssertionError(message);
    }
  }
}
