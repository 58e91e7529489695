package io.gossipkit.crypto;

/** AES-128-GCM passes the packet protector contract, as a user's protector would. */
class Aes128GcmProtectorContractTest extends KeyringProtectorContract {
  Aes128GcmProtectorContractTest() {
    super(AeadAlgorithm.AES_128_GCM);
  }
}
