package io.gossipkit.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** HChaCha20 and the XChaCha20-Poly1305 built on it, against draft-irtf-cfrg-xchacha-03. */
class HChaCha20Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void subkeyMatchesTheDraftsSection2_2_1Vector() {
    byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    byte[] nonce = HEX.parseHex("000000090000004a0000000031415927");
    assertArrayEquals(
        HEX.parseHex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"),
        HChaCha20.subkey(key, nonce, 0));
  }

  @Test
  void xChaCha20Poly1305MatchesTheDraftsAppendixA_3_1Vector() throws InvalidCipherTextException {
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

    byte[] subkey = HChaCha20.subkey(key, iv, 0);
    byte[] nonce = new byte[12];
    System.arraycopy(iv, 16, nonce, 4, 8);
    ChaCha20Poly1305 c = new ChaCha20Poly1305();
    c.init(true, new AEADParameters(new KeyParameter(subkey), 128, nonce, aad));
    byte[] out = new byte[c.getOutputSize(plaintext.length)];
    int n = c.processBytes(plaintext, 0, plaintext.length, out, 0);
    c.doFinal(out, n);
    assertArrayEquals(expected, out);

    c.init(false, new AEADParameters(new KeyParameter(subkey), 128, nonce, aad));
    byte[] back = new byte[plaintext.length];
    n = c.processBytes(out, 0, out.length, back, 0);
    c.doFinal(back, n);
    assertArrayEquals(plaintext, Arrays.copyOf(back, plaintext.length));
  }
}
