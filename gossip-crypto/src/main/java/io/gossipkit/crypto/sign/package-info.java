/**
 * Origin signatures for replicated writes: Ed25519 (RFC 8032, through BouncyCastle) behind the
 * {@link io.gossipkit.api.EntrySigner} and {@link io.gossipkit.api.EntryVerifier} SPIs of
 * gossip-api, so that a member relaying a write can neither forge nor alter it.
 *
 * <p>Packet protection (AEAD with a cluster key) keeps outsiders out; it cannot stop a member that
 * holds the cluster key. Signatures close that gap for data: each node signs its own writes with
 * its own {@link io.gossipkit.crypto.sign.Ed25519PrivateKey}, and every node checks them against
 * a {@link io.gossipkit.crypto.sign.SigningKeyDirectory} of everyone's public keys.
 *
 * <pre>{@code
 * Ed25519KeyPair pair = Ed25519KeyPair.generate();            // once per node; keep it secret
 * SigningKeyDirectory keys = SigningKeyDirectory.load(Path.of("cluster-keys.txt"));
 * GossipNode node = GossipNodes.builder(config.toBuilder().requireSignatures(true).build())
 *     .id("a")
 *     .signer(Ed25519Signer.of(NodeId.of("a"), pair.privateKey()))
 *     .verifier(Ed25519Verifier.of(keys))
 *     ...
 * }</pre>
 *
 * <p>No key is ever logged or printed: private keys' {@code toString} is redacted, public keys
 * show a short fingerprint, and error messages about key files name the line, never its content.
 * No BouncyCastle type appears in a public signature.
 */
package io.gossipkit.crypto.sign;
