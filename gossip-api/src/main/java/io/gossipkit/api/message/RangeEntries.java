package io.gossipkit.api.message;

import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import java.util.List;
import java.util.Objects;

/**
 * One bounded chunk of a range repair: the entries the receiver lacks in part of an interval, the
 * keys the sender lacks or holds older there, and where to continue.
 *
 * <p>This is how a full-state sync streams: each chunk fits one message; one answer sends a
 * small batch of chunks, of which only the last asks the receiver to continue (the others are
 * {@code done}: nothing to ask in answer to them), and the next batch is sent only when the
 * receiver asks for it with a {@link RangeVersions} starting at {@code resume}. So a fast sender
 * never runs ahead of a slow receiver by more than one batch per range.
 *
 * @param exchange the exchange the initiator asked for
 * @param fromInitiator true if the sender initiated the exchange
 * @param collectedUpTo the sender's tombstone watermark (see {@link RangeSummaries})
 * @param resume the hash position to ask from next, meaningless when {@code done}
 * @param end last hash position of the range being repaired
 * @param done true if the receiver has nothing to ask in answer to this chunk: the range is
 *     repaired up to {@code end}, or a later chunk of the same batch says where to continue
 * @param entries entries the receiver lacks or holds older
 * @param missing keys the receiver listed that the sender lacks
 * @param wanted keys the receiver listed that the sender holds older
 */
public record RangeEntries(
    Exchange exchange,
    boolean fromInitiator,
    long collectedUpTo,
    long resume,
    long end,
    boolean done,
    List<Entry> entries,
    List<String> missing,
    List<String> wanted)
    implements GossipMessage {
  /** Copies the lists and checks the arguments. */
  public RangeEntries {
    Objects.requireNonNull(exchange, "exchange");
    entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    missing = List.copyOf(Objects.requireNonNull(missing, "missing"));
    wanted = List.copyOf(Objects.requireNonNull(wanted, "wanted"));
    if (collectedUpTo < 0) {
      throw new IllegalArgumentException("collectedUpTo must be >= 0, was " + collectedUpTo);
    }
    if (!done && Long.compareUnsigned(resume, end) > 0) {
      throw new IllegalArgumentException("resume " + Long.toUnsignedString(resume)
          + " is past end " + Long.toUnsignedString(end));
    }
  }

  @Override
  public int entryCount() {
    return entries.size();
  }
}
