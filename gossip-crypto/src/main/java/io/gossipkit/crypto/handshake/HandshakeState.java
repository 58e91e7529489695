package io.gossipkit.crypto.handshake;

/**
 * Where a {@link Handshake} stands. See {@code docs/handshake.md} for the transition table.
 *
 * <pre>
 * initiator: INITIAL --start()--> AWAIT_RESPONSE --RESPONSE--> ESTABLISHED
 * responder: AWAIT_INIT --INIT--> AWAIT_FINISH --FINISH--> ESTABLISHED
 * any non-terminal state --bad message | deadline passed--> FAILED
 * </pre>
 */
public enum HandshakeState {
  /** Initiator created; {@link Handshake#start()} not yet called. */
  INITIAL,
  /** Initiator sent INIT and waits for the responder's RESPONSE. */
  AWAIT_RESPONSE,
  /** Responder waits for the initiator's INIT. */
  AWAIT_INIT,
  /** Responder sent RESPONSE and waits for the initiator's FINISH. */
  AWAIT_FINISH,
  /** Both sides authenticated; {@link Handshake#channel()} is ready. Terminal. */
  ESTABLISHED,
  /** Rejected a message or passed its deadline; the transport should close. Terminal. */
  FAILED;

  /** Whether no further transition can happen. */
  public boolean isTerminal() {
    return this == ESTABLISHED || this == FAILED;
  }
}
