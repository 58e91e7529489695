package io.gossipkit.core.codec;

import io.gossipkit.api.GossipConfig;

/**
 * The hard limits one codec enforces on both encode and decode, copied out of a {@link
 * GossipConfig} so that serializers read plain fields.
 *
 * @param maxMessageBytes largest encoded message, header included
 * @param maxKeyBytes longest key, in UTF-8 bytes
 * @param maxValueBytes longest value, in bytes
 * @param maxEntries most elements in any one list of a message (entries, keys, versions, acks)
 */
record WireLimits(int maxMessageBytes, int maxKeyBytes, int maxValueBytes, int maxEntries) {
  /** The limits of {@code config}. */
  static WireLimits of(GossipConfig config) {
    return new WireLimits(
        config.maxMessageBytes(),
        config.maxKeyBytes(),
        config.maxValueBytes(),
        config.maxEntriesPerMessage());
  }
}
