package io.gossipkit.crypto.handshake;

/** Why a {@link SecureChannel} refused a frame; each reason has its own counter. */
public enum ChannelFailure {
  /** Shorter than the header and tag. */
  MALFORMED,
  /** Longer than the configured maximum frame plus overhead; refused before decryption. */
  OVERSIZED,
  /** A counter below the next expected one: a replay or duplicate. */
  REPLAYED,
  /** A counter above the next expected one: a frame was lost or reordered. */
  OUT_OF_ORDER,
  /** The tag did not verify: forged, altered, or sealed under another key. */
  AUTHENTICATION_FAILED
}
