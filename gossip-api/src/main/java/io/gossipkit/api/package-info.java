/**
 * Gossip Kit's public API: the {@link io.gossipkit.api.GossipNode} facade, its immutable
 * {@link io.gossipkit.api.GossipConfig}, the value types, and every service-provider interface a
 * user may replace. Only JDK types appear here.
 */
package io.gossipkit.api;
