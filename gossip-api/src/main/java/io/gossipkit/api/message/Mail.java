package io.gossipkit.api.message;

import io.gossipkit.api.Entry;
import java.util.List;
import java.util.Objects;

/**
 * Direct mail: an update sent by its origin straight to one member, to be acknowledged.
 *
 * @param sequence the sender's sequence number, echoed by the {@link MailAck}
 * @param entries the updates
 */
public record Mail(long sequence, List<Entry> entries) implements GossipMessage {
  /** Copies the list. */
  public Mail {
    entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
  }

  @Override
  public int entryCount() {
    return entries.size();
  }
}
