package io.gossipkit.api.message;

import io.gossipkit.api.Exchange;
import io.gossipkit.api.KeyVersion;
import java.util.List;
import java.util.Objects;

/**
 * Everything the sender holds in one key-hash interval, as (key, version) pairs: "send me what I
 * lack there, and say what you lack".
 *
 * <p>Hash positions are unsigned 64-bit key hashes (see {@link RangeExpansion}); {@code from} and
 * {@code to} bound, inclusively, the interval {@code versions} covers completely, and {@code end}
 * is where the range being repaired ends, so the answer can say where to continue. The receiver
 * answers with a {@link RangeEntries}.
 *
 * @param exchange the exchange the initiator asked for
 * @param fromInitiator true if the sender initiated the exchange
 * @param collectedUpTo the sender's tombstone watermark (see {@link RangeSummaries})
 * @param from first hash position covered
 * @param to last hash position covered, unsigned {@code >= from}
 * @param end last hash position of the range being repaired, unsigned {@code >= to}
 * @param versions every key the sender holds in {@code [from, to]}, tombstones included
 */
public record RangeVersions(
    Exchange exchange,
    boolean fromInitiator,
    long collectedUpTo,
    long from,
    long to,
    long end,
    List<KeyVersion> versions)
    implements GossipMessage {
  /** Copies the list and checks the interval. */
  public RangeVersions {
    Objects.requireNonNull(exchange, "exchange");
    versions = List.copyOf(Objects.requireNonNull(versions, "versions"));
    if (collectedUpTo < 0) {
      throw new IllegalArgumentException("collectedUpTo must be >= 0, was " + collectedUpTo);
    }
    if (Long.compareUnsigned(from, to) > 0 || Long.compareUnsigned(to, end) > 0) {
      throw new IllegalArgumentException("need from <= to <= end (unsigned), was "
          + Long.toUnsignedString(from) + ", " + Long.toUnsignedString(to) + ", "
          + Long.toUnsignedString(end));
    }
  }
}
