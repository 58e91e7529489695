package io.gossipkit.api;

/**
 * Thrown by a {@link Codec} for input it refuses: malformed, truncated, of an unknown type, or with
 * a length over a configured limit. The message names the field and the limit.
 */
public final class CodecException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception with a message naming what was wrong. */
  public CodecException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
