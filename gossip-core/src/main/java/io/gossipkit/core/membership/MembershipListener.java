package io.gossipkit.core.membership;

import io.gossipkit.api.Member;

/**
 * Told of every change to a node's member list: a member appears, changes state or incarnation,
 * or is removed after {@link MembershipConfig#deadRetention()}.
 *
 * <p>Called on the node's executor; must not block.
 */
@FunctionalInterface
public interface MembershipListener {
  /**
   * One change.
   *
   * @param previous the member before the change, or null if it was unknown
   * @param current the member after the change, or null if it was removed
   */
  void onChange(Member previous, Member current);
}
