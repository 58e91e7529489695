package io.gossipkit.api.message;

import io.gossipkit.api.Exchange;
import java.util.List;
import java.util.Objects;

/**
 * A step of the range-sync descent: tree nodes whose summaries the receiver compares with its
 * own, descending only into the children that differ.
 *
 * <p>Range sync is the anti-entropy exchange for replicas too large to list in one digest (see
 * docs/anti-entropy.md). It opens with the initiator's root expansion; replicas that agree stop
 * there. Every range message names the exchange and the sender's role in it, so each side knows
 * which directions it repairs, and carries the sender's tombstone watermark.
 *
 * @param exchange the exchange the initiator asked for
 * @param fromInitiator true if the sender initiated the exchange
 * @param collectedUpTo the highest version time, in milliseconds, of any tombstone the sender has
 *     collected (0 if none): a returning replica uses it to tell a collected delete from a gap
 * @param expansions the nodes opened, each with its children's summaries
 */
public record RangeSummaries(
    Exchange exchange, boolean fromInitiator, long collectedUpTo, List<RangeExpansion> expansions)
    implements GossipMessage {
  /** Copies the list and checks the arguments. */
  public RangeSummaries {
    Objects.requireNonNull(exchange, "exchange");
    expansions = List.copyOf(Objects.requireNonNull(expansions, "expansions"));
    if (collectedUpTo < 0) {
      throw new IllegalArgumentException("collectedUpTo must be >= 0, was " + collectedUpTo);
    }
  }
}
