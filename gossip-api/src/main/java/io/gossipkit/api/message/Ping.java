package io.gossipkit.api.message;

import io.gossipkit.api.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * A SWIM probe: the recipient answers with an {@link Ack} of the same sequence number.
 *
 * @param sequence the prober's sequence number, echoed by the ack
 * @param target the node the prober means to reach; a recipient with another id ignores the
 *     probe (the address now belongs to someone else)
 * @param updates piggybacked member updates
 */
public record Ping(long sequence, NodeId target, List<MemberUpdate> updates)
    implements MembershipMessage {
  /** Copies the list. */
  public Ping {
    Objects.requireNonNull(target, "target");
    updates = List.copyOf(Objects.requireNonNull(updates, "updates"));
  }
}
