package io.gossipkit.benchmarks;

import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.cli.JdkAesGcm;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

/** The AEADs {@link CryptoBenchmark} measures, each as a sender and a receiver of its packets. */
final class Variants {
  /** Every variant, by the name its {@code @Param} uses. */
  static final List<String> NAMES =
      List.of("aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "xchacha20-poly1305",
          "jdk-aes-128-gcm", "jdk-aes-256-gcm");

  /**
   * The associated data of every packet, as a node passes it: {@code "gossipkit/1/"} and a
   * realistic cluster label.
   */
  static final byte[] CLUSTER_LABEL =
      "gossipkit/1/prod-eu-west-1".getBytes(StandardCharsets.UTF_8);

  private Variants() {}

  /** A sender and a receiver that accepts its packets. */
  record Pair(PacketProtector sender, PacketProtector receiver) {}

  /**
   * A new pair for {@code name}.
   *
   * @throws IllegalArgumentException if {@code name} is not one of {@link #NAMES}
   */
  static Pair newPair(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("aead must be one of " + NAMES + ", was " + name);
    }
    if (name.startsWith("jdk-aes-")) {
      byte[] key = new byte[name.equals("jdk-aes-128-gcm") ? 16 : 32];
      new SecureRandom().nextBytes(key);
      return new Pair(new JdkAesGcm(key), new JdkAesGcm(key));
    }
    // Two nodes of one cluster: one keyring, the default replay policy, the system clock.
    Keyring keys = Keyring.generate();
    return new Pair(
        PacketProtectors.byName(name, keys, NodeId.of("bench-sender"), Clock.system()),
        PacketProtectors.byName(name, keys, NodeId.of("bench-receiver"), Clock.system()));
  }
}
