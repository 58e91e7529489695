package io.gossipkit.crypto.internal;

/**
 * Internal: may change at any time. HChaCha20 (draft-irtf-cfrg-xchacha, section 2.2): the ChaCha20
 * block function without the final addition, keeping words 0 to 3 and 12 to 15 as a 256-bit
 * subkey. XChaCha20-Poly1305 is ChaCha20-Poly1305 under {@code HChaCha20(key, nonce[0..16])} with
 * nonce {@code 0x00000000 || nonce[16..24]}; neither SunJCE nor BouncyCastle has it.
 */
public final class HChaCha20 {
  private HChaCha20() {}

  /** The 32-byte subkey for {@code key} (32 bytes) and the 16 bytes of {@code nonce} at {@code off}. */
  public static byte[] subkey(byte[] key, byte[] nonce, int off) {
    if (key.length != 32 || nonce.length < off + 16) {
      throw new IllegalArgumentException("HChaCha20 needs a 32-byte key and 16 nonce bytes");
    }
    int[] x = new int[16];
    x[0] = 0x61707865; // "expand 32-byte k"
    x[1] = 0x3320646e;
    x[2] = 0x79622d32;
    x[3] = 0x6b206574;
    for (int i = 0; i < 8; i++) {
      x[4 + i] = le32(key, 4 * i);
    }
    for (int i = 0; i < 4; i++) {
      x[12 + i] = le32(nonce, off + 4 * i);
    }
    for (int round = 0; round < 10; round++) {
      quarter(x, 0, 4, 8, 12);
      quarter(x, 1, 5, 9, 13);
      quarter(x, 2, 6, 10, 14);
      quarter(x, 3, 7, 11, 15);
      quarter(x, 0, 5, 10, 15);
      quarter(x, 1, 6, 11, 12);
      quarter(x, 2, 7, 8, 13);
      quarter(x, 3, 4, 9, 14);
    }
    byte[] out = new byte[32];
    for (int i = 0; i < 4; i++) {
      putLe32(out, 4 * i, x[i]);
      putLe32(out, 16 + 4 * i, x[12 + i]);
    }
    java.util.Arrays.fill(x, 0);
    return out;
  }

  private static void quarter(int[] x, int a, int b, int c, int d) {
    x[a] += x[b];
    x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
    x[c] += x[d];
    x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
    x[a] += x[b];
    x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
    x[c] += x[d];
    x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
  }

  private static int le32(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
  }

  private static void putLe32(byte[] b, int i, int v) {
    b[i] = (byte) v;
    b[i + 1] = (byte) (v >>> 8);
    b[i + 2] = (byte) (v >>> 16);
    b[i + 3] = (byte) (v >>> 24);
  }
}
