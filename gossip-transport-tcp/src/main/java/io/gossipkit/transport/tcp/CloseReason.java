package io.gossipkit.transport.tcp;

/**
 * Why a connection ended; each reason has its counter {@code closed.<name>}. The reasons that
 * point at a bad or hostile peer are logged at WARNING for every connection (within a budget per
 * minute); the ordinary ones at DEBUG.
 */
enum CloseReason {
  /** The handshake was rejected: wrong key, unknown identity, malformed or replayed message. */
  HANDSHAKE_FAILED("handshake_failed", true),
  /** No authenticated session (handshake and hello) within the handshake timeout. */
  HANDSHAKE_TIMEOUT("handshake_timeout", true),
  /** A length field over the limit of the connection's phase; refused before reading the body. */
  FRAME_TOO_LARGE("frame_too_large", true),
  /** A frame of an established session failed {@code SecureChannel.open}. */
  AUTH("auth", true),
  /** An authenticated frame that breaks this transport's protocol (a bad hello). */
  MALFORMED("malformed", true),
  /** Refused at accept: the inbound connection cap was reached by authenticated connections. */
  INBOUND_LIMIT("inbound_limit", true),
  /**
   * Still unauthenticated when the inbound cap was reached: closed to make room for the new
   * connection, so connections that never authenticate cannot lock peers out.
   */
  EVICTED("evicted", true),
  /** No frame read or written for the idle timeout, and nothing waiting to be written. */
  IDLE("idle", false),
  /**
   * No frame read or written for the idle timeout while bytes waited to be written: the peer
   * neither sends nor reads, as a half-open connection (the peer's host gone without a FIN) or
   * a peer that stopped reading does.
   */
  STALLED("stalled", true),
  /** The peer closed the stream. */
  PEER_CLOSED("peer_closed", false),
  /** An I/O error (reset by peer, broken pipe). */
  ERROR("error", false),
  /** The dial failed or timed out. */
  CONNECT_FAILED("connect_failed", false),
  /** This transport was closed. */
  LOCAL("local", false);

  final String counter;
  final boolean bad;

  CloseReason(String name, boolean bad) {
    this.counter = "closed." + name;
    this.bad = bad;
  }
}
