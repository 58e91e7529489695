package io.gossipkit.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Entry;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeleteRecordsTest {
  private static final NodeId W = NodeId.of("w");

  private static Entry tombstone(String key, long millis) {
    return Entry.tombstone(key, Version.of(Version.pack(millis, 3), W));
  }

  @Test
  void aCollectedTombstoneIsRebuiltWithItsKeyVersionAndOrigin() {
    DeleteRecords r = new DeleteRecords(1000, 10);
    Entry t = tombstone("k", 42);

    r.add(t, 100);

    Entry back = r.deleted("k", 100);
    assertNotNull(back);
    assertEquals(t, back);
    assertTrue(back.isTombstone());
    assertNull(r.deleted("other", 100));
  }

  @Test
  void aSignedTombstoneKeepsItsSignature() {
    byte[] signature = new byte[Entry.SIGNATURE_BYTES];
    Arrays.fill(signature, (byte) 9);
    Entry t = tombstone("k", 42).withSignature(signature);
    DeleteRecords r = new DeleteRecords(1000, 10);

    r.add(t, 100);

    assertArrayEquals(signature, r.deleted("k", 100).signature());
  }

  @Test
  void aRecordIsForgottenOnceItsRetentionHasPassed() {
    DeleteRecords r = new DeleteRecords(1000, 10);
    r.add(tombstone("k", 42), 100);

    assertNotNull(r.deleted("k", 1100));
    assertNull(r.deleted("k", 1101), "looked up after the retention");

    r.expire(1101);
    assertEquals(0, r.size());
  }

  @Test
  void aKeyDeletedAgainReplacesItsOlderRecord() {
    DeleteRecords r = new DeleteRecords(1000, 10);
    r.add(tombstone("k", 42), 100);

    r.add(tombstone("k", 77), 200);

    assertEquals(1, r.size());
    assertEquals(Version.pack(77, 3), r.deleted("k", 200).version().timestamp());
    // The first record's slot expires without taking the second with it.
    r.expire(1150);
    assertNotNull(r.deleted("k", 1150));
    assertTrue(r.consistent());
  }

  @Test
  void atTheMaximumTheOldestRecordsGoFirstAndAreCounted() {
    DeleteRecords r = new DeleteRecords(1_000_000, 3);
    for (int i = 0; i < 5; i++) {
      r.add(tombstone("k" + i, i), i);
    }

    assertEquals(3, r.size());
    assertEquals(3, r.capacity());
    assertNull(r.deleted("k0", 5));
    assertNull(r.deleted("k1", 5));
    for (int i = 2; i < 5; i++) {
      assertNotNull(r.deleted("k" + i, 5), "k" + i);
    }
    assertEquals(2, r.drainEvicted());
    assertEquals(0, r.drainEvicted(), "drained");
  }

  @Test
  void forgettingARecordRaisesTheWatermarkButReplacingOneDoesNot() {
    DeleteRecords r = new DeleteRecords(1000, 2);
    r.add(tombstone("k", 42), 100);
    r.add(tombstone("k", 50), 150);
    assertEquals(0, r.forgottenUpTo(), "replaced, not forgotten");

    r.add(tombstone("a", 60), 160);
    r.add(tombstone("b", 70), 170);
    assertEquals(50, r.forgottenUpTo(), "k's record evicted at the maximum");

    r.expire(1165);
    assertEquals(60, r.forgottenUpTo(), "a's record expired");
  }

  @Test
  void boundsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new DeleteRecords(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new DeleteRecords(10, 0));
  }

  /**
   * Random adds, re-deletes, expiries and evictions against a plain list of the same records in
   * collection order: the ring and its table must find exactly the list's live records after
   * every step (the backward-shift deletion, the ring's wrap-around and its growth and compaction
   * are where a slip would lose or keep a record).
   */
  @Test
  void agreesWithAPlainListThroughRandomAddsExpiriesAndEvictions() {
    long seed = 20261202L;
    Random random = new Random(seed);
    int max = 500;
    long retention = 2_000;
    DeleteRecords r = new DeleteRecords(retention, max);
    // The model: slots in collection order, a replaced record's slot kept as null until popped.
    ArrayList<String> slots = new ArrayList<>();
    Map<String, Long> collectedAt = new HashMap<>();
    int capacity = 0;
    long now = 0;
    for (int step = 0; step < 20_000; step++) {
      now += random.nextInt(3);
      String key = "k" + random.nextInt(1_500);
      r.add(tombstone(key, step), now);

      long cutoff = now - retention;
      while (!slots.isEmpty()
          && (slots.get(0) == null || collectedAt.get(slots.get(0)) < cutoff)) {
        String popped = slots.remove(0);
        if (popped != null) {
          collectedAt.remove(popped);
        }
      }
      int old = slots.indexOf(key);
      if (old >= 0) {
        slots.set(old, null);
        collectedAt.remove(key);
      }
      if (slots.size() == capacity && (capacity < max
          || slots.size() - collectedAt.size() >= Math.max(1, capacity / 4))) {
        slots.removeIf(Objects::isNull);
        capacity = Math.min(max, Math.max(16, 2 * capacity));
      }
      while (slots.size() == capacity) {
        String popped = slots.remove(0);
        if (popped != null) {
          collectedAt.remove(popped);
        }
      }
      slots.add(key);
      collectedAt.put(key, now);

      if (step % 97 == 0) {
        assertTrue(r.consistent(), "table and ring disagree at step " + step + ", seed " + seed);
        assertEquals(capacity, r.capacity(), "step " + step + ", seed " + seed);
        for (int k = 0; k < 1_500; k++) {
          String probe = "k" + k;
          assertEquals(collectedAt.containsKey(probe), r.deleted(probe, now) != null,
              probe + " at step " + step + ", seed " + seed);
        }
      }
    }
    assertEquals(collectedAt.size(), r.size(), "seed " + seed);
    assertTrue(r.size() > max / 2, "the run reached the maximum: " + r.size());
  }
}
