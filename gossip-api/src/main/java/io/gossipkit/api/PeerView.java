package io.gossipkit.api;

/**
 * The members one node may gossip with, as its peer selector sees them: never the node itself.
 *
 * <p>Members are listed in ring order starting at this node's successor: {@code get(0)} is the
 * next member after this node in the cluster's ring (members ordered by id), {@code get(size()-1)}
 * its predecessor. Ring-based selectors rely on that order; random ones ignore it. Implementations
 * are views, not copies: they may change between rounds but not during one call.
 */
public interface PeerView {
  /** Number of peers, this node excluded. */
  int size();

  /** The peer at ring offset {@code index + 1} from this node. */
  NodeId get(int index);

  /** True if the peer at {@code index} is believed alive (not suspected dead or gone). */
  boolean isLive(int index);
}
