/**
 * Internal: how a node packs its outgoing messages into datagrams. May change at any time; not
 * for use outside gossip-core.
 *
 * <p>{@link io.gossipkit.core.internal.wire.PacketAssembler} queues each encoded message per
 * destination and per {@link io.gossipkit.core.internal.wire.TrafficClass}, and at the end of
 * every task of the node's executor packs the queues into compound packets, each class with a
 * guaranteed share of every packet. {@link io.gossipkit.core.internal.wire.MessageSplitter} cuts a
 * message too large for one datagram into several that fit, where the protocol allows it.
 */
package io.gossipkit.core.internal.wire;
