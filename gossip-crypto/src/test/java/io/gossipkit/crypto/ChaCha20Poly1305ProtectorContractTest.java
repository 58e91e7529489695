package io.gossipkit.crypto;

/** ChaCha20-Poly1305 passes the packet protector contract, as a user's protector would. */
class ChaCha20Poly1305ProtectorContractTest extends KeyringProtectorContract {
  ChaCha20Poly1305ProtectorContractTest() {
    super(AeadAlgorithm.CHACHA20_POLY1305);
  }
}
