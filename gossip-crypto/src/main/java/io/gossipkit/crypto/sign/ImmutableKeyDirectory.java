package io.gossipkit.crypto.sign;

import io.gossipkit.api.NodeId;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The immutable {@link SigningKeyDirectory}: a map copied once, read without locks. */
final class ImmutableKeyDirectory implements SigningKeyDirectory {
  private final Map<NodeId, Ed25519PublicKey> keys;
  private final Set<NodeId> nodes;

  ImmutableKeyDirectory(Map<NodeId, Ed25519PublicKey> keys) {
    // Map.copyOf refuses null ids and keys; ids compare by value, so an id carrying a simulator
    // slot finds the same key as a plain one.
    this.keys = Map.copyOf(Objects.requireNonNull(keys, "keys"));
    this.nodes = Collections.unmodifiableSet(new TreeSet<>(this.keys.keySet()));
  }

  static ImmutableKeyDirectory parse(String text, String source) {
    Map<NodeId, Ed25519PublicKey> keys = new HashMap<>();
    Map<NodeId, Integer> firstLine = new HashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("[ \t]+");
      if (fields.length != 2) {
        throw bad(source, number, "expected '<node-id> <base64 public key>', found "
            + fields.length + " fields");
      }
      NodeId id;
      try {
        id = NodeId.of(fields[0]);
      } catch (IllegalArgumentException e) {
        throw bad(source, number, "invalid node id");
      }
      Ed25519PublicKey key;
      try {
        key = Ed25519PublicKey.fromBase64(fields[1]);
      } catch (IllegalArgumentException e) {
        // The reason comes from this package and never quotes the text.
        throw bad(source, number, e.getMessage());
      }
      Integer earlier = firstLine.putIfAbsent(id, number);
      if (earlier != null) {
        throw bad(source, number, "lists the node id of line " + earlier + " again");
      }
      keys.put(id, key);
    }
    return new ImmutableKeyDirectory(keys);
  }

  private static IllegalArgumentException bad(String source, int line, String reason) {
    return new IllegalArgumentException(source + " line " + line + ": " + reason);
  }

  @Override
  public Ed25519PublicKey publicKey(NodeId node) {
    return keys.get(node);
  }

  @Override
  public Set<NodeId> nodes() {
    return nodes;
  }

  @Override
  public String toString() {
    return "SigningKeyDirectory[" + keys.size() + " nodes]";
  }
}
