/**
 * Internal: not API, may change at any time. Helpers the kit's own modules share, kept in the
 * JDK-only API module because every module depends on it.
 */
package io.gossipkit.api.internal;
