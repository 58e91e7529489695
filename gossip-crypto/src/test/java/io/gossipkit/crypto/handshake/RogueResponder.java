package io.gossipkit.crypto.handshake;

import io.gossipkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A responder that follows the protocol with whatever PSK it is given but does not check the
 * initiator's tag: it shows that the initiator, too, refuses a peer without the cluster's PSK.
 */
final class RogueResponder {
  private RogueResponder() {}

  static byte[] respond(byte[] init, byte[] psk, NodeId self) {
    SymmetricState s = SymmetricState.initialize(Fixtures.LABEL.getBytes(StandardCharsets.UTF_8),
        ChannelCipher.AES_128_GCM);
    s.mixKey(psk);
    int prefix = init.length - Primitives.TAG_BYTES;
    s.mixHash(init, 0, prefix);
    byte[] eI = Arrays.copyOfRange(init, 20, 52);
    s.mixKey(eI);
    s.mixHash(init, prefix, Primitives.TAG_BYTES); // as decryptAndHash would, without checking
    var eph = Primitives.newEphemeral(new DeterministicRandom(99));
    byte[] eR = Primitives.publicKey(eph);
    byte[] head =
        HandshakeCodec.responsePrefix(
            AuthMode.PSK, eR, self.value().getBytes(StandardCharsets.UTF_8));
    s.mixHash(head);
    s.mixKey(eR);
    s.mixKey(Primitives.x25519(eph, eI, 0));
    return HandshakeCodec.concat(head, s.encryptAndHash(new byte[0]));
  }
}
