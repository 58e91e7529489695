package io.gossipkit.core.internal.wire;

import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.MailAck;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.SyncDigest;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;

/**
 * Internal: may change at any time. The kinds of traffic that share a packet, each with its own
 * queue and a guaranteed share of every packet, so that no kind can crowd out another: a flood of
 * membership updates still leaves user broadcasts their share (memberlist, where user broadcasts
 * only get what membership leaves, starves them at about 1000 nodes).
 *
 * <p>Declared in the order unused room is lent: acknowledgements first (small, and a late one
 * makes the peer retransmit), then user data, then membership, then anti-entropy (which repairs
 * whatever is late anyway).
 */
public enum TrafficClass {
  /** Acknowledgements and feedback without data: {@code MailAck}, a {@code RumorReply} of acks. */
  CONTROL(10),
  /** User writes in flight: {@code RumorPush}, {@code RumorReply} with entries, {@code Mail}. */
  BROADCAST(40),
  /** Membership and failure detection (codec ids 30-39). */
  MEMBERSHIP(25),
  /** Anti-entropy: digests and repairs (codec ids 16-18 and 23-29). */
  ANTI_ENTROPY(25);

  private static final TrafficClass[] ALL = values();

  private final int defaultPercent;

  TrafficClass(int defaultPercent) {
    this.defaultPercent = defaultPercent;
  }

  /** The share of every packet this class is guaranteed by default, in percent (sum 100). */
  public int defaultPercent() {
    return defaultPercent;
  }

  /** Every class, in lending order; the array is shared, do not modify. */
  static TrafficClass[] all() {
    return ALL;
  }

  /**
   * The class of {@code message}. The built-in messages are classified by type; any other by the
   * type id its encoding carries in byte 1 (the Kryo codec's layout: format byte, then type id),
   * following the id ranges of {@code docs/contracts.md}: 23-29 anti-entropy, 30-39 membership.
   * Anything else counts as a broadcast.
   *
   * @param encoded the message as the node's codec encoded it
   */
  public static TrafficClass of(GossipMessage message, byte[] encoded) {
    if (message instanceof RumorPush || message instanceof Mail) {
      return BROADCAST;
    }
    if (message instanceof RumorReply) {
      return ((RumorReply) message).entries().isEmpty() ? CONTROL : BROADCAST;
    }
    if (message instanceof MailAck) {
      return CONTROL;
    }
    if (message instanceof SyncDigest
        || message instanceof SyncReply
        || message instanceof SyncEntries) {
      return ANTI_ENTROPY;
    }
    if (encoded.length >= 2) {
      int type = encoded[1] & 0xff;
      if (type >= 23 && type <= 29) {
        return ANTI_ENTROPY;
      }
      if (type >= 30 && type <= 39) {
        return MEMBERSHIP;
      }
    }
    return BROADCAST;
  }
}
