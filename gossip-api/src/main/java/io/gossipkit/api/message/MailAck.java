package io.gossipkit.api.message;

/**
 * Acknowledges a {@link Mail}, so the sender stops retrying it.
 *
 * @param sequence the acknowledged mail's sequence number
 */
public record MailAck(long sequence) implements GossipMessage {}
