package io.gossipkit.crypto.internal;

import io.gossipkit.crypto.AeadAlgorithm;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Internal: may change at any time. One thread's AEAD cipher from the JDK's SunJCE provider
 * ({@code AES/GCM/NoPadding} or {@code ChaCha20-Poly1305}) and the scratch buffers that keep
 * {@link AeadProtector}'s per-packet work to the cipher's own. Not thread-safe: one per thread.
 *
 * <p>Why the JDK's ciphers: on x86 and ARMv8 the JVM compiles SunJCE's AES-CTR and GHASH to AES and
 * carry-less-multiply instructions, where BouncyCastle's AES and GHASH are table-driven Java (more
 * than ten times slower, and not constant-time); SunJCE's ChaCha20-Poly1305 beats BouncyCastle's
 * on JDK 17 and gets vector intrinsics in later JDKs. Both produce exactly the RFCs' bytes, so the
 * wire format does not depend on the provider ({@code JdkAeadTest} compares them with
 * BouncyCastle's).
 *
 * <p>How the JDK is called matters as much as the cipher, and each choice here was measured
 * ({@code docs/benchmarks.md}):
 *
 * <ul>
 *   <li>The associated data goes in with one {@code updateAAD}: SunJCE collects it in a growing
 *       stream, and a second call grows (copies) it.
 *   <li>The whole input goes to one {@code doFinal}, never {@code update}: decryption buffers every
 *       {@code update} in a growing stream until the tag is checked, and GCM encryption buffers
 *       any partial block.
 *   <li>Sealing encrypts in place, at the same offset: SunJCE copies its input only when the output
 *       starts after it in the same array.
 *   <li>Opening decrypts into this thread's scratch buffer, from which the caller copies the
 *       payload: one allocation (the payload) instead of two.
 *   <li>ChaCha20-Poly1305 opens from offset 0 of the scratch buffer (see {@link #open}).
 * </ul>
 *
 * <p>{@code Cipher.init} runs once per packet, as the nonce changes; SunJCE keeps the AES key
 * schedule while the key bytes stay the same, so a session's packets do not redo it.
 */
final class JdkAead {
  /** Bytes of the authentication tag. */
  static final int TAG_BYTES = 16;
  /** Bytes of the nonce both ciphers take. */
  static final int NONCE_BYTES = 12;
  /**
   * The largest scratch buffer a thread keeps: a full UDP datagram with room to spare. Larger
   * packets (up to the policy's {@code maxPacketBytes}) get a buffer of their own, dropped after
   * the call, so a thread never holds more than this between packets.
   */
  static final int MAX_KEPT_SCRATCH = 64 * 1024 + 1024;

  /**
   * A ChaCha20 nonce the protector never uses (its nonces start with four zero bytes), to clear
   * the JDK's memory of the previous (key, nonce) pair; see {@link #init}.
   */
  private static final byte[] UNUSED_NONCE = {-1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

  private final Cipher cipher;
  private final boolean gcm;
  private final byte[] nonce = new byte[NONCE_BYTES];
  private long lastCounter = -1;
  private byte[] aad = new byte[128];
  private byte[] plain = new byte[2048];

  /** A cipher for {@code algorithm}. */
  JdkAead(AeadAlgorithm algorithm) {
    gcm = isGcm(algorithm);
    try {
      cipher = Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305", "SunJCE");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's " + (gcm ? "AES/GCM/NoPadding"
          : "ChaCha20-Poly1305") + " (SunJCE) is unavailable", e);
    }
  }

  private static boolean isGcm(AeadAlgorithm algorithm) {
    return algorithm == AeadAlgorithm.AES_128_GCM || algorithm == AeadAlgorithm.AES_256_GCM;
  }

  /**
   * The JDK key for {@code algorithm} holding a copy of {@code bytes}: 16 or 32 bytes for AES,
   * 32 for ChaCha20 (XChaCha20's subkey).
   */
  static SecretKey key(AeadAlgorithm algorithm, byte[] bytes) {
    return new SecretKeySpec(bytes, isGcm(algorithm) ? "AES" : "ChaCha20");
  }

  /**
   * Encrypts {@code buf[off, off + len)} in place and writes the tag right after it, under {@code
   * key} and the nonce {@code 0x00000000 || counter}. The associated data is {@code buf[0, off)}
   * followed by {@code ad}. {@code buf} must have {@link #TAG_BYTES} bytes after the plaintext.
   */
  void sealInPlace(SecretKey key, long counter, byte[] buf, int off, int len, byte[] ad)
      throws GeneralSecurityException {
    init(Cipher.ENCRYPT_MODE, key, counter);
    associate(buf, off, ad);
    cipher.doFinal(buf, off, len, buf, off);
  }

  /**
   * Decrypts {@code packet[off, packet.length)} (ciphertext and tag) under {@code key} and the
   * nonce {@code 0x00000000 || counter}, with associated data {@code packet[0, off)} followed by
   * {@code ad}. Returns a buffer holding the plaintext at {@code [0, packet.length - off -
   * TAG_BYTES)}: this thread's scratch, valid until its next call, so the caller copies what it
   * keeps.
   *
   * @throws AEADBadTagException if the tag does not match; nothing was decrypted then
   */
  byte[] open(SecretKey key, long counter, byte[] packet, int off, byte[] ad)
      throws GeneralSecurityException {
    int sealed = packet.length - off;
    byte[] out = plain;
    if (out.length < sealed) {
      out = new byte[sealed];
      if (sealed <= MAX_KEPT_SCRATCH) {
        plain = out;
      }
    }
    init(Cipher.DECRYPT_MODE, key, counter);
    associate(packet, off, ad);
    if (gcm) {
      cipher.doFinal(packet, off, sealed, out, 0);
    } else {
      // JDK 17's ChaCha20-Poly1305 reads its input in place only from offset 0; from any other
      // offset it first copies it through a growing stream (three arrays per packet). One copy
      // into the scratch, then decrypting there in place, is cheaper.
      System.arraycopy(packet, off, out, 0, sealed);
      cipher.doFinal(out, 0, sealed, out, 0);
    }
    return out;
  }

  private void init(int mode, SecretKey key, long counter) throws GeneralSecurityException {
    if (!gcm && counter == lastCounter) {
      // SunJCE's ChaCha20 refuses any init, even to decrypt, with the key and nonce of the one
      // before. That would let a forged packet copying a genuine packet's header, opened first,
      // make the genuine one fail, and a forged packet naming our own next counter make our next
      // seal fail. An init with a nonce we never use in between clears it. Rare: only when two
      // packets in a row on this thread carry the same counter.
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(UNUSED_NONCE));
    }
    lastCounter = counter;
    AeadProtector.putLong(nonce, 4, counter);
    // Both specs copy the nonce, so the array is reused.
    AlgorithmParameterSpec spec = gcm
        ? new GCMParameterSpec(TAG_BYTES * 8, nonce) : new IvParameterSpec(nonce);
    cipher.init(mode, key, spec);
  }

  /** Passes {@code head[0, headLen)} then {@code ad} as one piece of associated data. */
  private void associate(byte[] head, int headLen, byte[] ad) {
    int total = headLen + ad.length;
    if (total > aad.length) {
      if (total > MAX_KEPT_SCRATCH) {
        // The caller's associated data is not network input, but stay bounded anyway: two calls.
        cipher.updateAAD(head, 0, headLen);
        cipher.updateAAD(ad);
        return;
      }
      aad = new byte[total];
    }
    System.arraycopy(head, 0, aad, 0, headLen);
    System.arraycopy(ad, 0, aad, headLen, ad.length);
    cipher.updateAAD(aad, 0, total);
  }
}
