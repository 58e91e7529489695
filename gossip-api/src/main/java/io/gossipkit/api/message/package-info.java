/**
 * The messages the built-in strategies exchange. Every message is an immutable record; a
 * {@link io.gossipkit.api.Codec} turns them into bytes with a fixed id per type. Custom strategies
 * reuse these messages, so every codec that passes the testkit's {@code CodecContract} carries
 * them.
 */
package io.gossipkit.api.message;
