/**
 * Packet encryption for Gossip Kit: {@link io.gossipkit.crypto.PacketProtectors} creates
 * AES-128-GCM (the default), AES-256-GCM, ChaCha20-Poly1305 and XChaCha20-Poly1305 protectors over a {@link
 * io.gossipkit.crypto.Keyring} of rotating cluster keys, with a per-sender replay window and a
 * freshness check; {@link io.gossipkit.crypto.KeyFiles} reads and writes owner-only key files.
 * The threat model, wire layout and rotation procedure are in {@code docs/security.md}.
 */
package io.gossipkit.crypto;
