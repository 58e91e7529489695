/**
 * SWIM membership with Lifeguard-style suspicion: {@link
 * io.gossipkit.core.membership.SwimMembership}, its {@link
 * io.gossipkit.core.membership.MembershipConfig} and the interfaces it is wired through. See
 * docs/membership.md.
 */
package io.gossipkit.core.membership;
