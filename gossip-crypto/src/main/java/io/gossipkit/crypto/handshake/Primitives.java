package io.gossipkit.crypto.handshake;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The few primitives the handshake and channel use (BouncyCastle's X25519, Ed25519 and HKDF,
 * the JDK's AES-GCM), behind one class so
 * that no BouncyCastle type leaks into a public signature and every BouncyCastle runtime exception
 * is turned into a plain result here.
 */
final class Primitives {
  static final int KEY_BYTES = 32;
  static final int HASH_BYTES = 32;
  static final int TAG_BYTES = 16;
  static final int NONCE_BYTES = 12;
  static final int DH_PUBLIC_BYTES = X25519PublicKeyParameters.KEY_SIZE;
  static final int ED25519_PUBLIC_BYTES = Ed25519PublicKeyParameters.KEY_SIZE;
  static final int ED25519_PRIVATE_BYTES = Ed25519PrivateKeyParameters.KEY_SIZE;
  static final int SIGNATURE_BYTES = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;

  private Primitives() {}

  /** SHA-256 over the concatenation of {@code parts}. */
  static byte[] sha256(byte[]... parts) {
    SHA256Digest d = new SHA256Digest();
    for (byte[] p : parts) {
      d.update(p, 0, p.length);
    }
    byte[] out = new byte[HASH_BYTES];
    d.doFinal(out, 0);
    return out;
  }

  /** RFC 5869 HKDF-SHA256 (extract then expand) to {@code length} bytes. */
  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
    g.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    g.generateBytes(out, 0, length);
    return out;
  }

  /** A 96-bit AES-GCM nonce: four zero bytes, then {@code counter} big-endian (Noise's AESGCM). */
  static byte[] nonce(long counter) {
    byte[] n = new byte[NONCE_BYTES];
    for (int i = 0; i < 8; i++) {
      n[NONCE_BYTES - 1 - i] = (byte) (counter >>> (8 * i));
    }
    return n;
  }

  /**
   * One AES-GCM cipher per thread. The JDK's AES-GCM runs on AES-NI and carry-less multiply
   * instructions: several times BouncyCastle's pure-Java ChaCha20-Poly1305, which made the secure
   * channel, not the socket, the limit of a TCP stream (docs/tcp.md).
   */
  private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no AES/GCM/NoPadding", e);
    }
  });

  private static Cipher gcm(int mode, byte[] key, long counter, byte[] ad)
      throws GeneralSecurityException {
    Cipher c = GCM.get();
    SecretKeySpec k = new SecretKeySpec(key, "AES");
    GCMParameterSpec p = new GCMParameterSpec(TAG_BYTES * 8, nonce(counter));
    try {
      c.init(mode, k, p);
    } catch (InvalidAlgorithmParameterException sameAsLast) {
      // The JDK refuses to encrypt twice in a row under one (key, nonce) on one Cipher. Counters
      // never repeat within a session and each session's keys come from fresh ephemeral X25519
      // keys, so this happens only when a test's seeded randomness makes one session's keys
      // repeat an earlier one's; a fresh Cipher, which remembers no previous nonce, serves it.
      c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, k, p);
      GCM.set(c);
    }
    if (ad != null && ad.length > 0) {
      c.updateAAD(ad);
    }
    return c;
  }

  /**
   * AES-GCM seal of {@code pt[off, off+len)} (AES-128 or AES-256 by the key's length); returns
   * ciphertext followed by the tag.
   */
  static byte[] seal(byte[] key, long counter, byte[] ad, byte[] pt, int off, int len) {
    byte[] out = new byte[len + TAG_BYTES];
    sealInto(key, counter, ad, pt, off, len, out, 0);
    return out;
  }

  /** As {@link #seal} but writes into {@code out} at {@code outOff}. */
  static void sealInto(
      byte[] key, long counter, byte[] ad, byte[] pt, int off, int len, byte[] out, int outOff) {
    try {
      gcm(Cipher.ENCRYPT_MODE, key, counter, ad).doFinal(pt, off, len, out, outOff);
    } catch (GeneralSecurityException e) {
      // Only a repeated (key, nonce) gets here, which the counters rule out: a bug, not input.
      throw new IllegalStateException("AES-GCM seal failed", e);
    }
  }

  /**
   * AES-GCM open of {@code ct[off, off+len)} (ciphertext then tag) into {@code out} at {@code
   * outOff}.
   *
   * @return false if the tag does not verify or the input is shorter than a tag; {@code out} may
   *     then hold garbage and must be discarded
   */
  static boolean openInto(
      byte[] key, long counter, byte[] ad, byte[] ct, int off, int len, byte[] out, int outOff) {
    if (len < TAG_BYTES) {
      return false;
    }
    try {
      gcm(Cipher.DECRYPT_MODE, key, counter, ad).doFinal(ct, off, len, out, outOff);
      return true;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * AES-GCM open of {@code ct[off, off+len)} (ciphertext then tag).
   *
   * @return the plaintext, or {@code null} if the tag does not verify or the input is shorter than
   *     a tag
   */
  static byte[] open(byte[] key, long counter, byte[] ad, byte[] ct, int off, int len) {
    if (len < TAG_BYTES) {
      return null;
    }
    try {
      // The JDK releases plaintext only after the tag verified: nothing of a forgery escapes.
      return gcm(Cipher.DECRYPT_MODE, key, counter, ad).doFinal(ct, off, len);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  /** A fresh X25519 key pair drawn from {@code random}. */
  static X25519PrivateKeyParameters newEphemeral(SecureRandom random) {
    return new X25519PrivateKeyParameters(random);
  }

  /** The 32-byte public key of {@code priv}. */
  static byte[] publicKey(X25519PrivateKeyParameters priv) {
    return priv.generatePublicKey().getEncoded();
  }

  /**
   * X25519 of our private key and the peer's public key.
   *
   * @return the 32-byte shared secret, or {@code null} if the peer's key is a low-order point
   */
  static byte[] x25519(X25519PrivateKeyParameters priv, byte[] peerPublic, int off) {
    byte[] secret = new byte[DH_PUBLIC_BYTES];
    try {
      priv.generateSecret(new X25519PublicKeyParameters(peerPublic, off), secret, 0);
      return secret;
    } catch (IllegalStateException e) {
      // BouncyCastle refuses an all-zero result ("X25519 agreement failed"), which is what a
      // low-order point gives; RFC 7748 section 6.1 says to abort.
      return null;
    }
  }

  /** Parses an Ed25519 private key, or returns {@code null} if it has the wrong length. */
  static Ed25519PrivateKeyParameters ed25519Private(byte[] raw) {
    if (raw == null || raw.length != ED25519_PRIVATE_BYTES) {
      return null;
    }
    return new Ed25519PrivateKeyParameters(raw, 0);
  }

  /** Parses an Ed25519 public key, or returns {@code null} if it is not a valid point. */
  static Ed25519PublicKeyParameters ed25519Public(byte[] raw) {
    if (raw == null || raw.length != ED25519_PUBLIC_BYTES) {
      return null;
    }
    try {
      return new Ed25519PublicKeyParameters(raw, 0);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** An Ed25519 signature over {@code context || message}. */
  static byte[] sign(Ed25519PrivateKeyParameters key, byte[] context, byte[] message) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    s.update(context, 0, context.length);
    s.update(message, 0, message.length);
    return s.generateSignature();
  }

  /** Whether {@code sig} is an Ed25519 signature by {@code key} over {@code context || message}. */
  static boolean verify(
      Ed25519PublicKeyParameters key, byte[] context, byte[] message, byte[] sig) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(false, key);
    s.update(context, 0, context.length);
    s.update(message, 0, message.length);
    return s.verifySignature(sig);
  }
}
