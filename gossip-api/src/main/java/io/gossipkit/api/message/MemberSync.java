package io.gossipkit.api.message;

import java.util.List;
import java.util.Objects;

/**
 * Push-pull of whole member lists: on joining and periodically, a node sends every member it
 * knows; the recipient merges them and, if {@code wantReply}, answers with its own list. A list
 * larger than one packet is sent as several messages, only the first asking for a reply.
 *
 * @param wantReply true if the recipient should answer with its own member list
 * @param updates the sender's view of (part of) the cluster, one update per member
 */
public record MemberSync(boolean wantReply, List<MemberUpdate> updates)
    implements MembershipMessage {
  /** Copies the list. */
  public MemberSync {
    updates = List.copyOf(Objects.requireNonNull(updates, "updates"));
  }
}
