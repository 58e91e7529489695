package io.gossipkit.api.message;

import io.gossipkit.api.NodeId;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A SWIM indirect probe: asks the recipient to ping {@code target} on the sender's behalf and to
 * forward the target's {@link Ack}, with the sender's sequence number, back to the sender.
 *
 * @param sequence the requester's sequence number, echoed by the forwarded ack
 * @param target the member to probe
 * @param targetAddress where the target receives packets
 * @param updates piggybacked member updates
 */
public record PingReq(
    long sequence, NodeId target, InetSocketAddress targetAddress, List<MemberUpdate> updates)
    implements MembershipMessage {
  /** Checks the arguments and copies the list. */
  public PingReq {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(targetAddress, "targetAddress");
    updates = List.copyOf(Objects.requireNonNull(updates, "updates"));
  }
}
