package io.gossipkit.api.message;

import io.gossipkit.api.KeyVersion;
import java.util.List;
import java.util.Objects;

/**
 * Announces hot rumors by key and version only, without their values (lazy push).
 *
 * <p>The receiver answers with a {@link RumorRequest} for the versions it lacks, and, if {@code
 * wantFeedback} is set, with a {@link RumorReply} acknowledging those it already had, so the
 * sender's feedback stop rule still sees unnecessary contacts. A value then crosses the network
 * only towards a node that asked for it: this is what keeps payload copies per node near one.
 *
 * @param offered the announced rumors, at most {@value #MAX_OFFERED}
 * @param wantFeedback true if the sender wants to hear which offers were already known
 */
public record RumorOffer(List<KeyVersion> offered, boolean wantFeedback) implements GossipMessage {
  /** Most rumors one offer announces; the same bound as one reply's acknowledgements. */
  public static final int MAX_OFFERED = RumorReply.MAX_ACKED;

  /** Copies the list and checks its size. */
  public RumorOffer {
    offered = List.copyOf(Objects.requireNonNull(offered, "offered"));
    if (offered.size() > MAX_OFFERED) {
      throw new IllegalArgumentException(
          "offered must hold at most " + MAX_OFFERED + " rumors, was " + offered.size());
    }
  }
}
