package io.gossipkit.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gossipkit.crypto.AeadAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The JDK's ciphers, as the protector calls them, produce exactly BouncyCastle's bytes (an
 * independent implementation of the same RFCs) and open BouncyCastle's packets: the wire format
 * does not depend on the provider. Also the XChaCha20-Poly1305 draft's vector through them.
 */
class JdkAeadTest {
  private static final HexFormat HEX = HexFormat.of();

  /** BouncyCastle's cipher for {@code a}: GCM over its own AES, or its ChaCha20-Poly1305. */
  private static AEADCipher bouncyCastle(AeadAlgorithm a) {
    return a == AeadAlgorithm.AES_128_GCM || a == AeadAlgorithm.AES_256_GCM
        ? GCMBlockCipher.newInstance(AESEngine.newInstance()) : new ChaCha20Poly1305();
  }

  private static byte[] nonce(long counter) {
    byte[] n = new byte[12];
    AeadProtector.putLong(n, 4, counter);
    return n;
  }

  /** BouncyCastle's ciphertext and tag of {@code plain} with associated data {@code aad}. */
  private static byte[] bcSeal(AeadAlgorithm a, byte[] key, long counter, byte[] aad,
      byte[] plain) throws InvalidCipherTextException {
    AEADCipher c = bouncyCastle(a);
    c.init(true, new AEADParameters(new KeyParameter(key), 128, nonce(counter), aad));
    byte[] out = new byte[c.getOutputSize(plain.length)];
    int n = c.processBytes(plain, 0, plain.length, out, 0);
    c.doFinal(out, n);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @ParameterizedTest
  @EnumSource(AeadAlgorithm.class)
  void sealsAndOpensExactlyAsBouncyCastleDoes(AeadAlgorithm a) throws Exception {
    SplittableRandom random = new SplittableRandom(a.id());
    JdkAead jdk = new JdkAead(a);
    // Lengths around blocks and the kept scratch size; heads and associated data of every size
    // the protector passes (a 30-byte header) and then some.
    int[] lengths = {0, 1, 15, 16, 17, 63, 64, 65, 1437, 4096, JdkAead.MAX_KEPT_SCRATCH + 1};
    for (int round = 0; round < 300; round++) {
      byte[] key = new byte[a.cipherKeyBytes()];
      random.nextBytes(key);
      SecretKey jdkKey = JdkAead.key(a, key);
      long counter = round % 3 == 0 ? round : random.nextLong() >>> 32;
      byte[] head = new byte[round % 2 == 0 ? 30 : random.nextInt(0, 200)];
      random.nextBytes(head);
      byte[] ad = new byte[random.nextInt(0, 300)];
      random.nextBytes(ad);
      byte[] plain = new byte[round < lengths.length ? lengths[round] : random.nextInt(0, 3000)];
      random.nextBytes(plain);

      byte[] expected = bcSeal(a, key, counter, concat(head, ad), plain);
      byte[] buf = Arrays.copyOf(head, head.length + plain.length + JdkAead.TAG_BYTES);
      System.arraycopy(plain, 0, buf, head.length, plain.length);
      jdk.sealInPlace(jdkKey, counter, buf, head.length, plain.length, ad);
      assertArrayEquals(expected, Arrays.copyOfRange(buf, head.length, buf.length),
          a + " round " + round);

      byte[] opened = jdk.open(jdkKey, counter, buf, head.length, ad);
      assertArrayEquals(plain, Arrays.copyOf(opened, plain.length), a + " round " + round);

      byte[] flipped = buf.clone();
      int bit = random.nextInt(flipped.length * 8);
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThrows(AEADBadTagException.class,
          () -> jdk.open(jdkKey, counter, flipped, head.length, ad), a + " bit " + bit);
      assertThrows(AEADBadTagException.class,
          () -> jdk.open(jdkKey, counter + 1, buf, head.length, ad), a + " another nonce");
    }
  }

  @Test
  void xChaCha20Poly1305MatchesTheDraftsAppendixA_3_1Vector() throws Exception {
    byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one"
        + " tip for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    byte[] aad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    byte[] key = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    byte[] iv = HEX.parseHex("404142434445464748494a4b4c4d4e4f5051525354555657");
    byte[] expected = HEX.parseHex("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
        + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
        + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
        + "21f9664c97637da9768812f615c68b13b52e"
        + "c0875924c1c7987947deafd8780acf49");
    // The protector's nonce is 0x00000000 || counter, as XChaCha20's inner nonce is
    // 0x00000000 || iv[16..24]: the vector's last 8 iv bytes are the counter.
    SecretKey subkey = JdkAead.key(AeadAlgorithm.XCHACHA20_POLY1305, HChaCha20.subkey(key, iv, 0));
    long counter = AeadProtector.getLong(iv, 16);
    JdkAead jdk = new JdkAead(AeadAlgorithm.XCHACHA20_POLY1305);

    byte[] buf = Arrays.copyOf(plaintext, plaintext.length + JdkAead.TAG_BYTES);
    jdk.sealInPlace(subkey, counter, buf, 0, plaintext.length, aad);
    assertArrayEquals(expected, buf);
    assertArrayEquals(plaintext,
        Arrays.copyOf(jdk.open(subkey, counter, expected, 0, aad), plaintext.length));
  }
}
