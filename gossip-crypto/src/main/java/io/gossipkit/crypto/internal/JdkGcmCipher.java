package io.gossipkit.crypto.internal;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Internal: may change at any time. AES-GCM from the JDK ({@code AES/GCM/NoPadding}, SunJCE)
 * behind BouncyCastle's {@link AEADCipher}, so {@link AeadProtector} keeps its code while the
 * bulk cipher runs on the JVM's AES-NI and carry-less-multiply intrinsics, which BouncyCastle's
 * Java AES cannot use. Not thread-safe: one per thread, like the cipher it replaces.
 *
 * <p>As with BouncyCastle, {@link #init} with a {@code null} key reuses the previous key. The
 * JDK buffers what {@code update} gives it in a growing stream (all of it when decrypting, a
 * partial block when encrypting); so {@link #processBytes} only remembers its input and returns
 * 0, and {@link #doFinal} processes it in one call, straight into the output. A second
 * processBytes before doFinal passes both to the JDK as ordinary updates. Callers must leave the
 * input untouched until doFinal, which {@link AeadProtector} does.
 */
final class JdkGcmCipher implements AEADCipher {
  private final Cipher cipher;
  private SecretKeySpec key;
  private byte[] pendingIn;
  private int pendingOff;
  private int pendingLen;

  JdkGcmCipher() {
    try {
      cipher = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's AES/GCM/NoPadding is unavailable", e);
    }
  }

  @Override
  public void init(boolean forEncryption, CipherParameters params) {
    AEADParameters p = (AEADParameters) params;
    pendingIn = null;
    KeyParameter k = p.getKey();
    if (k != null) {
      key = new SecretKeySpec(k.getKey(), "AES");
    } else if (key == null) {
      throw new IllegalArgumentException("no key: the first init must pass one");
    }
    try {
      cipher.init(
          forEncryption ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(p.getMacSize(), p.getNonce()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("AES-GCM init failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String getAlgorithmName() {
    return "AES/GCM";
  }

  @Override
  public void processAADByte(byte in) {
    cipher.updateAAD(new byte[] {in});
  }

  @Override
  public void processAADBytes(byte[] in, int inOff, int len) {
    cipher.updateAAD(in, inOff, len);
  }

  @Override
  public int processByte(byte in, byte[] out, int outOff) {
    return processBytes(new byte[] {in}, 0, 1, out, outOff);
  }

  @Override
  public int processBytes(byte[] in, int inOff, int len, byte[] out, int outOff) {
    if (pendingIn == null) {
      pendingIn = in;
      pendingOff = inOff;
      pendingLen = len;
      return 0;
    }
    try {
      byte[] first = pendingIn;
      pendingIn = null;
      int n = cipher.update(first, pendingOff, pendingLen, out, outOff);
      return n + cipher.update(in, inOff, len, out, outOff + n);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM update failed: " + e.getMessage(), e);
    }
  }

  @Override
  public int doFinal(byte[] out, int outOff) throws InvalidCipherTextException {
    try {
      if (pendingIn != null) {
        byte[] in = pendingIn;
        pendingIn = null;
        return cipher.doFinal(in, pendingOff, pendingLen, out, outOff);
      }
      return cipher.doFinal(out, outOff);
    } catch (AEADBadTagException e) {
      throw new InvalidCipherTextException("mac check in GCM failed");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM doFinal failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] getMac() {
    throw new UnsupportedOperationException("the tag is written by doFinal");
  }

  @Override
  public int getUpdateOutputSize(int len) {
    return cipher.getOutputSize(len);
  }

  @Override
  public int getOutputSize(int len) {
    return cipher.getOutputSize(len);
  }

  @Override
  public void reset() {
    pendingIn = null;
  }
}
