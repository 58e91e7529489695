/**
 * Internal: may change at any time. The built-in {@link io.gossipkit.api.PeerSelector}s behind
 * {@link io.gossipkit.core.PeerSelectors}; use that class, never these types, from other modules.
 *
 * <p>Every selector here runs on the node's executor, never blocks, and bounds every loop by the
 * size of the view so that no view (all dead, only the excluded peer, empty) can make it spin.
 */
package io.gossipkit.core.internal.peers;
