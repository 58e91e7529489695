/**
 * A {@link io.gossipkit.api.Transport} over TCP with Netty, authenticated and encrypted by the
 * {@code gossip-crypto} handshake: {@link io.gossipkit.transport.tcp.TcpTransport}; and {@link
 * io.gossipkit.transport.tcp.RawTcpThroughput}, the plain-TCP baseline benchmarks compare it with.
 * Wire format, limits and counters: {@code docs/tcp.md}.
 */
package io.gossipkit.transport.tcp;
