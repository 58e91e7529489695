package io.gossipkit.api.message;

import io.gossipkit.api.Entry;
import java.util.List;
import java.util.Objects;

/**
 * Last message of an anti-entropy exchange: the entries the peer asked for.
 *
 * @param entries the entries
 */
public record SyncEntries(List<Entry> entries) implements GossipMessage {
  /** Copies the list. */
  public SyncEntries {
    entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
  }

  @Override
  public int entryCount() {
    return entries.size();
  }
}
