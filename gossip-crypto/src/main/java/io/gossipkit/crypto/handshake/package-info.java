/**
 * A mutually authenticated handshake and the secure channel it yields, for stream transports.
 *
 * <p>{@link io.gossipkit.crypto.handshake.Handshake} is a transport-agnostic state machine over
 * {@code byte[]} messages: it opens no sockets, starts no threads and reads time only from the
 * injected {@link io.gossipkit.api.Clock}. Two X25519 ephemeral keys are agreed; the peers
 * authenticate each other either with the cluster's pre-shared key (mixed into the key schedule,
 * as in Noise's {@code psk} patterns) or with Ed25519 node identities (each side signs the
 * transcript hash, the other verifies against a {@link
 * io.gossipkit.crypto.handshake.KeyDirectory}).
 * HKDF-SHA256 splits the final chaining key into one AES-256-GCM key per direction, which a
 * {@link io.gossipkit.crypto.handshake.SecureChannel} uses to seal and open frames with counters as
 * nonces and a deterministic rekey ratchet.
 *
 * <p>Every message and frame from the network is length-checked before anything is allocated for
 * it; every rejection is a checked exception ({@link
 * io.gossipkit.crypto.handshake.HandshakeException} or {@link
 * io.gossipkit.api.AuthenticationException}) and is counted by reason. The wire format, key
 * schedule and state table are in {@code docs/handshake.md}.
 */
package io.gossipkit.crypto.handshake;
