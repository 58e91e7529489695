package io.gossipkit.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.NodeId;
import io.gossipkit.crypto.internal.KeyEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing, using, removing and loading keys. */
class KeyringTest {
  private static final byte[] AD = "gossipkit/1/k".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private static byte[] key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  private static String b64(byte[] k) {
    return Base64.getEncoder().encodeToString(k);
  }

  @Test
  void theFirstKeyIsPrimaryAndUseSwitchesIt() {
    Keyring keys = Keyring.of(1, key(1));
    keys.install(2, key(2));
    assertEquals(1, keys.primaryId());
    keys.use(2);
    assertEquals(2, keys.primaryId());
    assertEquals(List.of(1, 2), new ArrayList<>(keys.ids()));
    assertTrue(keys.contains(1));
  }

  @Test
  void removingThePrimaryIsRefusedWithTheWayOut() {
    Keyring keys = Keyring.of(1, key(1));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> keys.remove(1));
    assertEquals("cannot remove key 1: it is the primary, which seals every packet; install a "
        + "new key and use(newId) first", e.getMessage());
    assertTrue(keys.contains(1));
  }

  @Test
  void removingAKeyZeroesItAndItsPacketsNoLongerOpen() throws Exception {
    Keyring keys = Keyring.of(1, key(1));
    AeadPacketProtector a = PacketProtectors.aes256Gcm(keys, NodeId.of("a"), () -> 5);
    AeadPacketProtector b = PacketProtectors.aes256Gcm(keys, NodeId.of("b"), () -> 5);
    byte[] old = a.seal(new byte[3], AD);
    keys.install(2, key(2));
    keys.use(2);
    KeyEntry removed = keys.snapshot().get(1);
    assertTrue(keys.remove(1));
    assertTrue(removed.isDestroyed());
    assertEquals(null, removed.copyKey());
    assertFalse(keys.remove(1), "removing twice");
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> b.open(old, AD));
    assertEquals("unknown key id 1", e.getMessage());
    assertArrayEquals(new byte[3], b.open(a.seal(new byte[3], AD), AD));
  }

  @Test
  void installingAnIdTwiceIsIdempotentForTheSameKeyAndRefusedForAnother() {
    Keyring keys = Keyring.of(1, key(1));
    KeyEntry before = keys.snapshot().get(1);
    keys.install(1, key(1));
    assertSame(before, keys.snapshot().get(1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> keys.install(1, key(9)));
    assertTrue(e.getMessage().startsWith("key id 1 is already installed"), e.getMessage());
  }

  @Test
  void badIdsAndKeysAndUnknownPrimariesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Keyring.of(-1, key(1)));
    assertThrows(IllegalArgumentException.class, () -> Keyring.of(1, new byte[16]));
    Keyring keys = Keyring.of(1, key(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> keys.use(5));
    assertEquals("cannot use key 5: it is not installed (installed: [1])", e.getMessage());
  }

  @Test
  void theKeyringCopiesKeysIn() {
    byte[] k = key(1);
    Keyring keys = Keyring.of(1, k);
    Arrays.fill(k, (byte) 0);
    byte[] held = keys.snapshot().get(1).copyKey();
    assertArrayEquals(key(1), held);
  }

  @Test
  void toStringShowsIdsOnly() {
    Keyring keys = Keyring.of(3, key(0x41));
    keys.install(4, AeadAlgorithm.AES_256_GCM, key(0x42));
    assertEquals("Keyring[primary=3, ids=[3, 4]]", keys.toString());
    assertEquals("key 4 (aes-256-gcm)", keys.snapshot().get(4).toString());
  }

  @Test
  void parsesCommentsBlankLinesTagsAndThePrimaryLine() {
    Keyring keys = Keyring.parse("# cluster keys\n\nprimary 7\n3 aes-256-gcm " + b64(key(3))
        + "   # old\n7 " + b64(key(7)) + "\n");
    assertEquals(7, keys.primaryId());
    assertEquals(List.of(3, 7), new ArrayList<>(keys.ids()));
    assertEquals(AeadAlgorithm.AES_256_GCM, keys.algorithmOf(3).orElseThrow());
    assertTrue(keys.algorithmOf(7).isEmpty());
  }

  @Test
  void aSingleKeyNeedsNoPrimaryLineButSeveralDo() {
    assertEquals(4, Keyring.parse("4 " + b64(key(4))).primaryId());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Keyring.parse("1 " + b64(key(1)) + "\n2 " + b64(key(2))));
    assertEquals("keys: 2 keys and no 'primary <id>' line to say which one seals", e.getMessage());
  }

  @Test
  void parseErrorsNameTheLineButNeverTheKey() {
    String almost = b64(key(5)).substring(0, 40) + "!!!=";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Keyring.parse("# c\n5 " + almost));
    assertEquals("keys: line 2: key 5 is not valid base64", e.getMessage());
    assertFalse(e.getMessage().contains(almost.substring(0, 10)));

    e = assertThrows(IllegalArgumentException.class, () -> Keyring.parse(b64(key(1)) + " 1"));
    assertTrue(e.getMessage().startsWith("keys: line 1: key id must be a number"), e.getMessage());
    assertFalse(e.getMessage().contains(b64(key(1)).substring(0, 10)), e.getMessage());

    assertMessage("1 " + b64(new byte[16]), "keys: line 1: key 1 must be 32 bytes, was 16");
    assertMessage("1 " + b64(key(1)) + "\n1 " + b64(key(2)),
        "keys: line 2: key id 1 appears twice");
    assertMessage("primary 9\n1 " + b64(key(1)), "keys: primary key 9 is not among the keys [1]");
    assertMessage("1 aes-128 " + b64(key(1)), "keys: line 1: key 1: the second of three fields"
        + " is not an algorithm (expected one of aes-256-gcm, chacha20-poly1305,"
        + " xchacha20-poly1305, aes-128-gcm, then the base64 key)");
    // Fields out of order put the key where the algorithm goes: it is not echoed.
    e = assertThrows(IllegalArgumentException.class,
        () -> Keyring.parse("1 " + b64(key(1)) + " aes-256-gcm"));
    assertFalse(e.getMessage().contains(b64(key(1)).substring(0, 10)), e.getMessage());
    assertMessage("# nothing", "keys: no keys");
  }

  private static void assertMessage(String text, String message) {
    assertEquals(message,
        assertThrows(IllegalArgumentException.class, () -> Keyring.parse(text)).getMessage());
  }

  @Test
  void readsKeysFromAnEnvironmentValueWithSemicolonsForNewlines() {
    Keyring keys = Keyring.fromEnvironment("GOSSIP_KEYS",
        "primary 2; 1 " + b64(key(1)) + "; 2 chacha20-poly1305 " + b64(key(2)));
    assertEquals(2, keys.primaryId());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Keyring.fromEnvironment("GOSSIP_KEYS", null));
    assertTrue(e.getMessage().startsWith("environment variable GOSSIP_KEYS is not set"));
    e = assertThrows(IllegalArgumentException.class,
        () -> Keyring.fromEnvironment("GOSSIP_KEYS", " "));
    assertTrue(e.getMessage().startsWith("environment variable GOSSIP_KEYS is empty"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Keyring.fromEnvironment("GOSSIP_KEYS", "1 xyz"));
    assertTrue(e.getMessage().startsWith("environment variable GOSSIP_KEYS: line 1:"));
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private Path keyFile(String text, String perms) throws IOException {
    Path f = dir.resolve("cluster.key");
    Files.deleteIfExists(f);
    Files.writeString(f, text);
    if (posix()) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
    }
    return f;
  }

  @Test
  void loadsAnOwnerOnlyKeyFile() throws IOException {
    Path f = keyFile("primary 2\n1 " + b64(key(1)) + "\n2 " + b64(key(2)) + "\n", "rw-------");
    Keyring keys = Keyring.load(f);
    assertEquals(2, keys.primaryId());
    assertEquals(2, Keyring.load(keyFile("2 " + b64(key(2)), "r--------")).primaryId());
  }

  @Test
  void refusesAKeyFileOthersCanReadOrWrite() throws IOException {
    assumeTrue(posix(), "no POSIX permissions on this filesystem");
    for (String perms : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
      Path f = keyFile("1 " + b64(key(1)), perms);
      IOException e = assertThrows(IOException.class, () -> Keyring.load(f), perms);
      assertTrue(e.getMessage().startsWith("refusing key file " + f + ": its permissions are "
          + perms), e.getMessage());
      assertTrue(e.getMessage().endsWith("run 'chmod 600 " + f + "' (owner read/write only)"));
    }
  }

  @Test
  void keyFileFormatErrorsAreIoErrorsNamingTheFileAndLine() throws IOException {
    Path f = keyFile("1 " + b64(key(1)) + "\n2 %%%%\n", "rw-------");
    IOException e = assertThrows(IOException.class, () -> Keyring.load(f));
    assertEquals(f + ": line 2: key 2 is not valid base64", e.getMessage());
    Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe});
    assertEquals("key file " + f + " is not UTF-8 text",
        assertThrows(IOException.class, () -> Keyring.load(f)).getMessage());
  }

  @Test
  void reloadRotatesInThreeEditsKeepingUnchangedKeysAndZeroingDroppedOnes() throws Exception {
    Path f = keyFile("1 " + b64(key(1)), "rw-------");
    Keyring keys = Keyring.load(f);
    KeyEntry one = keys.snapshot().get(1);
    AeadPacketProtector a = PacketProtectors.aes256Gcm(keys, NodeId.of("a"), () -> 5);
    AeadPacketProtector b = PacketProtectors.aes256Gcm(keys, NodeId.of("b"), () -> 5);
    byte[] underOne = a.seal(new byte[1], AD);

    keyFile("primary 1\n1 " + b64(key(1)) + "\n2 " + b64(key(2)), "rw-------");
    keys.reload(f); // step 1: install
    assertSame(one, keys.snapshot().get(1), "an unchanged key keeps its entry");
    assertEquals(1, keys.primaryId());

    keyFile("primary 2\n1 " + b64(key(1)) + "\n2 " + b64(key(2)), "rw-------");
    keys.reload(f); // step 2: use
    assertEquals(2, keys.primaryId());
    assertArrayEquals(new byte[1], b.open(underOne, AD));
    byte[] underTwo = a.seal(new byte[2], AD);
    assertEquals(2, underTwo[5]);

    keyFile("2 " + b64(key(2)), "rw-------");
    keys.reload(f); // step 3: remove
    assertTrue(one.isDestroyed());
    assertEquals(List.of(2), new ArrayList<>(keys.ids()));
    assertArrayEquals(new byte[2], b.open(underTwo, AD));
  }

  @Test
  void aFailedReloadLeavesTheKeyringUnchanged() throws IOException {
    Path f = keyFile("1 " + b64(key(1)), "rw-------");
    Keyring keys = Keyring.load(f);
    keyFile("1 " + b64(key(1)) + "\n2 " + b64(key(2)), "rw-------");
    assertThrows(IOException.class, () -> keys.reload(f));
    assertEquals("Keyring[primary=1, ids=[1]]", keys.toString());
  }

  @Test
  void sealingWhileKeysRotateLosesNoPacket() throws Exception {
    Keyring keys = Keyring.of(1, key(1));
    AeadPacketProtector sender = PacketProtectors.chaCha20Poly1305(keys, NodeId.of("s"), () -> 5);
    AeadPacketProtector receiver =
        PacketProtectors.chaCha20Poly1305(keys, NodeId.of("r"), () -> 5);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<List<byte[]>>> sealed = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        sealed.add(pool.submit(() -> {
          List<byte[]> out = new ArrayList<>();
          for (int i = 0; i < 400; i++) {
            out.add(sender.seal(new byte[] {(byte) i}, AD));
          }
          return out;
        }));
      }
      for (int id = 2; id <= 20; id++) {
        keys.install(id, key(id));
        keys.use(id);
      }
      int opened = 0;
      for (Future<List<byte[]>> f : sealed) {
        for (byte[] p : f.get(10, TimeUnit.SECONDS)) {
          receiver.open(p, AD);
          opened++;
        }
      }
      assertEquals(1200, opened);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void derivedSecretsAreTheSameWhereTheKeyIsAndUnrelatedAcrossPurposesAndKeys() {
    byte[] key = Keyring.randomKey();
    Keyring a = Keyring.of(1, key.clone());
    Keyring b = Keyring.of(1, key.clone());
    byte[] secret = a.deriveSecret(1, "tcp psk");
    assertEquals(32, secret.length);
    assertArrayEquals(secret, b.deriveSecret(1, "tcp psk"), "every holder of the key derives it");
    assertFalse(Arrays.equals(secret, a.deriveSecret(1, "another purpose")));
    assertFalse(Arrays.equals(secret, key), "the secret is not the key itself");
    Keyring other = Keyring.of(1, Keyring.randomKey());
    assertFalse(Arrays.equals(secret, other.deriveSecret(1, "tcp psk")));
    // RFC 5869 HKDF-SHA256, salt "GossipKit keyring secret", info the purpose; the expected
    // bytes computed independently (Python's hmac and hashlib) for a key of 32 zero bytes.
    assertEquals("fdd607f3e14c9d4b6f268bfd4f1dae89667378fa1fe79282c9891708516f21c2",
        java.util.HexFormat.of().formatHex(Keyring.of(7, new byte[32]).deriveSecret(7, "p")));
  }

  @Test
  void derivingFromAMissingKeyOrForNoPurposeIsRefused() {
    Keyring k = Keyring.of(1, Keyring.randomKey());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> k.deriveSecret(2, "tcp psk"));
    assertTrue(e.getMessage().contains("key 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> k.deriveSecret(1, ""));
    assertThrows(NullPointerException.class, () -> k.deriveSecret(1, null));
  }
}
