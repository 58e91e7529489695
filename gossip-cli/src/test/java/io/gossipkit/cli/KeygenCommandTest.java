package io.gossipkit.cli;

import static io.gossipkit.cli.CliRun.gossip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gossipkit.crypto.AeadAlgorithm;
import io.gossipkit.crypto.Keyring;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gossip keygen}: an owner-only key file that the keyring loads, never overwritten by accident. */
class KeygenCommandTest {
  private static final Pattern KEY_LINE = Pattern.compile("(?m)^\\d+ (?:\\S+ )?(\\S{44})$");

  @TempDir Path dir;


  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static String keyOf(Path file) throws IOException {
    Matcher m = KEY_LINE.matcher(Files.readString(file));
    assertTrue(m.find(), "no key line in " + file);
    return m.group(1);
  }

  @Test
  void writesAnOwnerOnlyFileTheKeyringLoadsAndPrintsTheIdButNotTheKey() throws IOException {
    Path file = dir.resolve("cluster.key");
    CliRun.Result r = gossip("keygen", "--out", file.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("key id 1 written to " + file + " (owner read/write only)",
        r.out().strip());
    if (posix()) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    Keyring keys = Keyring.load(file);
    assertEquals(1, keys.primaryId());
    assertFalse(r.out().contains(keyOf(file)) || r.err().contains(keyOf(file)),
        "the key was printed");
  }

  @Test
  void refusesToOverwriteAnExistingFileUnlessForced() throws IOException {
    Path file = dir.resolve("cluster.key");
    assertEquals(0, gossip("keygen", "--out", file.toString()).exitCode());
    String before = Files.readString(file);

    CliRun.Result refused = gossip("keygen", "--out", file.toString(), "--id", "2");
    assertEquals(1, refused.exitCode());
    assertEquals("gossip keygen: " + file + " already exists; not overwritten (use --force to"
        + " replace it and lose its keys)", refused.err().strip());
    assertEquals(before, Files.readString(file));

    CliRun.Result forced = gossip("keygen", "--out", file.toString(), "--id", "2", "--force");
    assertEquals(0, forced.exitCode(), forced.err());
    assertNotEquals(keyOf(file), before);
    assertEquals(2, Keyring.load(file).primaryId());
    if (posix()) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void replacingAWorldWritableFileStillLeavesAnOwnerOnlyOne() throws IOException {
    assumeTrue(posix(), "no POSIX permissions on this filesystem");
    // The new file is created owner-only and renamed over the old one, so it never inherits the
    // old file's permissions.
    Path plain = dir.resolve("a.key");
    Path forced = dir.resolve("b.key");
    Files.writeString(forced, "old");
    Files.setPosixFilePermissions(forced, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertEquals(0, gossip("keygen", "--out", plain.toString()).exitCode());
    assertEquals(0, gossip("keygen", "--out", forced.toString(), "--force").exitCode());
    for (Path p : new Path[] {plain, forced}) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }
  }

  @Test
  void tagsTheKeyWithAnAlgorithmWhenAsked() throws IOException {
    Path file = dir.resolve("chacha.key");
    CliRun.Result r = gossip("keygen", "--out", file.toString(), "--id", "7", "--algorithm",
        "chacha20-poly1305");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("key id 7 (chacha20-poly1305) written to "), r.out());
    assertEquals(AeadAlgorithm.CHACHA20_POLY1305,
        Keyring.load(file).algorithmOf(7).orElseThrow());
  }

  @Test
  void invalidArgumentsExitWithTwoAndWriteNothing() {
    Path file = dir.resolve("x.key");
    CliRun.Result badAlg = gossip("keygen", "--out", file.toString(), "--algorithm", "rot13");
    assertEquals(2, badAlg.exitCode());
    assertTrue(badAlg.err().startsWith("gossip keygen: --algorithm: unknown algorithm 'rot13'"),
        badAlg.err());
    assertEquals(2, gossip("keygen", "--out", file.toString(), "--id", "-3").exitCode());
    assertEquals(2, gossip("keygen").exitCode(), "--out is required");
    assertFalse(Files.exists(file));
  }

  @Test
  void aMissingDirectoryIsReported() {
    Path file = dir.resolve("no/such/dir/k.key");
    CliRun.Result r = gossip("keygen", "--out", file.toString());
    assertEquals(1, r.exitCode());
    assertEquals("gossip keygen: cannot write " + file + ": directory " + dir.resolve("no/such/dir")
        + " does not exist", r.err().strip());
  }

  @Test
  void anEmptyOutIsRefusedNamingTheFlag() {
    CliRun.Result r = gossip("keygen", "--out", "");
    assertEquals(2, r.exitCode());
    assertEquals("gossip keygen: --out must not be empty", r.err().strip());
    assertEquals("", r.out());
  }

  @Test
  void anOutNamingAnExistingDirectoryIsRefusedWithOrWithoutSlashOrForce() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("keys"));
    for (String out : new String[] {sub.toString(), sub + "/"}) {
      for (boolean force : new boolean[] {false, true}) {
        CliRun.Result r = force ? gossip("keygen", "--out", out, "--force")
            : gossip("keygen", "--out", out);
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("gossip keygen: --out " + out + ": is a directory; name the key file, such as "
            + sub.resolve("cluster.key"), r.err().strip());
        assertFalse(r.err().contains("Exception"), r.err());
      }
    }
    assertTrue(Files.isDirectory(sub), "still a directory");
    try (var files = Files.list(sub)) {
      assertEquals(0, files.count(), "nothing written into it");
    }
  }

  @Test
  void anOutEndingInASlashIsRefusedEvenIfNoSuchDirectoryExists() {
    String out = dir.resolve("absent") + "/";
    CliRun.Result r = gossip("keygen", "--out", out);
    assertEquals(2, r.exitCode());
    assertEquals("gossip keygen: --out " + out + ": ends with '/', so it names a directory; name"
        + " the key file, such as " + dir.resolve("absent/cluster.key"), r.err().strip());
    assertFalse(Files.exists(dir.resolve("absent")));
  }

  @Test
  void aDirectoryWithoutWritePermissionIsReportedAsPermissionDenied() throws IOException {
    assumeTrue(posix(), "no POSIX permissions on this filesystem");
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
    try {
      assumeFalse(Files.isWritable(locked), "this user (root?) may write anywhere");
      Path file = locked.resolve("k.key");
      CliRun.Result r = gossip("keygen", "--out", file.toString());
      assertEquals(1, r.exitCode());
      assertEquals("gossip keygen: cannot write " + file + ": permission denied", r.err().strip());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void helpListsEveryAlgorithmTheKeyMayBeTaggedWith() {
    String help = gossip("keygen", "--help").out().replaceAll("\\s+", " ");
    for (AeadAlgorithm a : AeadAlgorithm.values()) {
      assertTrue(help.contains(a.wireName()), "help lacks " + a.wireName() + ": " + help);
    }
    assertTrue(help.contains("Default: untagged"), help);
  }
}
