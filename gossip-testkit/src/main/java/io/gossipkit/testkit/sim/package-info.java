/**
 * The deterministic simulator: the real {@link io.gossipkit.core.GossipEngine} of every node, over
 * a simulated network, under virtual time and one seed.
 */
package io.gossipkit.testkit.sim;
