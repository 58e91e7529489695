package io.gossipkit.core.internal;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.MailAck;
import java.util.List;

/**
 * Internal: may change at any time. Direct mail: the origin of a write sends it to every live
 * peer at once; each mail is acknowledged, and unacknowledged mail is retried from a bounded
 * {@link RetryQueue} each round. Drops (queue full, retries exhausted) are counted.
 */
public final class DirectMail implements DisseminationStrategy {
  /** A mail in flight: to whom, and what. */
  private record Letter(NodeId to, List<Entry> entries) {}

  private RetryQueue<Letter> retries;
  private long sequence;

  @Override
  public void onRound(GossipContext ctx) {
    if (retries == null) {
      return;
    }
    long now = ctx.now();
    int dropped =
        retries.retryDue(
            now,
            now + retryDelay(ctx),
            (id, letter) -> {
              ctx.count("mail.retried", 1);
              ctx.send(letter.to(), new Mail(id, letter.entries()));
            });
    if (dropped > 0) {
      ctx.count("dropped.retry_exhausted", dropped);
    }
    if (retries.size() == 0) {
      retries = null;
    }
  }

  @Override
  public void onLocalUpdate(GossipContext ctx, Entry entry) {
    PeerView peers = ctx.peers();
    List<Entry> entries = List.of(entry);
    if (retries == null) {
      retries = new RetryQueue<>(ctx.config().retryQueueCapacity(), ctx.config().maxRetries());
    }
    long deadline = ctx.now() + retryDelay(ctx);
    for (int i = 0; i < peers.size(); i++) {
      if (!peers.isLive(i)) {
        continue;
      }
      NodeId to = peers.get(i);
      long id = ++sequence;
      ctx.send(to, new Mail(id, entries));
      if (!retries.add(id, new Letter(to, entries), deadline)) {
        ctx.count("dropped.retry_queue_full", 1);
      }
    }
    ctx.wake();
  }

  @Override
  public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {
    if (message instanceof Mail) {
      Mail mail = (Mail) message;
      for (Entry e : mail.entries()) {
        ctx.apply(e);
      }
      ctx.send(from, new MailAck(mail.sequence()));
    } else if (message instanceof MailAck) {
      // A duplicate (the mail was retried and both copies acknowledged), one after the retries
      // ran out, or one from a peer the mail was not sent to: none cancels anything.
      if (retries == null
          || !retries.acknowledge(((MailAck) message).sequence(), l -> l.to().equals(from))) {
        ctx.count("mail.acks_unmatched", 1);
      }
    }
  }

  private static long retryDelay(GossipContext ctx) {
    // Two rounds: long enough for a round trip, short enough to repair loss promptly.
    return 2 * ctx.config().gossipInterval().toMillis();
  }

  @Override
  public boolean isIdle() {
    return retries == null || retries.size() == 0;
  }
}
