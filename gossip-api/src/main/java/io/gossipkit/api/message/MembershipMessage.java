package io.gossipkit.api.message;

import java.util.List;

/**
 * A message of the membership protocol (SWIM): handed to the node's membership, never to its
 * dissemination strategy.
 *
 * <p>Every membership message may carry {@link MemberUpdate}s piggybacked on it, so news of joins,
 * suspicions, deaths and departures spreads on the probes themselves, as in SWIM.
 */
public interface MembershipMessage extends GossipMessage {
  /** The member updates this message carries; empty if none. */
  List<MemberUpdate> updates();
}
