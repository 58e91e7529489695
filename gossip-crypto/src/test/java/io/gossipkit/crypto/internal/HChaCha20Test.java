package io.gossipkit.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * HChaCha20 against draft-irtf-cfrg-xchacha-03; {@link JdkAeadTest} checks the XChaCha20-Poly1305
 * built on it against the draft's AEAD vector.
 */
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
}
