package io.gossipkit.crypto.internal;

/**
 * Internal: may change at any time. A sliding-window replay filter for one sender session's
 * packet counters (RFC 6479, as in IPsec and WireGuard): it remembers the highest counter seen and
 * one bit for each of the {@code size} counters up to it.
 *
 * <p>A counter above the highest slides the window forward; one inside the window is accepted
 * once; one at or below {@code highest - size} is refused as too old, since the window no longer
 * knows whether it was seen. The bitmap is a ring of 64-bit words with one spare word, so sliding
 * clears whole words and never shifts. Not thread-safe: {@link SessionTable} guards it.
 */
public final class ReplayWindow {
  /** What the window says about a counter. */
  public enum Verdict {
    /** Not seen before: accepted, now remembered. */
    ACCEPTED,
    /** Seen before. */
    DUPLICATE,
    /** So far behind the newest counter that the window cannot tell. */
    TOO_OLD
  }

  private final int size;
  private final long[] ring;
  private long highest = -1;

  /** A window remembering {@code size} counters, a positive multiple of 64. */
  public ReplayWindow(int size) {
    if (size < 64 || size % 64 != 0) {
      throw new IllegalArgumentException("window size must be a positive multiple of 64, was "
          + size);
    }
    this.size = size;
    // One spare word: the counters highest - size + 1 .. highest span at most size / 64 + 1 words.
    this.ring = new long[size / 64 + 1];
  }

  /** The highest counter accepted, or -1. */
  public long highest() {
    return highest;
  }

  /** The verdict {@link #accept} would give {@code counter} ({@code >= 0}), changing nothing. */
  public Verdict check(long counter) {
    if (counter > highest) {
      return Verdict.ACCEPTED;
    }
    if (highest - counter >= size) {
      return Verdict.TOO_OLD;
    }
    return (ring[word(counter)] & bit(counter)) != 0 ? Verdict.DUPLICATE : Verdict.ACCEPTED;
  }

  /** Accepts {@code counter} ({@code >= 0}) if it was not seen and is inside the window. */
  public Verdict accept(long counter) {
    if (counter < 0) {
      throw new IllegalArgumentException("counter must be >= 0, was " + counter);
    }
    if (counter > highest) {
      long from = highest < 0 ? -1 : highest >>> 6;
      long to = counter >>> 6;
      long words = Math.min(to - from, ring.length);
      for (long i = 1; i <= words; i++) {
        ring[(int) ((from + i) % ring.length)] = 0;
      }
      highest = counter;
    } else if (highest - counter >= size) {
      return Verdict.TOO_OLD;
    }
    int w = word(counter);
    long b = bit(counter);
    if ((ring[w] & b) != 0) {
      return Verdict.DUPLICATE;
    }
    ring[w] |= b;
    return Verdict.ACCEPTED;
  }

  private int word(long counter) {
    return (int) ((counter >>> 6) % ring.length);
  }

  private static long bit(long counter) {
    return 1L << (counter & 63);
  }
}
