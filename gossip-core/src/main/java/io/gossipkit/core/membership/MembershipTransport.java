package io.gossipkit.core.membership;

import io.gossipkit.api.message.GossipMessage;
import java.net.InetSocketAddress;

/**
 * Where {@link SwimMembership} sends its messages: by address, since a node joining through a
 * seed knows the seed's address but not its id. In production the node encodes, seals and sends
 * the message over its transport; in a simulation the harness delivers it.
 *
 * <p>Called on the node's executor; must not block. Delivery is not guaranteed.
 */
@FunctionalInterface
public interface MembershipTransport {
  /** Sends {@code message} to whoever receives at {@code to}. */
  void send(InetSocketAddress to, GossipMessage message);
}
