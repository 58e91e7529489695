package io.gossipkit.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.crypto.internal.HChaCha20;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The wire format of docs/security.md, checked from outside: packets built by hand from the
 * document (BouncyCastle's ciphers, not the protector's) open, sealed packets decrypt by the
 * document, and packets sealed by earlier releases still open.
 */
class WireFormatTest {
  private static final byte[] AD = "gossipkit/1/wire".getBytes(StandardCharsets.UTF_8);
  private static final long NOW = 1_700_000_000_000L;
  private static final Clock CLOCK = () -> NOW;

  /** The cipher key of a session: HKDF-SHA256, then HChaCha20 for XChaCha20, as documented. */
  private static byte[] sessionKey(AeadAlgorithm a, byte[] keyringKey, byte[] sessionId) {
    byte[] key = new byte[a.cipherKeyBytes()];
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(SHA256Digest.newInstance());
    hkdf.init(new HKDFParameters(keyringKey, sessionId,
        ("gossipkit packet v1 " + a.wireName()).getBytes(StandardCharsets.UTF_8)));
    hkdf.generateBytes(key, 0, key.length);
    return a == AeadAlgorithm.XCHACHA20_POLY1305 ? HChaCha20.subkey(key, sessionId, 0) : key;
  }

  private static AEADCipher cipher(AeadAlgorithm a, boolean encrypt, byte[] key, byte[] header,
      long counter) {
    AEADCipher c = a == AeadAlgorithm.AES_128_GCM || a == AeadAlgorithm.AES_256_GCM
        ? GCMBlockCipher.newInstance(AESEngine.newInstance()) : new ChaCha20Poly1305();
    byte[] nonce = ByteBuffer.allocate(12).putLong(4, counter).array();
    byte[] aad = ByteBuffer.allocate(header.length + AD.length).put(header).put(AD).array();
    c.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
    return c;
  }

  /** A packet laid out by hand: header, then id length, id, time and payload, sealed. */
  private static byte[] handMade(AeadAlgorithm a, byte[] keyringKey, int keyId, byte[] sessionId,
      long counter, String sender, byte[] payload) throws Exception {
    byte[] id = sender.getBytes(StandardCharsets.UTF_8);
    byte[] header = ByteBuffer.allocate(30).put((byte) 1).put((byte) a.id()).putInt(keyId)
        .put(sessionId).putLong(counter).array();
    byte[] inner = ByteBuffer.allocate(1 + id.length + 8 + payload.length).put((byte) id.length)
        .put(id).putLong(NOW).put(payload).array();
    AEADCipher c = cipher(a, true, sessionKey(a, keyringKey, sessionId), header, counter);
    byte[] packet = Arrays.copyOf(header, 30 + c.getOutputSize(inner.length));
    int n = c.processBytes(inner, 0, inner.length, packet, 30);
    c.doFinal(packet, 30 + n);
    return packet;
  }

  @ParameterizedTest
  @EnumSource(AeadAlgorithm.class)
  void packetsBuiltByHandFromTheDocumentOpenWithTheSenderIdEachCarries(AeadAlgorithm a)
      throws Exception {
    SplittableRandom random = new SplittableRandom(a.id());
    byte[] keyringKey = new byte[32];
    random.nextBytes(keyringKey);
    byte[] session = new byte[16];
    random.nextBytes(session);
    AeadPacketProtector bob = PacketProtectors.create(a, Keyring.of(5, keyringKey),
        NodeId.of("bob"), CLOCK, ReplayPolicy.defaults());
    // Any key holder may claim any sender id, even within one session: each packet's own counts.
    String[] senders = {"alice", "alice", "mallory", "alice", "ålice"};
    for (int i = 0; i < senders.length; i++) {
      byte[] payload = ("payload " + i).getBytes(StandardCharsets.UTF_8);
      OpenedPacket opened = bob.openPacket(
          handMade(a, keyringKey, 5, session, i, senders[i], payload), AD);
      assertArrayEquals(payload, opened.payload(), a + " packet " + i);
      assertEquals(NodeId.of(senders[i]), opened.sender(), a + " packet " + i);
      assertEquals(NOW, opened.sentAtMillis());
    }
  }

  @ParameterizedTest
  @EnumSource(AeadAlgorithm.class)
  void sealedPacketsDecryptByTheDocument(AeadAlgorithm a) throws Exception {
    byte[] keyringKey = Keyring.randomKey();
    AeadPacketProtector alice = PacketProtectors.create(a, Keyring.of(9, keyringKey),
        NodeId.of("alice"), CLOCK, ReplayPolicy.defaults());
    byte[] payload = new byte[1400];
    new SplittableRandom(7).nextBytes(payload);
    for (int i = 0; i < 3; i++) {
      byte[] packet = alice.seal(payload, AD);
      ByteBuffer header = ByteBuffer.wrap(packet, 0, 30);
      assertEquals(1, header.get());
      assertEquals(a.id(), header.get());
      assertEquals(9, header.getInt());
      byte[] session = new byte[16];
      header.get(session);
      assertEquals(i, header.getLong());
      AEADCipher c = cipher(a, false, sessionKey(a, keyringKey, session),
          Arrays.copyOf(packet, 30), i);
      byte[] inner = new byte[c.getOutputSize(packet.length - 30)];
      int n = c.processBytes(packet, 30, packet.length - 30, inner, 0);
      c.doFinal(inner, n);
      ByteBuffer b = ByteBuffer.wrap(inner);
      assertEquals(5, b.get());
      byte[] id = new byte[5];
      b.get(id);
      assertEquals("alice", new String(id, StandardCharsets.UTF_8));
      assertEquals(NOW, b.getLong());
      assertArrayEquals(payload, Arrays.copyOfRange(inner, b.position(), inner.length));
    }
  }

  /**
   * "gossip packet" sealed by "alice" under key 1 (32 bytes of 0x42) at {@link #NOW} with the
   * fuzz harness's associated data, by the implementation as of commit f1d36c3 (BouncyCastle's
   * ChaCha20-Poly1305, the JDK's AES-GCM): the first seeds of its committed Jazzer corpus.
   */
  @Test
  void packetsSealedByTheEarlierImplementationStillOpen() throws Exception {
    String[][] sealed = {
      {"aes-256-gcm", "010100000001908532da8a398c54850779ad200a48a90000000000000001db5c3ca2e7a2"
          + "e16ccaff59789d59ea739cc62fa231c4e093116e783025a456f0cd6298792c8d735d41692e"},
      {"chacha20-poly1305", "01020000000104f471ddd71d10f52bbd3b6a9f42d055000000000000000161d936"
          + "ca6f51ddd8f8dd47cffb954caa47a621a66367a5482bc15e1b88e6d2d5fc8f31da6e70f96e7db989"},
      {"xchacha20-poly1305", "010300000001cf07363b93169547f09ad46fd597cd920000000000000001baa8"
          + "13c562709d28f0fee299bd1b58fea7e6477952b3994ccc6054c33d16b28bfa385ac22f72edf1ea3aee"},
    };
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x42);
    byte[] ad = "gossipkit/fuzz".getBytes(StandardCharsets.UTF_8);
    for (String[] s : sealed) {
      AeadPacketProtector bob = (AeadPacketProtector) PacketProtectors.byName(s[0],
          Keyring.of(1, key), NodeId.of("bob"), CLOCK);
      OpenedPacket opened = bob.openPacket(HexFormat.of().parseHex(s[1]), ad);
      assertEquals("gossip packet", new String(opened.payload(), StandardCharsets.UTF_8), s[0]);
      assertEquals(NodeId.of("alice"), opened.sender(), s[0]);
      assertEquals(NOW, opened.sentAtMillis(), s[0]);
    }
  }
}
