package io.gossipkit.crypto.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small deterministic byte mutator in the style of libFuzzer's: bit flips, interesting values,
 * inserts, deletes, truncation, duplication, splicing and length-field edits. With a fixed seed it
 * yields the same mutants on every machine, so the seeded campaigns CI runs are reproducible.
 */
final class Mutator {
  private static final byte[] INTERESTING = {
    0, 1, 2, 3, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff
  };

  private final SplittableRandom random;
  private final int maxLength;

  Mutator(long seed, int maxLength) {
    this.random = new SplittableRandom(seed);
    this.maxLength = maxLength;
  }

  /** A mutant of one of {@code corpus}, with 1 to 4 edits. */
  byte[] mutate(List<byte[]> corpus) {
    byte[] data = corpus.get(random.nextInt(corpus.size())).clone();
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      data = edit(data, corpus);
    }
    return data.length > maxLength ? Arrays.copyOf(data, maxLength) : data;
  }

  private byte[] edit(byte[] d, List<byte[]> corpus) {
    switch (random.nextInt(10)) {
      case 0: // flip one bit
        if (d.length > 0) {
          d[random.nextInt(d.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return d;
      case 1: // set an interesting byte
        if (d.length > 0) {
          d[random.nextInt(d.length)] = INTERESTING[random.nextInt(INTERESTING.length)];
        }
        return d;
      case 2: // set a random byte
        if (d.length > 0) {
          d[random.nextInt(d.length)] = (byte) random.nextInt(256);
        }
        return d;
      case 3: // insert a byte
        {
          int at = random.nextInt(d.length + 1);
          byte[] o = new byte[d.length + 1];
          System.arraycopy(d, 0, o, 0, at);
          o[at] = (byte) random.nextInt(256);
          System.arraycopy(d, at, o, at + 1, d.length - at);
          return o;
        }
      case 4: // delete a range
        {
          if (d.length == 0) {
            return d;
          }
          int at = random.nextInt(d.length);
          int n = 1 + random.nextInt(Math.min(16, d.length - at));
          byte[] o = new byte[d.length - n];
          System.arraycopy(d, 0, o, 0, at);
          System.arraycopy(d, at + n, o, at, d.length - at - n);
          return o;
        }
      case 5: // truncate
        return Arrays.copyOf(d, d.length == 0 ? 0 : random.nextInt(d.length));
      case 6: // duplicate a range (replays a message inside the input)
        {
          if (d.length == 0) {
            return d;
          }
          int at = random.nextInt(d.length);
          int n = 1 + random.nextInt(d.length - at);
          byte[] o = Arrays.copyOf(d, d.length + n);
          System.arraycopy(d, at, o, d.length, n);
          return o;
        }
      case 7: // splice with another corpus entry
        {
          byte[] other = corpus.get(random.nextInt(corpus.size()));
          int cut = random.nextInt(d.length + 1);
          int from = random.nextInt(other.length + 1);
          byte[] o = Arrays.copyOf(d, cut + other.length - from);
          System.arraycopy(other, from, o, cut, other.length - from);
          return o;
        }
      case 8: // write a big-endian u16 (hits the length prefixes)
        if (d.length >= 2) {
          int at = random.nextInt(d.length - 1);
          int v = random.nextBoolean() ? random.nextInt(1 << 16) : random.nextInt(600);
          d[at] = (byte) (v >>> 8);
          d[at + 1] = (byte) v;
        }
        return d;
      default: // append random bytes
        {
          int n = 1 + random.nextInt(32);
          byte[] o = Arrays.copyOf(d, d.length + n);
          for (int i = d.length; i < o.length; i++) {
            o[i] = (byte) random.nextInt(256);
          }
          return o;
        }
    }
  }
}
