/**
 * Internal: may change at any time. Range sync, the anti-entropy exchange whose cost follows the
 * difference between two replicas: the key-hash tree each replica keeps ({@code RangeIndex}), the
 * stateless descent and chunked streaming ({@code RangeSync}), and the tombstone rule for a
 * replica returning after a long absence ({@code SyncState}). See docs/anti-entropy.md.
 */
package io.gossipkit.core.internal.sync;
