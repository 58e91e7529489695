package io.gossipkit.crypto;

import io.gossipkit.crypto.internal.KeyEntry;
import io.gossipkit.crypto.internal.KeyFileFormat;
import io.gossipkit.crypto.internal.KeySet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The cluster's symmetric keys: several installed keys with int ids, one of them primary. The
 * primary seals; every installed key opens, so a running cluster rotates keys without downtime:
 * {@link #install} the new key on every node, then {@link #use} it on every node, then {@link
 * #remove} the old one everywhere (step by step in {@code docs/security.md}).
 *
 * <pre>{@code
 * Keyring keys = Keyring.load(Path.of("/etc/gossip/cluster.key"));
 * PacketProtector p = PacketProtectors.aes256Gcm(keys, NodeId.of("n1"), Clock.system());
 * }</pre>
 *
 * <p>Thread-safe: the keys are an immutable snapshot behind an {@link AtomicReference}, replaced
 * whole on every change, so a packet is sealed or opened under one consistent view. Keys are 32
 * bytes; the keyring copies them in and zeroes its copy when a key is removed. Nothing here ever
 * prints key bytes: {@link #toString()} shows ids only.
 */
public final class Keyring {
  /** Length of every key in bytes (256 bits). */
  public static final int KEY_BYTES = KeyEntry.KEY_BYTES;

  private final AtomicReference<KeySet> keys;

  private Keyring(KeySet initial) {
    keys = new AtomicReference<>(initial);
  }

  /**
   * A keyring holding one key, primary, copied from {@code key}.
   *
   * @throws IllegalArgumentException if {@code id < 0} or {@code key} is not 32 bytes
   */
  public static Keyring of(int id, byte[] key) {
    return of(id, null, key);
  }

  /**
   * A keyring holding one key tagged for {@code algorithm} ({@code null} for any), primary.
   *
   * @throws IllegalArgumentException if {@code id < 0} or {@code key} is not 32 bytes
   */
  public static Keyring of(int id, AeadAlgorithm algorithm, byte[] key) {
    KeyEntry e = new KeyEntry(id, algorithm, key);
    return new Keyring(new KeySet(Map.of(id, e), id));
  }

  /** A keyring with one fresh random key, id 1, primary: for tests and benchmarks. */
  public static Keyring generate() {
    byte[] key = randomKey();
    try {
      return of(1, key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** 32 bytes from {@link SecureRandom}, for a new key. The caller zeroes them when done. */
  public static byte[] randomKey() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /**
   * Reads a key file (format in {@code docs/security.md} and {@link KeyFiles}), refusing one that
   * its group or others may read or write.
   *
   * @throws IOException if the file cannot be read, is readable by others, or is malformed (the
   *     message names the line, never the key)
   */
  public static Keyring load(Path file) throws IOException {
    KeyFileFormat.Parsed p = KeyFiles.read(file);
    return new Keyring(new KeySet(p.entries(), p.primaryId()));
  }

  /**
   * Parses keys in the key file format from {@code text}; a {@code ;} may stand for a newline.
   *
   * @throws IllegalArgumentException naming the line of the first mistake, never the key
   */
  public static Keyring parse(String text) {
    KeyFileFormat.Parsed p = KeyFileFormat.parse(text, "keys");
    return new Keyring(new KeySet(p.entries(), p.primaryId()));
  }

  /**
   * Reads keys from environment variable {@code variable}, in the key file format with {@code ;}
   * or newlines between lines, e.g. {@code GOSSIP_KEYS="primary 2; 1 <base64>; 2 <base64>"}.
   *
   * @throws IllegalArgumentException if the variable is unset, empty or malformed
   */
  public static Keyring fromEnvironment(String variable) {
    return fromEnvironment(variable, System.getenv(variable));
  }

  static Keyring fromEnvironment(String variable, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("environment variable " + variable
          + (value == null ? " is not set" : " is empty")
          + ": it must hold the cluster keys, e.g. \"1 <base64 of 32 bytes>\"");
    }
    KeyFileFormat.Parsed p = KeyFileFormat.parse(value, "environment variable " + variable);
    return new Keyring(new KeySet(p.entries(), p.primaryId()));
  }

  /**
   * Installs {@code key} under {@code id}, untagged, so packets sealed with it open; the primary
   * does not change. Installing the same bytes again under the same id does nothing.
   *
   * @throws IllegalArgumentException if {@code id} already holds different bytes, {@code id < 0}
   *     or the key is not 32 bytes
   */
  public void install(int id, byte[] key) {
    install(id, null, key);
  }

  /**
   * Installs {@code key} under {@code id}, tagged for {@code algorithm} ({@code null} for any).
   *
   * @throws IllegalArgumentException if {@code id} already holds a different key, {@code id < 0}
   *     or the key is not 32 bytes
   */
  public void install(int id, AeadAlgorithm algorithm, byte[] key) {
    KeyEntry fresh = new KeyEntry(id, algorithm, key);
    try {
      update(s -> {
        KeyEntry old = s.get(id);
        if (old != null) {
          if (old.sameKeyAs(fresh)) {
            return s;
          }
          throw new IllegalArgumentException("key id " + id + " is already installed with a "
              + "different key; remove it first or choose another id");
        }
        Map<Integer, KeyEntry> m = new HashMap<>(s.entries());
        m.put(id, fresh);
        return new KeySet(m, s.primary().id());
      });
    } finally {
      if (!contains(fresh)) {
        fresh.destroy();
      }
    }
  }

  /**
   * Makes key {@code id} the primary: packets are sealed with it from now on.
   *
   * @throws IllegalArgumentException if no key {@code id} is installed
   */
  public void use(int id) {
    update(s -> {
      if (s.get(id) == null) {
        throw new IllegalArgumentException("cannot use key " + id + ": it is not installed "
            + "(installed: " + s.entries().keySet() + ")");
      }
      return s.primary().id() == id ? s : new KeySet(s.entries(), id);
    });
  }

  /**
   * Removes key {@code id} and zeroes it: packets sealed with it no longer open.
   *
   * @return whether the key was installed
   * @throws IllegalStateException if {@code id} is the primary; {@link #use} another key first
   */
  public boolean remove(int id) {
    KeyEntry[] removed = new KeyEntry[1];
    update(s -> {
      removed[0] = null;
      KeyEntry e = s.get(id);
      if (e == null) {
        return s;
      }
      if (s.primary() == e) {
        throw new IllegalStateException("cannot remove key " + id + ": it is the primary, which "
            + "seals every packet; install a new key and use(newId) first");
      }
      Map<Integer, KeyEntry> m = new HashMap<>(s.entries());
      m.remove(id);
      removed[0] = e;
      return new KeySet(m, s.primary().id());
    });
    if (removed[0] == null) {
      return false;
    }
    removed[0].destroy();
    return true;
  }

  /**
   * Replaces every key with those of {@code file}, in one step: keys the file adds are installed,
   * its primary is used, and keys it no longer lists are removed and zeroed. Keys whose id and
   * bytes did not change stay as they were, so packets in flight still open. Editing the file
   * and calling this on every node, three times, is one way to rotate (see {@code
   * docs/security.md}).
   *
   * @throws IOException as {@link #load} does; on any error the keyring is unchanged
   */
  public void reload(Path file) throws IOException {
    KeyFileFormat.Parsed p = KeyFiles.read(file);
    List<KeyEntry> dropped = new ArrayList<>();
    List<KeyEntry> unused = new ArrayList<>();
    update(s -> {
      dropped.clear();
      unused.clear();
      Map<Integer, KeyEntry> m = new HashMap<>();
      for (KeyEntry fresh : p.entries().values()) {
        KeyEntry old = s.get(fresh.id());
        if (old != null && old.sameKeyAs(fresh)) {
          m.put(fresh.id(), old);
          unused.add(fresh);
        } else {
          m.put(fresh.id(), fresh);
        }
      }
      for (KeyEntry old : s.entries().values()) {
        if (m.get(old.id()) != old) {
          dropped.add(old);
        }
      }
      return new KeySet(m, p.primaryId());
    });
    dropped.forEach(KeyEntry::destroy);
    unused.forEach(KeyEntry::destroy);
  }

  /**
   * A 32-byte secret for another use of the cluster's key, without handing out the key itself:
   * HKDF-SHA256 with key {@code id} as input, the salt {@code "GossipKit keyring secret"} and
   * {@code purpose} (UTF-8) as info. Different purposes give unrelated secrets, and none reveals
   * the key or seals packets. For example the pre-shared key of the TCP handshake, so a node
   * needs one key file for both transports.
   *
   * @throws IllegalArgumentException if no key {@code id} is installed or {@code purpose} is empty
   */
  public byte[] deriveSecret(int id, String purpose) {
    Objects.requireNonNull(purpose, "purpose");
    if (purpose.isEmpty()) {
      throw new IllegalArgumentException("purpose must not be empty");
    }
    KeyEntry e = keys.get().get(id);
    if (e == null) {
      throw new IllegalArgumentException("cannot derive from key " + id + ": it is not installed");
    }
    byte[] ikm = e.copyKey();
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(SHA256Digest.newInstance());
      hkdf.init(new HKDFParameters(ikm, DERIVE_SALT, purpose.getBytes(StandardCharsets.UTF_8)));
      byte[] out = new byte[KeyEntry.KEY_BYTES];
      hkdf.generateBytes(out, 0, out.length);
      return out;
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  private static final byte[] DERIVE_SALT =
      "GossipKit keyring secret".getBytes(StandardCharsets.US_ASCII);

  /** The id of the key that seals. */
  public int primaryId() {
    return keys.get().primary().id();
  }

  /** The ids of every installed key, in order. */
  public SortedSet<Integer> ids() {
    return new TreeSet<>(keys.get().entries().keySet());
  }

  /** Whether key {@code id} is installed. */
  public boolean contains(int id) {
    return keys.get().get(id) != null;
  }

  /** The algorithm key {@code id} is tagged for, empty if untagged or not installed. */
  public Optional<AeadAlgorithm> algorithmOf(int id) {
    KeyEntry e = keys.get().get(id);
    return Optional.ofNullable(e == null ? null : e.algorithm());
  }

  /** The current snapshot, for the protectors in this package. */
  KeySet snapshot() {
    return keys.get();
  }

  private boolean contains(KeyEntry e) {
    return keys.get().get(e.id()) == e;
  }

  private void update(UnaryOperator<KeySet> change) {
    // A CAS loop rather than a lock: readers never wait, and a failed change leaves the old
    // snapshot in place.
    while (true) {
      KeySet before = keys.get();
      KeySet after = Objects.requireNonNull(change.apply(before));
      if (after == before || keys.compareAndSet(before, after)) {
        return;
      }
    }
  }

  /** Ids and the primary only; never key bytes. */
  @Override
  public String toString() {
    KeySet s = keys.get();
    return "Keyring[primary=" + s.primary().id() + ", ids=" + s.entries().keySet() + "]";
  }
}
