/**
 * A {@link io.gossipkit.api.Transport} over UDP datagrams with Netty: {@link
 * io.gossipkit.transport.udp.UdpTransport}.
 */
package io.gossipkit.transport.udp;
