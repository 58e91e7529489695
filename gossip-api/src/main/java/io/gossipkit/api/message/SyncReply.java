package io.gossipkit.api.message;

import io.gossipkit.api.Entry;
import java.util.List;
import java.util.Objects;

/**
 * The peer's answer to a {@link SyncDigest} whose root hash differed: the entries the initiator
 * lacks (pull), and the keys the peer wants from the initiator (push).
 *
 * @param entries entries newer at the peer than at the initiator
 * @param wanted keys the initiator holds newer, which the peer asks for
 */
public record SyncReply(List<Entry> entries, List<String> wanted) implements GossipMessage {
  /** Copies the lists. */
  public SyncReply {
    entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    wanted = List.copyOf(Objects.requireNonNull(wanted, "wanted"));
  }

  @Override
  public int entryCount() {
    return entries.size();
  }
}
