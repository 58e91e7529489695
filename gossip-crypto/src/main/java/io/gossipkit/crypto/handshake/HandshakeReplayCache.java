package io.gossipkit.crypto.handshake;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the initiator ephemeral keys of recent INIT messages so a responder refuses a replayed
 * INIT at once ({@link HandshakeFailure#REPLAYED}) instead of spending a key agreement on it.
 *
 * <p>This is defence in depth, not what makes replay harmless: a replayed INIT can never complete,
 * because the replayer lacks the ephemeral private key needed for FINISH. The cache is bounded
 * (oldest entries are forgotten first), so it costs at most about {@code capacity × 200} bytes whatever
 * the peer sends. Thread-safe: one cache serves every responder made from one {@link
 * HandshakeConfig}.
 */
public final class HandshakeReplayCache {
  /** Default number of remembered INIT messages. */
  public static final int DEFAULT_CAPACITY = 4096;

  private final int capacity;
  private final LinkedHashMap<ByteBuffer, Boolean> seen;

  /**
   * A cache of at most {@code capacity} recent INIT messages.
   *
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public HandshakeReplayCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
    this.seen =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
            return size() > HandshakeReplayCache.this.capacity;
          }
        };
  }

  /** The most INIT messages remembered at once. */
  public int capacity() {
    return capacity;
  }

  /**
   * Records {@code ephemeralKey}; returns {@code false} if it was already recorded (a replay).
   */
  synchronized boolean firstSighting(byte[] ephemeralKey) {
    return seen.putIfAbsent(ByteBuffer.wrap(ephemeralKey.clone()), Boolean.TRUE) == null;
  }

  /** Forgets everything; lets a fuzz harness make each run independent of the ones before. */
  synchronized void clear() {
    seen.clear();
  }
}
