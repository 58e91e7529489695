package io.gossipkit.crypto;

/** AES-256-GCM passes the packet protector contract, as a user's protector would. */
class Aes256GcmProtectorContractTest extends KeyringProtectorContract {
  Aes256GcmProtectorContractTest() {
    super(AeadAlgorithm.AES_256_GCM);
  }
}
