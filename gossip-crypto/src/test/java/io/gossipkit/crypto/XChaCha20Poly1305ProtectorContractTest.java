package io.gossipkit.crypto;

/** XChaCha20-Poly1305 passes the packet protector contract, as a user's protector would. */
class XChaCha20Poly1305ProtectorContractTest extends KeyringProtectorContract {
  XChaCha20Poly1305ProtectorContractTest() {
    super(AeadAlgorithm.XCHACHA20_POLY1305);
  }
}
