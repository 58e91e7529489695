/** Internal: may change at any time. The parts SWIM membership is built from. */
package io.gossipkit.core.membership.internal;
