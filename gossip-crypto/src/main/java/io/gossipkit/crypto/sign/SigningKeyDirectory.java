package io.gossipkit.crypto.sign;

import io.gossipkit.api.NodeId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who may sign what: each node's Ed25519 public key, by node id. {@link Ed25519Verifier} checks an
 * entry's signature against the key listed here for the entry's origin.
 *
 * <p>{@link #of}, {@link #parse} and {@link #load} give an immutable directory. To rotate keys or
 * admit nodes at run time, implement this interface over a thread-safe map (the verifier calls
 * {@link #publicKey} on node threads, once per received entry that could change the replica).
 *
 * <p>The file format, one node per line, UTF-8:
 *
 * <pre>
 * # comment lines and blank lines are ignored
 * node-a  rvo3Ee5NwVS3HtQpGh0nsJ78YSdPjfbIDHKYAJutfRY=
 * node-b  kKhXC/J1Os9yxT+5mpQSnaVnCrepd2wnnwzhoQ7PLxc=
 * </pre>
 *
 * <p>That is {@code <node-id> <base64 public key>}: the id (no whitespace in it), spaces or tabs,
 * and the 32-byte key in standard Base64 ({@link Ed25519PublicKey#toBase64()}). A node listed
 * twice, a key that is not a valid Ed25519 public key, or any other malformed line refuses the
 * whole file; the error names the line number, never its content (in case a private key was
 * pasted there by mistake).
 */
public interface SigningKeyDirectory {
  /** Largest key directory file or text accepted, in bytes: about 100,000 nodes. */
  int MAX_BYTES = 8 * 1024 * 1024;

  /**
   * The public key of {@code node}, or null if none is listed. Must be thread-safe and must not
   * block: it runs on the node's only thread.
   */
  Ed25519PublicKey publicKey(NodeId node);

  /** The nodes listed, in id order. */
  Set<NodeId> nodes();

  /** An immutable directory of {@code keys}. */
  static SigningKeyDirectory of(Map<NodeId, Ed25519PublicKey> keys) {
    return new ImmutableKeyDirectory(keys);
  }

  /**
   * The directory written in {@code text}, in the format of the class comment.
   *
   * @throws IllegalArgumentException naming the first bad line, or if the text is longer than
   *     {@link #MAX_BYTES}
   */
  static SigningKeyDirectory parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() > MAX_BYTES) {
      throw new IllegalArgumentException(
          "key directory of " + text.length() + " characters exceeds " + MAX_BYTES);
    }
    return ImmutableKeyDirectory.parse(text, "key directory");
  }

  /**
   * The directory in {@code file}, in the format of the class comment.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and its first bad line, if it is not UTF-8,
   *     or if it is larger than {@link #MAX_BYTES}
   */
  static SigningKeyDirectory load(Path file) throws IOException {
    String name = file.toString();
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // Bounded read: a directory is configuration, not an invitation to fill the heap.
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(name + ": key directory exceeds " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(name + ": key directory is not UTF-8");
    }
    return ImmutableKeyDirectory.parse(text, name);
  }

  /**
   * {@code keys} in the file format of the class comment, sorted by node id, with a header
   * comment: what {@link #parse} reads back.
   *
   * @throws IllegalArgumentException if a node id holds whitespace or starts with {@code #},
   *     which the format cannot carry
   */
  static String format(Map<NodeId, Ed25519PublicKey> keys) {
    StringBuilder out =
        new StringBuilder("# Gossip Kit signing keys: <node-id> <base64 Ed25519 public key>\n");
    for (Map.Entry<NodeId, Ed25519PublicKey> e : new TreeMap<>(keys).entrySet()) {
      String id = e.getKey().value();
      if (id.startsWith("#") || id.codePoints().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "node id '" + id + "' holds whitespace or starts with '#': a key directory file cannot"
                + " list it");
      }
      out.append(id).append(' ').append(e.getValue().toBase64()).append('\n');
    }
    return out.toString();
  }
}
