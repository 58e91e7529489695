package io.gossipkit.crypto;

import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.crypto.internal.AeadProtector;
import io.gossipkit.crypto.internal.KeyEntry;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Creates the encrypting {@link PacketProtector}s: AES-128-GCM (the default), AES-256-GCM,
 * ChaCha20-Poly1305 and XChaCha20-Poly1305 over a {@link Keyring}, with a replay window and
 * freshness check per sender.
 *
 * <pre>{@code
 * Keyring keys = Keyring.load(Path.of("cluster.key"));
 * PacketProtector protector = PacketProtectors.defaultProtector(keys, nodeId, Clock.system());
 * GossipNode node = GossipNodes.builder().id(nodeId).protector(protector)...build();
 * }</pre>
 *
 * <p>Every protector is thread-safe and meant for exactly one node: it seals as {@code self},
 * under a random session of its own, and opens packets from every other holder of the keys. Give
 * each node its own instance over its own (or a shared) keyring. The wire layout, nonce scheme and
 * threat model are in {@code docs/security.md}.
 *
 * <p>Key tags are checked once, here: a keyring holding a key tagged for another algorithm is
 * refused. Keys installed later are not re-checked; the key derivation binds the algorithm name,
 * so one key used by two algorithms still never shares a (key, nonce) pair.
 */
public final class PacketProtectors {
  /** Bytes every sealed packet adds besides the sender id: header 30, tag 16, id length 1, time 8. */
  public static final int FIXED_OVERHEAD_BYTES = AeadProtector.FIXED_OVERHEAD_BYTES;

  /**
   * The algorithm {@link #defaultProtector} seals with: AES-128-GCM, the fastest of the four on
   * CPUs with AES instructions, at 128-bit security; {@code docs/security.md} gives the figures
   * and when to choose another.
   */
  public static final AeadAlgorithm DEFAULT_ALGORITHM = AeadAlgorithm.AES_128_GCM;

  /** The names {@link #byName} knows, the default first. */
  public static final List<String> NAMES = List.of(
      AeadAlgorithm.AES_128_GCM.wireName(),
      AeadAlgorithm.AES_256_GCM.wireName(),
      AeadAlgorithm.CHACHA20_POLY1305.wireName(),
      AeadAlgorithm.XCHACHA20_POLY1305.wireName(),
      "plaintext");

  private PacketProtectors() {}

  /** The {@link #DEFAULT_ALGORITHM} with the default {@link ReplayPolicy}. */
  public static AeadPacketProtector defaultProtector(Keyring keys, NodeId self, Clock clock) {
    return create(DEFAULT_ALGORITHM, keys, self, clock, ReplayPolicy.defaults());
  }

  /** AES-128-GCM with the default {@link ReplayPolicy}. */
  public static AeadPacketProtector aes128Gcm(Keyring keys, NodeId self, Clock clock) {
    return create(AeadAlgorithm.AES_128_GCM, keys, self, clock, ReplayPolicy.defaults());
  }

  /** AES-128-GCM enforcing {@code policy}. */
  public static AeadPacketProtector aes128Gcm(Keyring keys, NodeId self, Clock clock,
      ReplayPolicy policy) {
    return create(AeadAlgorithm.AES_128_GCM, keys, self, clock, policy);
  }

  /** AES-256-GCM with the default {@link ReplayPolicy}. */
  public static AeadPacketProtector aes256Gcm(Keyring keys, NodeId self, Clock clock) {
    return create(AeadAlgorithm.AES_256_GCM, keys, self, clock, ReplayPolicy.defaults());
  }

  /** AES-256-GCM enforcing {@code policy}. */
  public static AeadPacketProtector aes256Gcm(Keyring keys, NodeId self, Clock clock,
      ReplayPolicy policy) {
    return create(AeadAlgorithm.AES_256_GCM, keys, self, clock, policy);
  }

  /** ChaCha20-Poly1305 with the default {@link ReplayPolicy}. */
  public static AeadPacketProtector chaCha20Poly1305(Keyring keys, NodeId self, Clock clock) {
    return create(AeadAlgorithm.CHACHA20_POLY1305, keys, self, clock, ReplayPolicy.defaults());
  }

  /** ChaCha20-Poly1305 enforcing {@code policy}. */
  public static AeadPacketProtector chaCha20Poly1305(Keyring keys, NodeId self, Clock clock,
      ReplayPolicy policy) {
    return create(AeadAlgorithm.CHACHA20_POLY1305, keys, self, clock, policy);
  }

  /** XChaCha20-Poly1305 with the default {@link ReplayPolicy}. */
  public static AeadPacketProtector xChaCha20Poly1305(Keyring keys, NodeId self, Clock clock) {
    return create(AeadAlgorithm.XCHACHA20_POLY1305, keys, self, clock, ReplayPolicy.defaults());
  }

  /** XChaCha20-Poly1305 enforcing {@code policy}. */
  public static AeadPacketProtector xChaCha20Poly1305(Keyring keys, NodeId self, Clock clock,
      ReplayPolicy policy) {
    return create(AeadAlgorithm.XCHACHA20_POLY1305, keys, self, clock, policy);
  }

  /**
   * A protector for {@code algorithm}.
   *
   * @throws IllegalArgumentException if a key in {@code keys} is tagged for another algorithm
   */
  public static AeadPacketProtector create(AeadAlgorithm algorithm, Keyring keys, NodeId self,
      Clock clock, ReplayPolicy policy) {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(policy, "policy");
    for (KeyEntry e : keys.snapshot().entries().values()) {
      if (e.algorithm() != null && e.algorithm() != algorithm) {
        throw new IllegalArgumentException("key " + e.id() + " is tagged " + e.algorithm()
            + " but the protector is " + algorithm + "; use " + e.algorithm()
            + " or a key generated for " + algorithm);
      }
    }
    return new AeadProtector(algorithm, keys::snapshot, self, clock, policy);
  }

  /** {@link #byName(String, Keyring, NodeId, Clock, ReplayPolicy)} with the default policy. */
  public static PacketProtector byName(String name, Keyring keys, NodeId self, Clock clock) {
    return byName(name, keys, self, clock, ReplayPolicy.defaults());
  }

  /**
   * The protector called {@code name}: {@code "aes-128-gcm"}, {@code "aes-256-gcm"}, {@code
   * "chacha20-poly1305"}, {@code "xchacha20-poly1305"}, or {@code "plaintext"} for {@link PacketProtector#plaintext()}, which
   * ignores the other arguments (they may be null). Plaintext is never a default: it is returned
   * only when named, so configuration that names nothing fails instead of silently sending in
   * the clear.
   *
   * @throws IllegalArgumentException listing the known names if {@code name} is not one
   */
  public static PacketProtector byName(String name, Keyring keys, NodeId self, Clock clock,
      ReplayPolicy policy) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("plaintext")) {
      return PacketProtector.plaintext();
    }
    for (AeadAlgorithm a : AeadAlgorithm.values()) {
      if (a.wireName().equals(n)) {
        return create(a, keys, self, clock, policy);
      }
    }
    throw new IllegalArgumentException("unknown packet protector '" + name + "': expected one of "
        + String.join(", ", NAMES));
  }
}
