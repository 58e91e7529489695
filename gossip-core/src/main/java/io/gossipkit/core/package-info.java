/**
 * The gossip engine: {@link io.gossipkit.core.GossipEngine} (one node's single-threaded state
 * machine), the built-in {@link io.gossipkit.core.Strategies} and
 * {@link io.gossipkit.core.PeerSelectors}, and {@link io.gossipkit.core.GossipNodes}, which wires
 * an engine to a transport, a codec and a packet protector.
 */
package io.gossipkit.core;
