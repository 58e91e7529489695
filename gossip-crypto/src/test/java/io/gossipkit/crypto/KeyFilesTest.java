package io.gossipkit.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing key files: owner-only from creation, never clobbering a file by accident. */
class KeyFilesTest {
  @TempDir Path dir;

  private static byte[] key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  @Test
  void writesAFileTheKeyringReadsBack() throws IOException {
    Path f = dir.resolve("k");
    KeyFiles.writeNew(f, 5, AeadAlgorithm.XCHACHA20_POLY1305, key(5), false);
    Keyring keys = Keyring.load(f);
    assertEquals(5, keys.primaryId());
    assertArrayEquals(key(5), keys.snapshot().get(5).copyKey());
    assertTrue(Files.readString(f).contains("primary 5\n5 xchacha20-poly1305 "));
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
  }

  @Test
  void refusingToOverwriteLeavesTheExistingFileIntact() throws IOException {
    Path f = dir.resolve("k");
    Files.writeString(f, "precious");
    assertThrows(FileAlreadyExistsException.class, () -> KeyFiles.writeNew(f, 1, null, key(1),
        false));
    assertEquals("precious", Files.readString(f));
    KeyFiles.writeNew(f, 1, null, key(1), true);
    assertEquals(1, Keyring.load(f).primaryId());
  }

  @Test
  void refusesAKeyFileLargerThanAnyKeyFile() throws IOException {
    Path f = dir.resolve("big");
    Files.write(f, new byte[KeyFiles.MAX_FILE_BYTES + 1]);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }
    IOException e = assertThrows(IOException.class, () -> Keyring.load(f));
    assertTrue(e.getMessage().contains("is it really a key file?"), e.getMessage());
  }
}
