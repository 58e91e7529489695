package io.gossipkit.crypto.handshake;

import java.util.Objects;

/**
 * Thrown when a {@link Handshake} rejects a message; the handshake has then moved to {@link
 * HandshakeState#FAILED} (unless it was already {@link HandshakeState#ESTABLISHED}, which a stray
 * message cannot undo). The message says what was wrong, never a key.
 */
public final class HandshakeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final HandshakeFailure failure;

  /** An exception for {@code failure}, explained by {@code message}. */
  public HandshakeException(HandshakeFailure failure, String message) {
    super(failure + ": " + message);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** An exception for {@code failure} caused by {@code cause}. */
  public HandshakeException(HandshakeFailure failure, String message, Throwable cause) {
    super(failure + ": " + message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** The reason, as counted by {@link HandshakeMetrics}. */
  public HandshakeFailure failure() {
    return failure;
  }
}
