package io.gossipkit.crypto.handshake;

import io.gossipkit.api.NodeId;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Shared helpers for handshake tests: deterministic keys, configs and a driver that runs both
 * sides of a handshake.
 */
public final class Fixtures {
  /** The cluster label the tests use. */
  public static final String LABEL = "test-cluster";
  /** Node ids the tests use. */
  public static final NodeId A = NodeId.of("node-a");
  /** The second node. */
  public static final NodeId B = NodeId.of("node-b");
  /** A third node, known to nobody's directory unless a test adds it. */
  public static final NodeId C = NodeId.of("node-c");

  private Fixtures() {}

  /** A 32-byte key filled with {@code fill}. */
  public static byte[] psk(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  /** A deterministic Ed25519 private key for {@code node}. */
  public static byte[] identityKey(NodeId node) {
    return Ed25519Keys.generatePrivateKey(new DeterministicRandom(node.value().hashCode()));
  }

  /** The public key matching {@link #identityKey}. */
  public static byte[] publicKey(NodeId node) {
    return Ed25519Keys.publicKey(identityKey(node));
  }

  /** A directory knowing A and B. */
  public static KeyDirectory directoryAb() {
    return KeyDirectory.of(Map.of(A, publicKey(A), B, publicKey(B)));
  }

  /** A builder for {@code node} in PSK mode with {@code psk}, a manual clock and seeded entropy. */
  public static HandshakeConfig.Builder pskBuilder(NodeId node, byte[] psk, ManualClock clock) {
    return HandshakeConfig.builder()
        .clusterLabel(LABEL)
        .localNode(node)
        .preSharedKey(psk)
        .clock(clock)
        .random(new DeterministicRandom(node.value().hashCode() * 31L + 7));
  }

  /** A builder for {@code node} in ED25519 mode with its own key and directory A,B. */
  public static HandshakeConfig.Builder identityBuilder(NodeId node, ManualClock clock) {
    return HandshakeConfig.builder()
        .clusterLabel(LABEL)
        .localNode(node)
        .identity(identityKey(node), directoryAb())
        .clock(clock)
        .random(new DeterministicRandom(node.value().hashCode() * 31L + 11));
  }

  /** A PSK config with tweaks. */
  public static HandshakeConfig psk(
      NodeId node, ManualClock clock, Consumer<HandshakeConfig.Builder> tweak) {
    HandshakeConfig.Builder b = pskBuilder(node, psk(7), clock);
    tweak.accept(b);
    return b.build();
  }

  /** An ED25519 config with tweaks. */
  public static HandshakeConfig identity(
      NodeId node, ManualClock clock, Consumer<HandshakeConfig.Builder> tweak) {
    HandshakeConfig.Builder b = identityBuilder(node, clock);
    tweak.accept(b);
    return b.build();
  }

  /** The three messages of one handshake, and both sides after it. */
  public record Run(
      Handshake initiator, Handshake responder, byte[] init, byte[] response, byte[] finish) {}

  /** Runs a whole handshake between fresh sides made from the two configs. */
  public static Run handshake(HandshakeConfig initiatorCfg, HandshakeConfig responderCfg)
      throws HandshakeException {
    Handshake i = Handshake.initiator(initiatorCfg);
    Handshake r = Handshake.responder(responderCfg);
    byte[] init = i.start();
    byte[] response = r.receive(init).orElseThrow();
    byte[] finish = i.receive(response).orElseThrow();
    Optional<byte[]> none = r.receive(finish);
    if (none.isPresent()) {
      throw new AssertionError("FINISH must not have a reply");
    }
    return new Run(i, r, init, response, finish);
  }

  /** A connected channel pair from fixed keys, without a handshake (for channel fuzzing). */
  public static SecureChannel[] channelPair(RekeyPolicy policy, int maxFrameBytes) {
    byte[] sid = new byte[SecureChannel.SESSION_ID_BYTES];
    Arrays.fill(sid, (byte) 0x5a);
    byte[] k1 = psk(1);
    byte[] k2 = psk(2);
    SecureChannel initiator =
        new SecureChannel(B, AuthMode.PSK, sid, true, k1, k2, policy, maxFrameBytes);
    SecureChannel responder =
        new SecureChannel(A, AuthMode.PSK, sid, false, k2, k1, policy, maxFrameBytes);
    return new SecureChannel[] {initiator, responder};
  }
}
