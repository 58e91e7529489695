package io.gossipkit.api;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One member of the cluster as a node currently sees it.
 *
 * @param id the member's node id
 * @param address where the member receives packets; null for members of a simulated network
 * @param state liveness as this node believes it
 * @param incarnation the member's own counter, raised to refute suspicion
 */
public record Member(NodeId id, InetSocketAddress address, MemberState state, long incarnation) {
  /** Checks the arguments. */
  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation must be >= 0, was " + incarnation);
    }
  }
}
