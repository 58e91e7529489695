package io.gossipkit.api.message;

import java.util.List;
import java.util.Objects;

/**
 * Member updates gossiped on their own, between probes, so that news of a failure spreads at the
 * gossip interval rather than the probe interval (memberlist's gossip messages).
 *
 * @param updates the updates, newest and least sent first
 */
public record MemberGossip(List<MemberUpdate> updates) implements MembershipMessage {
  /** Copies the list. */
  public MemberGossip {
    updates = List.copyOf(Objects.requireNonNull(updates, "updates"));
  }
}
