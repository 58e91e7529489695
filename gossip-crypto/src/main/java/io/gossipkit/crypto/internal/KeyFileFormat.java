package io.gossipkit.crypto.internal;

import io.gossipkit.crypto.AeadAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal: may change at any time. Parses and writes the key file format of {@code
 * docs/security.md}.
 *
 * <pre>
 * # comment to the end of the line
 * primary 2
 * 1 aes-256-gcm 3q2+7w...base64 of 32 bytes...=
 * 2 aes-256-gcm q83vEjRW...=
 * </pre>
 *
 * <p>One key per line: a decimal id (0 to 2^31 - 1), an optional algorithm name, the key as
 * standard base64 of exactly 32 bytes. A {@code primary <id>} line names the key that seals; it
 * may be left out when there is exactly one key. A {@code ;} separates lines as a newline does, so
 * the whole file fits one environment variable. Error messages name the source and line, never
 * the key text.
 */
public final class KeyFileFormat {
  private KeyFileFormat() {}

  /** A parsed file: entries by id, in file order, and the primary id. */
  public static final class Parsed {
    private final Map<Integer, KeyEntry> entries;
    private final int primaryId;

    Parsed(Map<Integer, KeyEntry> entries, int primaryId) {
      this.entries = entries;
      this.primaryId = primaryId;
    }

    /** The keys by id. */
    public Map<Integer, KeyEntry> entries() {
      return entries;
    }

    /** The id of the key that seals. */
    public int primaryId() {
      return primaryId;
    }
  }

  /**
   * Parses {@code text}; {@code source} names it in error messages.
   *
   * @throws IllegalArgumentException naming the source and line of the first mistake
   */
  public static Parsed parse(CharSequence text, String source) {
    Map<Integer, KeyEntry> entries = new LinkedHashMap<>();
    try {
      return parse(text, source, entries);
    } catch (RuntimeException e) {
      // Keys read before the mistake are not handed to anyone: zero them now.
      destroyAll(entries);
      throw e;
    }
  }

  private static Parsed parse(CharSequence text, String source, Map<Integer, KeyEntry> entries) {
    Integer primary = null;
    String[] lines = text.toString().split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      for (String part : line.split(";", -1)) {
        String[] f = part.trim().split("\\s+");
        if (f.length == 1 && f[0].isEmpty()) {
          continue;
        }
        String where = source + ": line " + (n + 1) + ": ";
        if (f[0].equals("primary")) {
          if (f.length != 2) {
            throw new IllegalArgumentException(where + "expected 'primary <id>'");
          }
          if (primary != null) {
            throw new IllegalArgumentException(where + "a second 'primary' line");
          }
          primary = parseId(f[1], where);
          continue;
        }
        if (f.length < 2 || f.length > 3) {
          throw new IllegalArgumentException(where
              + "expected '<id> [<algorithm>] <base64 key>' or 'primary <id>', found "
              + f.length + " fields");
        }
        int id = parseId(f[0], where);
        AeadAlgorithm algorithm = null;
        if (f.length == 3) {
          try {
            algorithm = AeadAlgorithm.byName(f[1]);
          } catch (IllegalArgumentException e) {
            // Not echoing the field, nor the message that quotes it: with the fields out of
            // order it is the key.
            throw new IllegalArgumentException(where + "key " + id
                + ": the second of three fields is not an algorithm (expected one of "
                + AeadAlgorithm.names() + ", then the base64 key)");
          }
        }
        byte[] key;
        try {
          key = Base64.getDecoder().decode(f[f.length - 1]);
        } catch (IllegalArgumentException e) {
          // Deliberately not echoing the text: it may be a key with one typo.
          throw new IllegalArgumentException(where + "key " + id + " is not valid base64", e);
        }
        try {
          if (key.length != KeyEntry.KEY_BYTES) {
            throw new IllegalArgumentException(where + "key " + id + " must be "
                + KeyEntry.KEY_BYTES + " bytes, was " + key.length);
          }
          if (entries.containsKey(id)) {
            throw new IllegalArgumentException(where + "key id " + id + " appears twice");
          }
          entries.put(id, new KeyEntry(id, algorithm, key));
        } finally {
          Arrays.fill(key, (byte) 0);
        }
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(source + ": no keys");
    }
    if (primary == null) {
      if (entries.size() != 1) {
        throw new IllegalArgumentException(source + ": " + entries.size()
            + " keys and no 'primary <id>' line to say which one seals");
      }
      primary = entries.keySet().iterator().next();
    } else if (!entries.containsKey(primary)) {
      throw new IllegalArgumentException(source + ": primary key " + primary
          + " is not among the keys " + new ArrayList<>(entries.keySet()));
    }
    return new Parsed(entries, primary);
  }

  /** The text of a key file holding {@code keys} with {@code primaryId} sealing. */
  public static String format(List<KeyEntry> keys, int primaryId, String comment) {
    StringBuilder b = new StringBuilder();
    for (String c : comment.split("\n")) {
      b.append("# ").append(c).append('\n');
    }
    b.append("primary ").append(primaryId).append('\n');
    for (KeyEntry e : keys) {
      byte[] key = e.copyKey();
      if (key == null) {
        throw new IllegalStateException(e + " was destroyed");
      }
      try {
        b.append(e.id());
        if (e.algorithm() != null) {
          b.append(' ').append(e.algorithm().wireName());
        }
        b.append(' ').append(Base64.getEncoder().encodeToString(key)).append('\n');
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    }
    return b.toString();
  }

  private static void destroyAll(Map<Integer, KeyEntry> entries) {
    entries.values().forEach(KeyEntry::destroy);
  }

  private static int parseId(String s, String where) {
    if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(where + "key id must be a number from 0 to "
          + Integer.MAX_VALUE + ", was '" + abbreviate(s) + "'");
    }
    long v = Long.parseLong(s);
    if (v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(where + "key id must be at most " + Integer.MAX_VALUE
          + ", was " + v);
    }
    return (int) v;
  }

  private static String abbreviate(String s) {
    // An id field that is really a misplaced key must not be printed whole.
    return s.length() <= 12 ? s : s.substring(0, 4) + "...";
  }
}
