package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.Entry;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link MergePolicy} must pass: rules R3.1 to R3.7 of {@code
 * docs/contracts.md}. Replicas converge only if the merge is a join (commutative,
 * associative, idempotent), deterministic, total (never null, never throws) and keeps the key.
 *
 * <p>Inputs are many seeded random entries of one key: live entries and tombstones, drawn from
 * few timestamps so that equal timestamps with different origins are frequent, and origins that
 * differ only in non-ASCII characters. One version names one write, so two generated entries with
 * equal versions are always equal; each is a fresh instance, so a policy comparing by identity
 * fails. All randomness derives from {@link #seed()}, printed by every failure. Every rule runs
 * under a timeout in its own thread, so a merge that never returns fails the build, not hangs it.
 *
 * <pre>{@code
 * class MyMergePolicyContractTest extends MergePolicyContract {
 *   @Override
 *   protected MergePolicy newMergePolicy() {
 *     return new MyMergePolicy();
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class MergePolicyContract {
  private static final String KEY = "clé";
  private static final long[] TIMESTAMPS = {
    0, 1, 2, Version.pack(1_700_000_000_000L, 0), Version.pack(1_700_000_000_000L, 1),
    Version.pack(1_700_000_000_001L, 0), Long.MAX_VALUE
  };
  private static final String[] ORIGINS = {"a", "b", "node-1", "node-10", "nöde", "node-é", "z"};

  private MergePolicy policy;

  /** Creates the policy under test; called once per rule, and again by R3.4. */
  protected abstract MergePolicy newMergePolicy();

  /** The root seed of every random choice; override to explore, print it to replay. */
  protected long seed() {
    return 0x3E26_E5E7L;
  }

  /** Random cases tried by each rule. */
  protected int samples() {
    return 5_000;
  }

  /** Builds the policy under test once per rule. */
  @BeforeEach
  public void setUpPolicy() {
    policy = newMergePolicy();
  }

  /**
   * R3.1: {@code merge(a, b)} equals {@code merge(b, a)}: the winner does not depend on which
   * replica holds which entry.
   *
   * <p>On failure: the tie-break looks at the argument position; for equal timestamps, compare
   * the origins (or anything both entries carry), never "prefer local".
   */
  @Test
  public void required_r3_1_isCommutative() {
    Writes writes = new Writes(seed() + 1);
    for (int i = 0; i < samples(); i++) {
      Entry a = writes.next();
      Entry b = writes.next();
      assertEquals(merge(a, b), merge(b, a), () -> "R3.1 seed " + seed() + ": merge of " + a
          + " and " + b);
    }
  }

  /**
   * R3.2: {@code merge(merge(a, b), c)} equals {@code merge(a, merge(b, c))}: merging in any
   * grouping gives one result, so relayed and direct updates agree.
   *
   * <p>On failure: the order the policy defines is not transitive (for example it compares
   * timestamps and origins inconsistently); define one total order and take its maximum (or
   * minimum), or a true lattice join.
   */
  @Test
  public void required_r3_2_isAssociative() {
    Writes writes = new Writes(seed() + 2);
    for (int i = 0; i < samples(); i++) {
      Entry a = writes.next();
      Entry b = writes.next();
      Entry c = writes.next();
      assertEquals(merge(merge(a, b), c), merge(a, merge(b, c)),
          () -> "R3.2 seed " + seed() + ": merge of " + a + ", " + b + ", " + c);
    }
  }

  /**
   * R3.3: {@code merge(a, a)} equals {@code a}, also for an equal copy of {@code a}, and merging
   * {@code b} again into {@code merge(a, b)} changes nothing: duplicated messages are harmless.
   *
   * <p>On failure: the merge changes an entry when it meets itself (a counter that adds, a
   * timestamp that is bumped); a merge must be a join, not an update.
   */
  @Test
  public void required_r3_3_isIdempotent() {
    Writes writes = new Writes(seed() + 3);
    for (int i = 0; i < samples(); i++) {
      Entry a = writes.next();
      Entry b = writes.next();
      assertEquals(
          a, merge(a, a), () -> "R3.3 seed " + seed() + ": merge of " + a + " with itself");
      assertEquals(a, merge(a, writes.copyOf(a)),
          () -> "R3.3 seed " + seed() + ": merge of " + a + " with an equal copy");
      Entry ab = merge(a, b);
      assertEquals(ab, merge(ab, b), () -> "R3.3 seed " + seed() + ": re-merge of " + b);
    }
  }

  /**
   * R3.4: the result depends only on the two entries: repeated calls, and a second instance from
   * {@link #newMergePolicy()}, return equal entries.
   *
   * <p>On failure: the policy reads a clock, a random source, or state left by earlier calls;
   * a merge must be a pure function, because every replica must pick the same winner.
   */
  @Test
  public void required_r3_4_isDeterministic() {
    MergePolicy other = newMergePolicy();
    Writes writes = new Writes(seed() + 4);
    List<Entry[]> pairs = new ArrayList<>();
    List<Entry> first = new ArrayList<>();
    for (int i = 0; i < samples(); i++) {
      Entry[] pair = {writes.next(), writes.next()};
      pairs.add(pair);
      first.add(merge(pair[0], pair[1]));
    }
    for (int i = 0; i < pairs.size(); i++) {
      Entry a = pairs.get(i)[0];
      Entry b = pairs.get(i)[1];
      String context = "R3.4 seed " + seed() + ": merge of " + a + " and " + b;
      assertEquals(first.get(i), merge(writes.copyOf(a), writes.copyOf(b)), context);
      assertEquals(first.get(i), other.merge(writes.copyOf(a), writes.copyOf(b)),
          context + " by a second instance");
    }
  }

  /**
   * R3.5: merge never returns null and never throws, whatever the two entries (tombstones,
   * empty values, timestamp 0 or {@link Long#MAX_VALUE}).
   *
   * <p>On failure: a branch is missing (often tombstone against tombstone, or equal versions);
   * the merge runs on the node's executor, where an exception would stop replication of the key.
   */
  @Test
  public void required_r3_5_neverReturnsNullOrThrows() {
    Writes writes = new Writes(seed() + 5);
    for (int i = 0; i < samples(); i++) {
      Entry a = writes.next();
      Entry b = writes.next();
      assertNotNull(merge(a, b), () -> "R3.5 seed " + seed() + ": merge of " + a + " and " + b);
    }
  }

  /**
   * R3.6: the merged entry has the key of its inputs.
   *
   * <p>On failure: a merge that builds a new entry must copy the key.
   */
  @Test
  public void required_r3_6_keepsTheKey() {
    Writes writes = new Writes(seed() + 6);
    for (int i = 0; i < samples(); i++) {
      Entry a = writes.next();
      Entry b = writes.next();
      assertEquals(KEY, merge(a, b).key(),
          () -> "R3.6 seed " + seed() + ": merge of " + a + " and " + b);
    }
  }

  /**
   * R3.7: replicas that receive the same set of writes in different orders, with duplicates,
   * end with equal entries: folding any permutation gives one result.
   *
   * <p>On failure: follows from a failure of R3.1 to R3.3 (look there first), or the policy
   * behaves differently over long chains than over pairs (state kept between calls).
   */
  @Test
  public void required_r3_7_convergesWhateverTheArrivalOrder() {
    Writes writes = new Writes(seed() + 7);
    Random random = new Random(seed() + 7);
    for (int i = 0; i < samples() / 10; i++) {
      List<Entry> set = new ArrayList<>();
      for (int n = 2 + random.nextInt(10); n > 0; n--) {
        set.add(writes.next());
      }
      Entry expected = null;
      for (int order = 0; order < 10; order++) {
        List<Entry> arrivals = new ArrayList<>(set);
        arrivals.add(set.get(random.nextInt(set.size()))); // a duplicate delivery
        Collections.shuffle(arrivals, random);
        Entry replica = arrivals.get(0);
        for (int k = 1; k < arrivals.size(); k++) {
          replica = merge(replica, writes.copyOf(arrivals.get(k)));
        }
        if (expected == null) {
          expected = replica;
        } else {
          assertEquals(expected, replica, "R3.7 seed " + seed() + ": writes " + set);
        }
      }
    }
  }

  private Entry merge(Entry local, Entry incoming) {
    try {
      return policy.merge(local, incoming);
    } catch (RuntimeException e) {
      return fail("seed " + seed() + ": merge of " + local + " and " + incoming + " threw " + e, e);
    }
  }

  /**
   * Seeded writes to {@link #KEY}: one version names one write, so equal versions always carry
   * equal contents, whichever call produced them.
   */
  private static final class Writes {
    private final Random random;

    Writes(long seed) {
      this.random = new Random(seed);
    }

    Entry next() {
      long timestamp = TIMESTAMPS[random.nextInt(TIMESTAMPS.length)];
      String origin = ORIGINS[random.nextInt(ORIGINS.length)];
      return write(Version.of(timestamp, NodeId.of(origin)));
    }

    Entry copyOf(Entry e) {
      return write(e.version());
    }

    /** The one write a version names: its contents derive from the version alone. */
    private static Entry write(Version version) {
      Random contents = new Random(version.hashCode() * 0x9E3779B97F4A7C15L);
      if (contents.nextInt(4) == 0) {
        return Entry.tombstone(KEY, version);
      }
      byte[] value = new byte[contents.nextInt(6)];
      contents.nextBytes(value);
      return Entry.of(KEY, value, version);
    }
  }
}
