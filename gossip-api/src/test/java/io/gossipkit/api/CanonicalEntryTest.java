package io.gossipkit.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bytes an origin signs: their exact layout, and that every field of the write is in them. */
class CanonicalEntryTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
  private static final NodeId N = NodeId.of("n");
  private static final String DOMAIN_HEX =
      HEX.formatHex("gossipkit-entry-v1".getBytes(StandardCharsets.US_ASCII)) + " 00";

  @Test
  void aLiveEntryEncodesAsDocumented() {
    Entry e = Entry.of("k", new byte[] {0x2A}, Version.of(1, N));

    assertEquals(
        DOMAIN_HEX + " 00 00 00 01 6b 00 00 00 00 00 00 00 01 00 00 00 01 6e 00 00 00 00 01 2a",
        HEX.formatHex(CanonicalEntry.encode(e)));
  }

  @Test
  void aTombstoneEncodesItsFlagAndAnEmptyValue() {
    Entry e = Entry.tombstone("k", Version.of(0x0102030405060708L, N));

    assertEquals(
        DOMAIN_HEX + " 00 00 00 01 6b 01 02 03 04 05 06 07 08 00 00 00 01 6e 01 00 00 00 00",
        HEX.formatHex(CanonicalEntry.encode(e)));
  }

  @Test
  void textIsUtf8AndLengthsCountBytes() {
    Entry e = Entry.of("é😀", new byte[0], Version.of(0, NodeId.of("€")));

    assertEquals(
        DOMAIN_HEX + " 00 00 00 06 c3 a9 f0 9f 98 80 00 00 00 00 00 00 00 00"
            + " 00 00 00 03 e2 82 ac 00 00 00 00 00",
        HEX.formatHex(CanonicalEntry.encode(e)));
  }

  @Test
  void theSignatureIsNotPartOfTheSignedBytes() {
    Entry e = Entry.of("k", new byte[] {1}, Version.of(1, N));

    assertArrayEquals(
        CanonicalEntry.encode(e),
        CanonicalEntry.encode(e.withSignature(new byte[Entry.SIGNATURE_BYTES])));
  }

  @Test
  void changingAnyFieldOfTheWriteChangesTheBytes() {
    Version v = Version.of(Version.pack(1_700_000_000_000L, 5), N);
    Entry base = Entry.of("key", new byte[] {1, 2, 3}, v);
    List<Entry> variants =
        List.of(
            base,
            Entry.of("kez", new byte[] {1, 2, 3}, v),
            Entry.of("key", new byte[] {1, 2, 4}, v),
            Entry.of("key", new byte[] {1, 2, 3, 0}, v),
            Entry.of("key", new byte[] {}, v),
            Entry.of("key", new byte[] {1, 2, 3}, Version.of(v.timestamp() + 1, N)),
            Entry.of("key", new byte[] {1, 2, 3}, Version.of(v.timestamp(), NodeId.of("m"))),
            Entry.tombstone("key", v));
    Set<String> seen = new HashSet<>();
    for (Entry e : variants) {
      assertTrue(seen.add(HEX.formatHex(CanonicalEntry.encode(e))), "collision for " + e);
    }
  }

  @Test
  void fieldBoundariesCannotBeShiftedToForgeAnotherWrite() {
    // With bare concatenation "ab"+"c" and "a"+"bc" would collide; the length prefixes keep apart
    // every split of the same bytes between key, origin and value.
    List<byte[]> encodings = new ArrayList<>();
    encodings.add(CanonicalEntry.encode(Entry.of("ab", "c".getBytes(StandardCharsets.UTF_8),
        Version.of(0, NodeId.of("x")))));
    encodings.add(CanonicalEntry.encode(Entry.of("a", "bc".getBytes(StandardCharsets.UTF_8),
        Version.of(0, NodeId.of("x")))));
    encodings.add(CanonicalEntry.encode(Entry.of("", "abc".getBytes(StandardCharsets.UTF_8),
        Version.of(0, NodeId.of("x")))));
    for (int i = 0; i < encodings.size(); i++) {
      for (int j = i + 1; j < encodings.size(); j++) {
        assertFalse(Arrays.equals(encodings.get(i), encodings.get(j)), i + " vs " + j);
      }
    }
  }

  @Test
  void anUnpairedSurrogateIsRefusedRatherThanReplaced() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> CanonicalEntry.encode(Entry.of("a\uD800", new byte[0], Version.of(0, N))));
    assertEquals("key holds an unpaired surrogate at index 1, which UTF-8 cannot carry",
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> CanonicalEntry.encode(
            Entry.of("k", new byte[0], Version.of(0, NodeId.of("\uDC00")))));
  }
}
