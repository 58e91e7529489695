/**
 * Internal: the engine's building blocks (replica store, hybrid logical clock, strategies, retry
 * queue). May change at any time; not for use outside gossip-core.
 */
package io.gossipkit.core.internal;
