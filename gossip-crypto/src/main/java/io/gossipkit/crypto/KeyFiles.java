package io.gossipkit.crypto;

import io.gossipkit.crypto.internal.KeyEntry;
import io.gossipkit.crypto.internal.KeyFileFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes key files: UTF-8 text, one key per line, readable by its owner only.
 *
 * <pre>
 * # Gossip Kit keys. Keep secret: chmod 600.
 * primary 2
 * 1 aes-256-gcm 3q2+7w...base64 of 32 bytes...=
 * 2 aes-256-gcm q83vEjRW...=
 * </pre>
 *
 * <p>A key line is {@code <id> [<algorithm>] <base64 key>}: a decimal id from 0 to 2^31 - 1, an
 * optional algorithm name ({@code aes-256-gcm}, {@code chacha20-poly1305}, {@code
 * xchacha20-poly1305}) that the protector factories check, and standard base64 of exactly 32
 * bytes. {@code primary <id>} names the key that seals and may be left out when there is one key.
 * {@code #} starts a comment; blank lines are ignored; {@code ;} separates lines like a newline.
 *
 * <p>On a POSIX filesystem, reading refuses a file whose group or others have any permission, and
 * writing creates the file with {@code rw-------} from the start, so it is never readable by
 * anyone else, not even for an instant.
 */
public final class KeyFiles {
  /** Largest key file read, in bytes: thousands of keys; anything larger is not a key file. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private KeyFiles() {}

  /**
   * Checks that no one but the owner may read or write {@code file}; does nothing on a
   * filesystem without POSIX permissions.
   *
   * @throws IOException naming the permissions and the fix ({@code chmod 600}) if group or others
   *     have any
   */
  public static void checkPermissions(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> perms = view.readAttributes().permissions();
    Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
    loose.addAll(perms);
    loose.retainAll(GROUP_OR_OTHERS);
    if (!loose.isEmpty()) {
      throw new IOException("refusing key file " + file + ": its permissions are "
          + PosixFilePermissions.toString(perms) + ", so its group or others can "
          + (hasRead(loose) ? "read" : "change") + " the cluster keys; run 'chmod 600 " + file
          + "' (owner read/write only)");
    }
  }

  private static boolean hasRead(Set<PosixFilePermission> loose) {
    return loose.contains(PosixFilePermission.GROUP_READ)
        || loose.contains(PosixFilePermission.OTHERS_READ);
  }

  /**
   * Writes a new key file holding one key, {@code id}, as primary. The file is created with
   * owner-only permissions from the start (on POSIX filesystems) and fully written and synced
   * before it appears under its name when {@code overwrite} is set.
   *
   * @param algorithm the algorithm tag written on the key line, or {@code null} for none
   * @throws FileAlreadyExistsException if {@code file} exists and {@code overwrite} is false
   * @throws IOException if the file cannot be written
   */
  public static void writeNew(Path file, int id, AeadAlgorithm algorithm, byte[] key,
      boolean overwrite) throws IOException {
    KeyEntry e = new KeyEntry(id, algorithm, key);
    byte[] bytes = KeyFileFormat.format(List.of(e), id,
        "Gossip Kit cluster key, written by 'gossip keygen'. Keep secret: owner read/write only.\n"
            + "Format: <id> [<algorithm>] <base64 of 32 bytes>; 'primary <id>' seals. See "
            + "docs/security.md.")
        .getBytes(StandardCharsets.UTF_8);
    try {
      if (!overwrite) {
        // CREATE_NEW is the atomic existence check: no window in which another file could be
        // replaced, and the permissions are set by the same system call that creates it.
        writeFresh(file, bytes);
        return;
      }
      Path dir = file.toAbsolutePath().getParent();
      Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + Long.toHexString(System.nanoTime()));
      try {
        writeFresh(tmp, bytes);
        try {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException notAtomic) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } finally {
      Arrays.fill(bytes, (byte) 0);
      e.destroy();
    }
  }

  private static void writeFresh(Path file, byte[] bytes) throws IOException {
    Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    boolean posix = Files.getFileAttributeView(file.toAbsolutePath().getParent(),
        PosixFileAttributeView.class) != null;
    FileAttribute<?>[] attrs = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    // Opening fails if the file exists; only after it succeeded is the file ours to delete.
    FileChannel ch = FileChannel.open(file, options, attrs);
    boolean written = false;
    try (ch) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
      written = true;
    } finally {
      if (!written) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** Reads and parses {@code file} after checking its permissions and size. */
  static KeyFileFormat.Parsed read(Path file) throws IOException {
    checkPermissions(file);
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new IOException("refusing key file " + file + ": " + size + " bytes is more than "
          + MAX_FILE_BYTES + "; is it really a key file?");
    }
    byte[] bytes = Files.readAllBytes(file);
    CharBuffer text = null;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return KeyFileFormat.parse(text, file.toString());
    } catch (CharacterCodingException e) {
      throw new IOException("key file " + file + " is not UTF-8 text", e);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (text != null && text.hasArray()) {
        Arrays.fill(text.array(), '\0');
      }
    }
  }
}
