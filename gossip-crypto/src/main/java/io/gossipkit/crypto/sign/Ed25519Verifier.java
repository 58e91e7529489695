package io.gossipkit.crypto.sign;

import io.gossipkit.api.CanonicalEntry;
import io.gossipkit.api.Entry;
import io.gossipkit.api.EntryVerifier;
import io.gossipkit.api.NodeId;
import java.util.Objects;

/**
 * Checks Ed25519 origin signatures against a {@link SigningKeyDirectory}: an entry is {@link
 * Result#VALID} only if the key the directory lists for its origin verifies its signature over
 * {@link CanonicalEntry#encode(Entry)}.
 *
 * <p>Verification is BouncyCastle's RFC 8032 Ed25519, which refuses non-canonical signatures
 * (S not below the group order) and the directory's keys are checked when made, so a signature
 * cannot be altered into another valid one, nor forged under a weak key. Never throws: anything
 * unexpected is {@link Result#INVALID}. Thread-safe if the directory is.
 *
 * <pre>{@code
 * EntryVerifier verifier = Ed25519Verifier.of(SigningKeyDirectory.load(Path.of("keys.txt")));
 * }</pre>
 */
public final class Ed25519Verifier implements EntryVerifier {
  private final SigningKeyDirectory directory;

  private Ed25519Verifier(SigningKeyDirectory directory) {
    this.directory = directory;
  }

  /** A verifier trusting the keys of {@code directory}. */
  public static Ed25519Verifier of(SigningKeyDirectory directory) {
    return new Ed25519Verifier(Objects.requireNonNull(directory, "directory"));
  }

  /** The directory of trusted keys. */
  public SigningKeyDirectory directory() {
    return directory;
  }

  @Override
  public Result verify(Entry entry) {
    if (!entry.isSigned()) {
      return Result.UNSIGNED;
    }
    try {
      NodeId origin = entry.version().origin();
      Ed25519PublicKey key = directory.publicKey(origin);
      if (key == null) {
        return Result.UNKNOWN_ORIGIN;
      }
      byte[] message = CanonicalEntry.encode(entry);
      org.bouncycastle.crypto.signers.Ed25519Signer verifier =
          new org.bouncycastle.crypto.signers.Ed25519Signer();
      verifier.init(false, key.params());
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(entry.signatureUnsafe()) ? Result.VALID : Result.INVALID;
    } catch (RuntimeException e) {
      // Hostile input or a faulty directory: refuse the entry, never throw into the engine.
      return Result.INVALID;
    }
  }

  @Override
  public String toString() {
    return "Ed25519Verifier[" + directory + "]";
  }
}
