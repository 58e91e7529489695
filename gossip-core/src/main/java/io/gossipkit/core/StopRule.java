package io.gossipkit.core;

/**
 * When a node loses interest in a rumor (Demers et al., 1987, section 1.4).
 *
 * <p>Feedback rules count only contacts whose recipient already knew the rumor (unnecessary
 * contacts); blind rules count every contact. Counter rules stop after {@code k} such contacts;
 * coin rules stop with probability {@code 1/k} at each.
 */
public enum StopRule {
  /** Stop after k unnecessary contacts. */
  FEEDBACK_COUNTER,
  /** Stop with probability 1/k after each unnecessary contact. */
  FEEDBACK_COIN,
  /** Stop after k contacts. */
  BLIND_COUNTER,
  /** Stop with probability 1/k after each contact. */
  BLIND_COIN;

  /** True if the recipient's feedback is needed. */
  public boolean usesFeedback() {
    return this == FEEDBACK_COUNTER || this == FEEDBACK_COIN;
  }

  /** True for the coin rules. */
  public boolean usesCoin() {
    return this == FEEDBACK_COIN || this == BLIND_COIN;
  }
}
