package io.gossipkit.cli;

import io.gossipkit.crypto.AeadAlgorithm;
import io.gossipkit.crypto.KeyFiles;
import io.gossipkit.crypto.Keyring;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gossip keygen}: writes a new cluster key file holding one random 256-bit key, readable
 * by its owner only, and prints the key's id, never the key.
 *
 * <p>The file is created with {@code rw-------} by the same call that creates it, so it is never
 * readable by anyone else; an existing file is kept unless {@code --force} is given, in which case
 * the new file is written beside it and renamed over it. Exit codes: 0 written; 1 not written
 * (the file exists, its directory does not, or an I/O error such as a directory without write
 * permission); 2 invalid arguments (an empty {@code --out}, or one naming a directory).
 */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Generate a cluster key file (one random 256-bit key, owner-only permissions).",
    description = {
      "Writes a key file for PacketProtectors (gossip-crypto): one key, primary, as"
          + " '<id> [<algorithm>] <base64>' with a 'primary <id>' line. The key comes from"
          + " SecureRandom and is never printed. Copy the file to every node over a secure"
          + " channel, or copy its key line into their existing key files to rotate"
          + " (docs/security.md).",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the key file was written",
      "1:not written: the file exists (use --force), its directory does not, or it could not be"
          + " written (such as permission denied)",
      "2:invalid arguments, such as an --out that is empty or names a directory"
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  gossip keygen --out /etc/gossip/cluster.key",
      "  gossip keygen --out next.key --id 2 --algorithm aes-256-gcm"
    })
final class KeygenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      required = true,
      description = "The key file to create (not a directory). Its directory must exist.")
  String out;

  @Option(
      names = "--id",
      paramLabel = "ID",
      defaultValue = "1",
      description =
          "The key id, 0 to 2147483647. Rotating? Pick an id no node uses yet. Default:"
              + " ${DEFAULT-VALUE}.")
  int id;

  @Option(
      names = "--algorithm",
      paramLabel = "NAME",
      description =
          "Tag the key for one algorithm (aes-128-gcm, aes-256-gcm, chacha20-poly1305,"
              + " xchacha20-poly1305); a protector of another algorithm then refuses the key file."
              + " Default: untagged, usable by every protector.")
  String algorithm;

  @Option(
      names = "--force",
      description = "Replace FILE if it exists. Its old keys are lost.")
  boolean force;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    if (id < 0) {
      err.println("gossip keygen: --id must be from 0 to " + Integer.MAX_VALUE + ", was " + id);
      return ExitCode.USAGE;
    }
    AeadAlgorithm tag = null;
    if (algorithm != null) {
      try {
        tag = AeadAlgorithm.byName(algorithm);
      } catch (IllegalArgumentException e) {
        err.println("gossip keygen: --algorithm: " + e.getMessage());
        return ExitCode.USAGE;
      }
    }
    String problem = outProblem();
    if (problem != null) {
      err.println("gossip keygen: " + problem);
      return ExitCode.USAGE;
    }
    Path file = Path.of(out);
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.exists(dir)) {
      err.println("gossip keygen: cannot write " + out + ": directory " + dir + " does not exist");
      return ExitCode.SOFTWARE;
    }
    if (!Files.isDirectory(dir)) {
      err.println("gossip keygen: cannot write " + out + ": " + dir + " is not a directory");
      return ExitCode.SOFTWARE;
    }
    byte[] key = Keyring.randomKey();
    try {
      KeyFiles.writeNew(file, id, tag, key, force);
    } catch (FileAlreadyExistsException e) {
      err.println("gossip keygen: " + out + " already exists; not overwritten (use --force to"
          + " replace it and lose its keys)");
      return ExitCode.SOFTWARE;
    } catch (IOException e) {
      err.println("gossip keygen: cannot write " + out + ": " + IoProblems.cause(e));
      return ExitCode.SOFTWARE;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    stdout.println("key id " + id + (tag == null ? "" : " (" + tag + ")") + " written to " + file
        + " (owner read/write only)");
    stdout.flush();
    return ExitCode.OK;
  }

  /**
   * What makes {@code --out} unusable as the name of a new key file (empty, not a path, a
   * directory, or ending in a separator), said in flag terms; null if nothing does.
   */
  private String outProblem() {
    if (out.isEmpty()) {
      return "--out must not be empty";
    }
    try {
      Path file = Path.of(out);
      if (Files.isDirectory(file)) {
        return "--out " + out + ": is a directory; name the key file, such as "
            + file.resolve("cluster.key");
      }
      if (out.endsWith("/") || out.endsWith(File.separator)) {
        return "--out " + out + ": ends with '" + out.charAt(out.length() - 1) + "', so it names a"
            + " directory; name the key file, such as " + file.resolve("cluster.key");
      }
      if (file.getFileName() == null) {
        return "--out " + out + ": names no file";
      }
    } catch (InvalidPathException e) {
      return "--out " + out + ": not a valid path: " + e.getReason();
    }
    return null;
  }
}
