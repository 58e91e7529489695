package io.gossipkit.crypto.handshake;

import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Everything a node needs to run {@link Handshake handshakes}: who it is, how it authenticates,
 * its time and entropy sources, limits and counters. Immutable; one instance serves every
 * handshake of a node and is safe to share between threads.
 *
 * <p>Exactly one authentication mode is chosen: {@link Builder#preSharedKey} for {@link
 * AuthMode#PSK} or {@link Builder#identity} for {@link AuthMode#ED25519}. Mistakes throw at {@link
 * Builder#build()}, never later on network input.
 *
 * <pre>{@code
 * HandshakeConfig cfg = HandshakeConfig.builder()
 *     .clusterLabel("prod-eu")
 *     .localNode(NodeId.of("node-1"))
 *     .preSharedKey(psk32)
 *     .clock(Clock.system())
 *     .build();
 * }</pre>
 */
public final class HandshakeConfig {
  /** Default time a handshake may take before it fails with {@link HandshakeFailure#TIMEOUT}. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
  /** Default largest frame plaintext a {@link SecureChannel} seals or accepts: 1 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;
  /** Upper bound on {@link Builder#maxFrameBytes}: 16 MiB. */
  public static final int MAX_FRAME_BYTES_LIMIT = 1 << 24;
  /** Longest cluster label, in UTF-8 bytes. */
  public static final int MAX_LABEL_BYTES = 255;
  /** Length of a pre-shared key. */
  public static final int PSK_BYTES = 32;

  private final byte[] clusterLabel;
  private final NodeId localNode;
  private final AuthMode mode;
  private final byte[] psk;
  private final Ed25519PrivateKeyParameters identityKey;
  private final KeyDirectory directory;
  private final Clock clock;
  private final SecureRandom random;
  private final long timeoutMillis;
  private final RekeyPolicy rekeyPolicy;
  private final int maxFrameBytes;
  private final ChannelCipher channelCipher;
  private final HandshakeMetrics metrics;
  private final HandshakeReplayCache replayCache;

  private HandshakeConfig(Builder b, AuthMode mode) {
    this.clusterLabel = b.clusterLabel.getBytes(StandardCharsets.UTF_8);
    this.localNode = b.localNode;
    this.mode = mode;
    this.psk = b.psk == null ? null : b.psk.clone();
    this.identityKey = b.identityKey == null ? null : Primitives.ed25519Private(b.identityKey);
    this.directory = b.directory;
    this.clock = b.clock;
    this.random = b.random == null ? new SecureRandom() : b.random;
    this.timeoutMillis = b.timeoutMillis;
    this.rekeyPolicy = b.rekeyPolicy;
    this.channelCipher = b.channelCipher;
    this.maxFrameBytes = b.maxFrameBytes;
    this.metrics = b.metrics == null ? new HandshakeMetrics() : b.metrics;
    this.replayCache =
        b.replayCache == null ? new HandshakeReplayCache(HandshakeReplayCache.DEFAULT_CAPACITY)
            : b.replayCache;
  }

  /** A builder with the defaults: 10 s timeout, default rekey policy, 1 MiB frames. */
  public static Builder builder() {
    return new Builder();
  }

  /** The authentication mode. */
  public AuthMode mode() {
    return mode;
  }

  /** This node's id, sent to the peer in the handshake. */
  public NodeId localNode() {
    return localNode;
  }

  /** The cluster label as UTF-8 bytes (a copy). */
  public byte[] clusterLabel() {
    return clusterLabel.clone();
  }

  /** How long a handshake may take, in milliseconds of the configured clock. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** When channels made by these handshakes rekey. */
  public RekeyPolicy rekeyPolicy() {
    return rekeyPolicy;
  }

  /** The AEAD of the channels this config's handshakes establish. */
  public ChannelCipher channelCipher() {
    return channelCipher;
  }

  /** The largest frame plaintext a channel seals or accepts. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** The shared outcome counters. */
  public HandshakeMetrics metrics() {
    return metrics;
  }

  byte[] labelBytes() {
    return clusterLabel;
  }

  byte[] psk() {
    return psk;
  }

  Ed25519PrivateKeyParameters identityKey() {
    return identityKey;
  }

  KeyDirectory directory() {
    return directory;
  }

  Clock clock() {
    return clock;
  }

  SecureRandom random() {
    return random;
  }

  HandshakeReplayCache replayCache() {
    return replayCache;
  }

  /** Collects a {@link HandshakeConfig}; setters check their argument and return {@code this}. */
  public static final class Builder {
    private String clusterLabel;
    private NodeId localNode;
    private byte[] psk;
    private byte[] identityKey;
    private KeyDirectory directory;
    private Clock clock;
    private SecureRandom random;
    private long timeoutMillis = DEFAULT_TIMEOUT_MILLIS;
    private RekeyPolicy rekeyPolicy = RekeyPolicy.defaults();
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private ChannelCipher channelCipher = ChannelCipher.AES_128_GCM;
    private HandshakeMetrics metrics;
    private HandshakeReplayCache replayCache;

    private Builder() {}

    /**
     * The cluster label, bound into every transcript so nodes of different clusters never agree on
     * a key even if they share a pre-shared key. Required; at most {@value #MAX_LABEL_BYTES}
     * UTF-8 bytes.
     */
    public Builder clusterLabel(String label) {
      Objects.requireNonNull(label, "clusterLabel");
      int n = label.getBytes(StandardCharsets.UTF_8).length;
      if (n > MAX_LABEL_BYTES) {
        throw new IllegalArgumentException(
            "clusterLabel must be at most " + MAX_LABEL_BYTES + " UTF-8 bytes, was " + n);
      }
      this.clusterLabel = label;
      return this;
    }

    /** This node's id. Required. */
    public Builder localNode(NodeId node) {
      this.localNode = Objects.requireNonNull(node, "localNode");
      return this;
    }

    /**
     * Authenticates by the cluster's pre-shared key ({@link AuthMode#PSK}); the key is copied.
     *
     * @throws IllegalArgumentException if {@code key} is not {@value #PSK_BYTES} bytes
     */
    public Builder preSharedKey(byte[] key) {
      Objects.requireNonNull(key, "preSharedKey");
      if (key.length != PSK_BYTES) {
        throw new IllegalArgumentException(
            "preSharedKey must be " + PSK_BYTES + " bytes, was " + key.length);
      }
      this.psk = key.clone();
      return this;
    }

    /**
     * Authenticates by Ed25519 node identities ({@link AuthMode#ED25519}): this node signs with
     * {@code privateKey} and checks peers against {@code directory}.
     *
     * @throws IllegalArgumentException if {@code privateKey} is not 32 bytes
     */
    public Builder identity(byte[] privateKey, KeyDirectory directory) {
      Objects.requireNonNull(privateKey, "privateKey");
      Objects.requireNonNull(directory, "directory");
      if (privateKey.length != Ed25519Keys.KEY_BYTES) {
        throw new IllegalArgumentException(
            "identity privateKey must be " + Ed25519Keys.KEY_BYTES + " bytes, was "
                + privateKey.length);
      }
      this.identityKey = privateKey.clone();
      this.directory = directory;
      return this;
    }

    /** The only time source handshakes read (for deadlines). Required. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Entropy for ephemeral keys. Defaults to a new {@link SecureRandom}; tests pass a
     * deterministic one. Never a {@link io.gossipkit.api.RandomSource}: that is a fast simulation
     * generator whose 64-bit seed would make every ephemeral key guessable.
     */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** How long a handshake may take; default {@value #DEFAULT_TIMEOUT_MILLIS} ms; at least 1. */
    public Builder timeoutMillis(long millis) {
      if (millis < 1) {
        throw new IllegalArgumentException("timeoutMillis must be >= 1, was " + millis);
      }
      this.timeoutMillis = millis;
      return this;
    }

    /** When channels rekey; must equal the peer's. Default {@link RekeyPolicy#defaults()}. */
    public Builder rekeyPolicy(RekeyPolicy policy) {
      this.rekeyPolicy = Objects.requireNonNull(policy, "rekeyPolicy");
      return this;
    }

    /** Largest frame plaintext; default 1 MiB, between 1 and {@value #MAX_FRAME_BYTES_LIMIT}. */
    public Builder maxFrameBytes(int bytes) {
      if (bytes < 1 || bytes > MAX_FRAME_BYTES_LIMIT) {
        throw new IllegalArgumentException(
            "maxFrameBytes must be in [1, " + MAX_FRAME_BYTES_LIMIT + "], was " + bytes);
      }
      this.maxFrameBytes = bytes;
      return this;
    }

    /**
     * The AEAD that seals channel frames; must equal the peer's (a handshake between different
     * choices fails). Default {@link ChannelCipher#AES_128_GCM}.
     */
    public Builder channelCipher(ChannelCipher cipher) {
      this.channelCipher = Objects.requireNonNull(cipher, "channelCipher");
      return this;
    }

    /** Counters to update; default a new {@link HandshakeMetrics}. */
    public Builder metrics(HandshakeMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** The responders' replay cache; default a new one of default capacity. */
    public Builder replayCache(HandshakeReplayCache cache) {
      this.replayCache = Objects.requireNonNull(cache, "replayCache");
      return this;
    }

    /**
     * Checks cross-field rules and builds the config.
     *
     * @throws IllegalStateException if a required field is missing or both or neither of
     *     {@link #preSharedKey} and {@link #identity} were given
     */
    public HandshakeConfig build() {
      if (clusterLabel == null) {
        throw new IllegalStateException("clusterLabel is required");
      }
      if (localNode == null) {
        throw new IllegalStateException("localNode is required");
      }
      if (clock == null) {
        throw new IllegalStateException("clock is required");
      }
      if (psk != null && identityKey != null) {
        throw new IllegalStateException("choose one of preSharedKey and identity, not both");
      }
      if (psk == null && identityKey == null) {
        throw new IllegalStateException("one of preSharedKey and identity is required");
      }
      return new HandshakeConfig(this, psk != null ? AuthMode.PSK : AuthMode.ED25519);
    }
  }
}
