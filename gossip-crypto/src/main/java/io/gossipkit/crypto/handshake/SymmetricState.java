package io.gossipkit.crypto.handshake;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The handshake's running key schedule, after Noise's SymmetricState (Noise spec, section 5.2):
 * a chaining key {@code ck}, a transcript hash {@code h}, and the current handshake cipher key
 * {@code k} with its nonce {@code n}.
 *
 * <p>{@code mixKey} is Noise's HKDF, which is RFC 5869 HKDF-SHA256 with salt {@code ck} and empty
 * info. Every AEAD operation uses {@code h} as associated data and then hashes its ciphertext, so
 * each message authenticates the whole transcript before it.
 */
final class SymmetricState {
  /** Hashed first, so a different protocol or cipher suite can never share keys with this one. */
  static final byte[] PROTOCOL_NAME =
      "GossipKit_Handshake_v1_X25519_AESGCM_SHA256".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] EMPTY = new byte[0];

  private byte[] ck;
  private byte[] h;
  private byte[] k;
  private long n;

  private SymmetricState(byte[] ck, byte[] h, byte[] k, long n) {
    this.ck = ck;
    this.h = h;
    this.k = k;
    this.n = n;
  }

  /**
   * The state after hashing the protocol name and the prologue: the cluster label, then the
   * channel cipher, so that peers that differ in either fail the handshake.
   */
  static SymmetricState initialize(byte[] clusterLabel, ChannelCipher cipher) {
    byte[] h = Primitives.sha256(PROTOCOL_NAME);
    SymmetricState s = new SymmetricState(h.clone(), h, null, 0);
    // Length-prefixed so that no label is a prefix-collision of another.
    s.mixHash(new byte[] {(byte) clusterLabel.length});
    s.mixHash(clusterLabel);
    s.mixHash(new byte[] {(byte) cipher.id()});
    return s;
  }

  /** h = SHA-256(h || data). */
  void mixHash(byte[] data) {
    mixHash(data, 0, data.length);
  }

  /** h = SHA-256(h || data[off, off+len)). */
  void mixHash(byte[] data, int off, int len) {
    SHA256Digest d = new SHA256Digest();
    d.update(h, 0, h.length);
    d.update(data, off, len);
    d.doFinal(h, 0);
  }

  /** (ck, k) = HKDF(ck, ikm); n = 0. */
  void mixKey(byte[] ikm) {
    byte[] out = Primitives.hkdf(ck, ikm, EMPTY, 2 * Primitives.KEY_BYTES);
    wipe(ck);
    wipe(k);
    ck = Arrays.copyOfRange(out, 0, Primitives.KEY_BYTES);
    k = Arrays.copyOfRange(out, Primitives.KEY_BYTES, 2 * Primitives.KEY_BYTES);
    n = 0;
    wipe(out);
  }

  /** Whether a cipher key has been mixed in yet (before one is, payloads travel in clear). */
  boolean hasKey() {
    return k != null;
  }

  /**
   * Seals {@code plaintext} under k with h as associated data (or copies it if there is no key
   * yet), then hashes the result.
   */
  byte[] encryptAndHash(byte[] plaintext) {
    byte[] c =
        k == null
            ? plaintext.clone()
            : Primitives.seal(k, n++, h, plaintext, 0, plaintext.length);
    mixHash(c);
    return c;
  }

  /**
   * Opens {@code ct[off, off+len)} under k with h as associated data (or takes it as is if no
   * key), then hashes the ciphertext.
   *
   * @return the plaintext, or {@code null} if the tag does not verify
   */
  byte[] decryptAndHash(byte[] ct, int off, int len) {
    byte[] p;
    if (k == null) {
      p = Arrays.copyOfRange(ct, off, off + len);
    } else {
      p = Primitives.open(k, n, h, ct, off, len);
      if (p == null) {
        return null;
      }
      n++;
    }
    mixHash(ct, off, len);
    return p;
  }

  /** A copy of the transcript hash. */
  byte[] handshakeHash() {
    return h.clone();
  }

  /** Noise's Split(): two 32-byte keys from HKDF(ck, empty), initiator→responder first. */
  byte[][] split() {
    byte[] out = Primitives.hkdf(ck, EMPTY, EMPTY, 2 * Primitives.KEY_BYTES);
    byte[][] keys = {
      Arrays.copyOfRange(out, 0, Primitives.KEY_BYTES),
      Arrays.copyOfRange(out, Primitives.KEY_BYTES, 2 * Primitives.KEY_BYTES)
    };
    wipe(out);
    return keys;
  }

  /** An independent deep copy (for fuzz harnesses that replay many inputs from one state). */
  SymmetricState copy() {
    return new SymmetricState(ck.clone(), h.clone(), k == null ? null : k.clone(), n);
  }

  /** Zeroes the secret fields; the object must not be used afterwards. */
  void destroy() {
    wipe(ck);
    wipe(k);
    k = null;
  }

  private static void wipe(byte[] b) {
    if (b != null) {
      Arrays.fill(b, (byte) 0);
    }
  }
}
