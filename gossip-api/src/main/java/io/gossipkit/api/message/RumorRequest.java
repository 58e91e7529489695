package io.gossipkit.api.message;

import io.gossipkit.api.KeyVersion;
import java.util.List;
import java.util.Objects;

/**
 * Asks the sender of a {@link RumorOffer} for the values of the offered rumors the receiver lacks.
 *
 * <p>The answer is a {@link RumorPush} carrying those entries (or newer versions of the same keys),
 * so the requester takes the rumor up exactly as if it had been pushed to it.
 *
 * @param wanted the offered key versions this node lacks, at most {@value #MAX_WANTED}
 */
public record RumorRequest(List<KeyVersion> wanted) implements GossipMessage {
  /** Most rumors one request asks for: the most one offer announces. */
  public static final int MAX_WANTED = RumorOffer.MAX_OFFERED;

  /** Copies the list and checks its size. */
  public RumorRequest {
    wanted = List.copyOf(Objects.requireNonNull(wanted, "wanted"));
    if (wanted.size() > MAX_WANTED) {
      throw new IllegalArgumentException(
          "wanted must hold at most " + MAX_WANTED + " rumors, was " + wanted.size());
    }
  }
}
