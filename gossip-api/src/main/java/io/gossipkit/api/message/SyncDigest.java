package io.gossipkit.api.message;

import io.gossipkit.api.Digest;
import io.gossipkit.api.Exchange;
import java.util.Objects;

/**
 * First message of an anti-entropy exchange: the initiator's digest and the exchange it wants.
 *
 * @param exchange push, pull or push-pull
 * @param digest the initiator's digest
 */
public record SyncDigest(Exchange exchange, Digest digest) implements GossipMessage {
  /** Checks the arguments. */
  public SyncDigest {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(digest, "digest");
  }
}
