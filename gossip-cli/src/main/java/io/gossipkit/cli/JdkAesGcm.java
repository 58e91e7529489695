package io.gossipkit.cli;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.PacketProtector;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JDK's own AES-GCM doing the bulk work a packet protector does, as the baseline: a fresh
 * 96-bit nonce per packet (4 random bytes, then an 8-byte counter), {@code Cipher.init} and
 * {@code doFinal} to seal and to open, the same associated data. The packet is nonce,
 * ciphertext, 16-byte tag. It keeps no replay window and names no key.
 *
 * <p>Thread-safe: seal and open each lock their own cipher. Shared by gossip bench crypto and
 * the JMH benchmarks in gossip-benchmarks, so both measure the same baseline.
 */
public final class JdkAesGcm implements PacketProtector {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final String name;
  private final Cipher encrypt;
  private final Cipher decrypt;
  private final byte[] nonce = new byte[NONCE_BYTES];
  private long counter;

  /** A sealer and opener under {@code key}: 16 bytes for AES-128, 32 for AES-256. */
  public JdkAesGcm(byte[] key) {
    if (key.length != 16 && key.length != 32) {
      throw new IllegalArgumentException("key must be 16 or 32 bytes, was " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
    this.name = "jdk-aes-" + key.length * 8 + "-gcm";
    try {
      encrypt = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      decrypt = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SunJCE AES/GCM/NoPadding is unavailable", e);
    }
    new SecureRandom().nextBytes(nonce);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] seal(byte[] plaintext, byte[] associatedData) {
    synchronized (encrypt) {
      ByteBuffer.wrap(nonce).putLong(4, ++counter);
      byte[] packet = new byte[NONCE_BYTES + plaintext.length + TAG_BITS / 8];
      System.arraycopy(nonce, 0, packet, 0, NONCE_BYTES);
      try {
        encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        encrypt.updateAAD(associatedData);
        encrypt.doFinal(plaintext, 0, plaintext.length, packet, NONCE_BYTES);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM failed to seal", e);
      }
      return packet;
    }
  }

  @Override
  public byte[] open(byte[] packet, byte[] associatedData) throws AuthenticationException {
    if (packet.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new AuthenticationException("packet shorter than nonce and tag");
    }
    synchronized (decrypt) {
      try {
        decrypt.init(
            Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, packet, 0, NONCE_BYTES));
        decrypt.updateAAD(associatedData);
        return decrypt.doFinal(packet, NONCE_BYTES, packet.length - NONCE_BYTES);
      } catch (AEADBadTagException e) {
        throw new AuthenticationException("tag mismatch");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM failed to open", e);
      }
    }
  }

  @Override
  public int overheadBytes() {
    return NONCE_BYTES + TAG_BITS / 8;
  }
}