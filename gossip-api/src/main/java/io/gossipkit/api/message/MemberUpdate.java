package io.gossipkit.api.message;

import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One node's claim about one member: its state at an incarnation. Newer incarnations win; at the
 * same incarnation DEAD and LEFT beat SUSPECT, which beats ALIVE (SWIM's ordering, as in
 * hashicorp/memberlist).
 *
 * @param id the member the update is about
 * @param address where the member receives packets; required for ALIVE (so a node that learns of
 *     a new member can reach it), optional otherwise
 * @param state the claimed state
 * @param incarnation the member's incarnation the claim refers to, at least 0
 * @param from the node that made the claim: the member itself for ALIVE and LEFT, the suspecting
 *     node for SUSPECT and DEAD (Lifeguard counts distinct suspecters as confirmations)
 */
public record MemberUpdate(
    NodeId id, InetSocketAddress address, MemberState state, long incarnation, NodeId from) {
  /** Checks the arguments. */
  public MemberUpdate {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(from, "from");
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation must be >= 0, was " + incarnation);
    }
    if (state == MemberState.ALIVE && address == null) {
      throw new IllegalArgumentException("an ALIVE update needs the member's address, " + id
          + " had none");
    }
  }
}
