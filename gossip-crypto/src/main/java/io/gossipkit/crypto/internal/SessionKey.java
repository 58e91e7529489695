package io.gossipkit.crypto.internal;

/**
 * Internal: may change at any time. Names one sender session as a receiver sees it: the key id and
 * the 128-bit random session id from the packet header.
 */
public record SessionKey(int keyId, long sessionHigh, long sessionLow) {
  /** The session id's first 8 bytes, in hex, for messages: enough to tell sessions apart. */
  public String shortId() {
    return String.format("%016x", sessionHigh);
  }
}
