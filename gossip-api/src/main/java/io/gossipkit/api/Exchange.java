package io.gossipkit.api;

/** Which way state flows in one anti-entropy or rumor exchange (Demers et al., 1987). */
public enum Exchange {
  /** The initiator sends what it has; the peer takes what is newer. */
  PUSH,
  /** The initiator asks; the peer sends what is newer. */
  PULL,
  /** Both: each side ends with the newer of the two. */
  PUSH_PULL;

  /** True if the initiator sends its own state. */
  public boolean pushes() {
    return this != PULL;
  }

  /** True if the initiator asks for the peer's state. */
  public boolean pulls() {
    return this != PUSH;
  }
}
