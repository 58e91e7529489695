package io.gossipkit.core.membership.internal;

import io.gossipkit.api.message.MemberUpdate;
import java.util.List;

/**
 * Internal: may change at any time. The member updates a node still has to spread, for whoever
 * packs outgoing packets: the membership's own probes and gossip today, a compound-packet
 * assembler with a budget per traffic class later.
 *
 * <p>Called on the node's executor.
 */
public interface MembershipBroadcasts {
  /**
   * Takes the updates to send next, newest and least-sent first, whose encoded sizes (as members
   * of a list in a membership message) add up to at most {@code maxBytes}; each counts as one
   * transmission, and an update sent as often as its retransmit limit allows is dropped.
   */
  List<MemberUpdate> drain(int maxBytes);

  /** True if nothing is left to spread. */
  boolean isEmpty();
}
