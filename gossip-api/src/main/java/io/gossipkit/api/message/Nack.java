package io.gossipkit.api.message;

import java.util.List;

/**
 * Lifeguard's negative acknowledgement: a member probing on someone's behalf ({@link PingReq})
 * says it got no ack from the target in time. A prober that gets its nacks but no ack knows the
 * target, not its own link, is failing; one that gets neither suspects itself and slows down.
 *
 * @param sequence the sequence number of the ping request answered
 */
public record Nack(long sequence) implements MembershipMessage {
  /** A nack carries no updates. */
  @Override
  public List<MemberUpdate> updates() {
    return List.of();
  }
}
