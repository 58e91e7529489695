package io.gossipkit.api.message;

import io.gossipkit.api.Entry;
import java.util.List;
import java.util.Objects;

/**
 * A rumor-mongering contact: the initiator's hot rumors (push), a request for the peer's hot
 * rumors (pull), or both.
 *
 * @param entries the initiator's hot rumors; empty for a pure pull
 * @param wantFeedback true if the peer should say which rumors it already knew
 * @param pull true if the peer should answer with its own hot rumors
 */
public record RumorPush(List<Entry> entries, boolean wantFeedback, boolean pull)
    implements GossipMessage {
  /** Copies the list. */
  public RumorPush {
    entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
  }

  @Override
  public int entryCount() {
    return entries.size();
  }
}
