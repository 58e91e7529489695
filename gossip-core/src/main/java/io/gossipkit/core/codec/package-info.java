/**
 * The built-in {@link io.gossipkit.api.Codec}: {@link io.gossipkit.core.codec.KryoCodec}, which
 * writes the messages of {@code io.gossipkit.api.message} with Kryo, registration required and a
 * fixed registration id per type.
 *
 * <p>Everything else in this package is package-private: the wire constants and size arithmetic
 * ({@code WireFormat}), the length-checked reader and the UTF-8 writer ({@code WireReader},
 * {@code WireWriter}), and one hand-written Kryo serializer per value and message type
 * ({@code ValueSerializers}, {@code MessageSerializers}). No reflection-based serializer is used:
 * every byte read from the network goes through a length check against {@code WireLimits} before
 * anything is allocated for it. The byte layout of every message is drawn in the Javadoc of
 * {@link io.gossipkit.core.codec.KryoCodec} and in {@code docs/contracts.md}.
 */
package io.gossipkit.core.codec;
