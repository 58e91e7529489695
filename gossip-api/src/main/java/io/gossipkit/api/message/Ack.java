package io.gossipkit.api.message;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a {@link Ping}, sent straight back or forwarded by the member that probed on
 * someone's behalf ({@link PingReq}).
 *
 * @param sequence the sequence number of the ping (or ping request) answered
 * @param updates piggybacked member updates
 */
public record Ack(long sequence, List<MemberUpdate> updates) implements MembershipMessage {
  /** Copies the list. */
  public Ack {
    updates = List.copyOf(Objects.requireNonNull(updates, "updates"));
  }
}
