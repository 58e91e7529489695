package io.gossipkit.api;

/**
 * Thrown by a {@link PacketProtector} when a packet fails authentication, is replayed, is too old,
 * or names an unknown key. The message says which, never the key.
 */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception naming why the packet was refused. */
  public AuthenticationException(String message) {
    super(message);
  }
}
