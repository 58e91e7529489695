package io.gossipkit.crypto.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gossipkit.api.NodeId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key directory: its file format, and refusing every malformed line without quoting it. */
class SigningKeyDirectoryTest {
  private static final Ed25519PublicKey KEY_A = Ed25519KeyPair.generate().publicKey();
  private static final Ed25519PublicKey KEY_B = Ed25519KeyPair.generate().publicKey();

  @TempDir Path dir;

  @Test
  void parsesCommentsBlankLinesTabsAndWindowsLineEnds() {
    String text = "# cluster keys\r\n\r\n  node-a \t" + KEY_A.toBase64() + "  \r\n"
        + "node-b " + KEY_B.toBase64() + "\n# end\n";

    SigningKeyDirectory keys = SigningKeyDirectory.parse(text);

    assertEquals(KEY_A, keys.publicKey(NodeId.of("node-a")));
    assertEquals(KEY_B, keys.publicKey(NodeId.of("node-b")));
    assertNull(keys.publicKey(NodeId.of("node-c")));
    assertEquals(List.of(NodeId.of("node-a"), NodeId.of("node-b")), List.copyOf(keys.nodes()));
  }

  @Test
  void formatWritesWhatParseReadsBack() {
    Map<NodeId, Ed25519PublicKey> keys = Map.of(NodeId.of("b"), KEY_B, NodeId.of("a"), KEY_A);

    String text = SigningKeyDirectory.format(keys);
    SigningKeyDirectory parsed = SigningKeyDirectory.parse(text);

    assertTrue(text.startsWith("#"), text);
    assertTrue(text.indexOf("a " + KEY_A.toBase64()) < text.indexOf("b " + KEY_B.toBase64()));
    assertEquals(KEY_A, parsed.publicKey(NodeId.of("a")));
    assertEquals(KEY_B, parsed.publicKey(NodeId.of("b")));
  }

  @Test
  void formatRefusesIdsTheFileCannotCarry() {
    assertThrows(IllegalArgumentException.class,
        () -> SigningKeyDirectory.format(Map.of(NodeId.of("a b"), KEY_A)));
    assertThrows(IllegalArgumentException.class,
        () -> SigningKeyDirectory.format(Map.of(NodeId.of("#a"), KEY_A)));
  }

  @Test
  void everyMalformedLineIsRefusedByNumberWithoutQuotingIt() {
    String secretLooking = KEY_A.toBase64();
    Map<String, String> cases = Map.of(
        "node-a\n" + "node-b " + secretLooking, "key directory line 1: expected "
            + "'<node-id> <base64 public key>', found 1 fields",
        "node-a " + secretLooking + " extra", "key directory line 1: expected "
            + "'<node-id> <base64 public key>', found 3 fields",
        "# ok\nnode-a " + secretLooking.substring(1), "key directory line 2: "
            + "an Ed25519 public key must be standard Base64",
        "node-a " + "AAAA" + secretLooking, "key directory line 1: "
            + "an Ed25519 public key is 32 bytes, not 35",
        "node-a AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "key directory line 1: "
            + "not a valid Ed25519 public key",
        "node-a " + secretLooking + "\nnode-a " + KEY_B.toBase64(), "key directory line 2: "
            + "lists the node id of line 1 again",
        "x".repeat(300) + " " + secretLooking, "key directory line 1: invalid node id");
    cases.forEach((text, expected) -> {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SigningKeyDirectory.parse(text));
      assertEquals(expected, e.getMessage());
      assertFalse(e.getMessage().contains(secretLooking.substring(0, 10)), e.getMessage());
    });
  }

  @Test
  void loadsAFileAndNamesItInErrors() throws IOException {
    Path good = dir.resolve("keys.txt");
    Files.writeString(good, SigningKeyDirectory.format(Map.of(NodeId.of("a"), KEY_A)));
    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, "a b c\n");
    Path notUtf8 = dir.resolve("latin1.txt");
    Files.write(notUtf8, new byte[] {'a', ' ', (byte) 0xE9, '\n'});

    assertEquals(KEY_A, SigningKeyDirectory.load(good).publicKey(NodeId.of("a")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SigningKeyDirectory.load(bad));
    assertTrue(e.getMessage().startsWith(bad + " line 1: "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SigningKeyDirectory.load(notUtf8));
    assertEquals(notUtf8 + ": key directory is not UTF-8", e.getMessage());
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedWithoutReadingItAll() throws IOException {
    Path huge = dir.resolve("huge.txt");
    byte[] line = "# padding padding padding padding padding padding padding\n"
        .getBytes(StandardCharsets.UTF_8);
    byte[] big = new byte[SigningKeyDirectory.MAX_BYTES + line.length];
    for (int i = 0; i + line.length <= big.length; i += line.length) {
      System.arraycopy(line, 0, big, i, line.length);
    }
    Files.write(huge, big);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SigningKeyDirectory.load(huge));
    assertTrue(e.getMessage().endsWith("exceeds " + SigningKeyDirectory.MAX_BYTES + " bytes"));

    // A sparse file of 1 TiB, nearly all holes: reading it all takes over a minute even at
    // memory speed, and holding it far more than this JVM's heap. Refused within 30 s (reading
    // the 8 MiB limit takes milliseconds), so the read stopped near the limit.
    Path sparse = dir.resolve("sparse.txt");
    long size = 1L << 40;
    try (SeekableByteChannel ch = Files.newByteChannel(sparse, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
      ch.position(size - 1).write(ByteBuffer.wrap(new byte[] {'\n'}));
    } catch (IOException ex) {
      assumeTrue(false, "this file system holds no sparse file of 1 TiB: " + ex);
    }
    assertEquals(size, Files.size(sparse));
    IllegalArgumentException refused = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(IllegalArgumentException.class, () -> SigningKeyDirectory.load(sparse)),
        "a 1 TiB file was not refused within 30 s: read far past the limit");
    assertTrue(refused.getMessage().endsWith("exceeds " + SigningKeyDirectory.MAX_BYTES + " bytes"),
        refused.getMessage());
  }

  @Test
  void aDirectoryIsImmutable() {
    HashMap<NodeId, Ed25519PublicKey> source = new HashMap<>();
    source.put(NodeId.of("a"), KEY_A);
    SigningKeyDirectory keys = SigningKeyDirectory.of(source);

    source.put(NodeId.of("b"), KEY_B);

    assertNull(keys.publicKey(NodeId.of("b")));
    assertThrows(UnsupportedOperationException.class, () -> keys.nodes().clear());
    assertEquals("SigningKeyDirectory[1 nodes]", keys.toString());
  }
}
