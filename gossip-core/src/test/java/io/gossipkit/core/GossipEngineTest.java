package io.gossipkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.MailAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine: stamping writes, merging received entries, tombstones and the round timer. */
class GossipEngineTest {
  private static final long INTERVAL = 100;
  private static final long TTL = 60_000;
  private static final GossipConfig CONFIG =
      GossipConfig.builder()
          .gossipInterval(Duration.ofMillis(INTERVAL))
          .tombstoneTtl(Duration.ofMillis(TTL))
          .build();

  /** A strategy that records what the engine tells it and is idle when the test says so. */
  static final class StubStrategy implements DisseminationStrategy {
    boolean idle;
    int rounds;
    final List<Entry> localUpdates = new ArrayList<>();
    final List<GossipMessage> messages = new ArrayList<>();

    /** Thrown by every round if set. */
    RuntimeException roundFailure;

    @Override
    public void onRound(GossipContext ctx) {
      rounds++;
      if (roundFailure != null) {
        throw roundFailure;
      }
    }

    @Override
    public void onLocalUpdate(GossipContext ctx, Entry entry) {
      localUpdates.add(entry);
    }

    @Override
    public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {
      messages.add(message);
    }

    @Override
    public boolean isIdle() {
      return idle;
    }
  }

  /** One change the listener saw. */
  record Change(Entry previous, Entry current) {}

  private final TestCluster cluster = new TestCluster(CONFIG, 2, 42);
  private final StubStrategy stub = new StubStrategy();
  private final GossipEngine engine = cluster.add(0, stub);
  private final List<Change> changes = new ArrayList<>();

  GossipEngineTest() {
    engine.listener((previous, current) -> changes.add(new Change(previous, current)));
  }

  private static Entry remote(String key, long millis, int logical) {
    return Entry.of(key, new byte[] {1}, Version.of(Version.pack(millis, logical), NodeId.of("n1")));
  }

  @Test
  void aReceivedEntryStampedFurtherAheadThanMaxClockSkewIsDroppedAndCounted() {
    long skew = CONFIG.maxClockSkew().toMillis();
    long now = cluster.now();

    assertTrue(engine.apply(remote("at-limit", now + skew, 65_535)), "exactly maxClockSkew ahead");
    assertFalse(engine.apply(remote("past-limit", now + skew + 1, 0)));
    assertFalse(engine.apply(Entry.of("max", new byte[] {1},
        Version.of(Long.MAX_VALUE, NodeId.of("n1")))), "the largest timestamp the wire allows");

    assertNull(engine.store().get("past-limit"));
    assertNull(engine.store().get("max"));
    assertEquals(2, cluster.counters().get("dropped.future_timestamp"));
    Version local = engine.put("mine", new byte[] {1});
    assertEquals(Version.pack(now + skew, 65_535) + 1, local.timestamp(),
        "ordered after the accepted stamp only: the refused ones did not drag the clock");

    cluster.advance(1);
    assertTrue(engine.apply(remote("past-limit", now + skew + 1, 0)),
        "accepted once the clock has caught up to within the skew");
  }

  @Test
  void aStrategyThatThrowsInARoundStillHasTheNextRoundArmed() {
    TestCluster c = new TestCluster(CONFIG, 1, 7);
    StubStrategy failing = new StubStrategy();
    failing.roundFailure = new IllegalStateException("strategy bug");
    GossipEngine e = c.add(0, failing);
    e.start();
    assertEquals(1, c.pendingTimers().size());

    assertThrows(IllegalStateException.class, c::fireTimers, "the host reports it");

    assertEquals(1, c.pendingTimers().size(), "the next round is armed regardless");
  }

  @Test
  void putStampsIncreasingVersionsAndNotifiesTheListener() {
    Version v1 = engine.put("k", new byte[] {1});
    Version v2 = engine.put("k", new byte[] {2}); // same clock instant
    cluster.advance(-10_000); // and a clock that steps back
    Version v3 = engine.put("k", new byte[] {3});

    assertTrue(v2.isNewerThan(v1));
    assertTrue(v3.isNewerThan(v2));
    assertEquals(engine.self(), v1.origin());
    assertEquals(cluster.now() + 10_000, v1.millis(), "stamped from the environment's clock");

    assertEquals(3, changes.size());
    assertNull(changes.get(0).previous());
    assertSame(changes.get(0).current(), changes.get(1).previous());
    assertEquals(v3, changes.get(2).current().version());
    assertEquals(3, engine.store().get("k").value()[0]);
    assertEquals(3, stub.localUpdates.size(), "every write is handed to the strategy");
  }

  @Test
  void deleteWritesATombstoneNewerThanThePut() {
    Version put = engine.put("k", new byte[] {1});
    Version delete = engine.delete("k");

    assertTrue(delete.isNewerThan(put));
    assertTrue(engine.store().get("k").isTombstone());
    assertTrue(changes.get(1).current().isTombstone());
    assertTrue(stub.localUpdates.get(1).isTombstone());
  }

  @Test
  void receivedNewerEntryNotifiesAndOlderOrEqualDoesNot() {
    Entry newer = remote("k", cluster.now(), 5);
    Entry older = remote("k", cluster.now(), 4);

    assertTrue(engine.apply(newer));
    assertEquals(List.of(new Change(null, newer)), changes);

    assertFalse(engine.apply(older));
    assertFalse(engine.apply(newer), "a duplicate is no change");
    assertEquals(1, changes.size());
    assertSame(newer, engine.store().get("k"));
  }

  @Test
  void updatesAppliedCountsReceivedEntriesThatChangedTheReplicaNotLocalWrites() {
    assertEquals(0, cluster.counters().get("updates.applied"));
    engine.put("local", new byte[] {1});
    assertTrue(engine.apply(remote("k", cluster.now(), 5)));
    assertTrue(engine.apply(remote("j", cluster.now(), 5)));
    assertFalse(engine.apply(remote("k", cluster.now(), 4)), "older: kept what it had");

    assertEquals(2, cluster.counters().get("updates.applied"));
  }

  @Test
  void localWritesOrderAfterEverythingReceived() {
    Entry fromTheFuture = remote("k", cluster.now() + 5_000, 3);
    engine.apply(fromTheFuture);

    Version local = engine.put("k", new byte[] {9});

    assertTrue(local.isNewerThan(fromTheFuture.version()));
    assertEquals(9, engine.store().get("k").value()[0], "so the local write wins");
  }

  @Test
  void expiredTombstoneIsIgnoredAndCounted() {
    long now = cluster.now();
    Entry expired = Entry.tombstone("k", Version.of(Version.pack(now - TTL - 1, 0), NodeId.of("n1")));
    Entry atTheLimit = Entry.tombstone("j", Version.of(Version.pack(now - TTL, 0), NodeId.of("n1")));

    assertFalse(engine.apply(expired));
    assertNull(engine.store().get("k"));
    assertEquals(List.of(), changes);
    assertEquals(1, cluster.counters().get("tombstones.expired_ignored"));

    assertTrue(engine.apply(atTheLimit), "not older than the TTL yet");
    assertEquals(1, cluster.counters().get("tombstones.expired_ignored"));
  }

  @Test
  void oldValuesAreNotSubjectToTheTombstoneTtl() {
    Entry ancient = remote("k", cluster.now() - 10 * TTL, 0);

    assertTrue(engine.apply(ancient));
    assertEquals(0, cluster.counters().get("tombstones.expired_ignored"));
  }

  @Test
  void writeRejectedByTheMergePolicyIsCountedAndNotSpread() {
    TestCluster fww = new TestCluster(CONFIG, 2, 1, MergePolicy.firstWriterWins());
    StubStrategy s = new StubStrategy();
    GossipEngine e = fww.add(0, s);
    List<Change> seen = new ArrayList<>();
    e.listener((previous, current) -> seen.add(new Change(previous, current)));

    e.put("k", new byte[] {1});
    e.put("k", new byte[] {2});

    assertEquals(1, e.store().get("k").value()[0]);
    assertEquals(1, fww.counters().get("writes.rejected_by_merge_policy"));
    assertEquals(1, seen.size());
    assertEquals(1, s.localUpdates.size());
  }

  @Test
  void nothingIsArmedBeforeStart() {
    engine.put("k", new byte[] {1});
    engine.wake();

    assertEquals(0, cluster.pendingTimers().size());
  }

  @Test
  void firstRoundComesWithinOneIntervalAndLaterOnesWithinTheJitter() {
    engine.start();
    engine.start(); // idempotent

    assertEquals(1, cluster.pendingTimers().size());
    long first = cluster.pendingTimers().get(0).delayMillis;
    assertTrue(first >= 1 && first <= INTERVAL + 1, "first delay " + first);

    for (int round = 0; round < 50; round++) {
      cluster.fireTimers();
      List<TestCluster.Timer> pending = cluster.pendingTimers();
      assertEquals(1, pending.size(), "exactly one round armed at a time");
      long delay = pending.get(0).delayMillis;
      assertTrue(delay >= INTERVAL * 9 / 10 && delay <= INTERVAL * 11 / 10, "delay " + delay);
    }
    assertEquals(50, stub.rounds);
  }

  @Test
  void roundTimerIsArmedOnlyWhileTheStrategyIsNotIdle() {
    stub.idle = true;
    engine.start();
    assertEquals(0, cluster.pendingTimers().size(), "an idle node arms nothing");

    engine.receive(NodeId.of("n1"), new MailAck(1));
    engine.put("k", new byte[] {1});
    assertEquals(0, cluster.pendingTimers().size(), "still idle");

    stub.idle = false;
    engine.wake();
    engine.wake();
    assertEquals(1, cluster.pendingTimers().size(), "armed once, not twice");

    cluster.fireTimers();
    assertEquals(1, stub.rounds);
    assertEquals(1, cluster.pendingTimers().size(), "re-armed while there is work");

    stub.idle = true;
    cluster.fireTimers();
    assertEquals(1, stub.rounds, "a strategy idle when its timer fires gets no round");
    assertEquals(0, cluster.pendingTimers().size(), "not re-armed once idle");

    stub.idle = false;
    engine.receive(NodeId.of("n1"), new MailAck(2));
    assertEquals(1, cluster.pendingTimers().size(), "a message that gives work re-arms");
  }

  @Test
  void anIdleNodeHoldingTombstonesStillWakesToCollectThem() {
    stub.idle = true;
    engine.start();
    engine.delete("gone");
    List<TestCluster.Timer> pending = cluster.pendingTimers();
    assertEquals(1, pending.size(), "a tombstone arms a collection round");
    assertTrue(pending.get(0).delayMillis >= INTERVAL, "collection waits at least an interval");
    assertEquals(0, stub.rounds);
  }

  @Test
  void stopMakesPendingRoundsAndReceivedMessagesNoOps() {
    engine.start();
    assertEquals(1, cluster.pendingTimers().size());

    engine.stop();
    engine.stop(); // idempotent
    assertTrue(engine.isStopped());

    cluster.fireTimers();
    engine.receive(NodeId.of("n1"), new MailAck(1));
    engine.wake();

    assertEquals(0, stub.rounds);
    assertEquals(List.of(), stub.messages);
    assertEquals(0, cluster.pendingTimers().size(), "nothing re-armed");

    engine.put("k", new byte[] {1});
    assertEquals(1, engine.store().size(), "the replica still takes local writes");
    assertEquals(List.of(), stub.localUpdates, "but nothing is spread");
    assertEquals(0, cluster.pendingTimers().size());
  }

  @Test
  void tombstonesAreCollectedOnARoundOnceOlderThanTheTtl() {
    engine.start();
    engine.put("live", new byte[] {1});
    engine.delete("gone");

    cluster.advance(TTL);
    cluster.fireTimers();
    assertTrue(engine.store().get("gone").isTombstone(), "exactly TTL old: kept");
    assertEquals(0, cluster.counters().get("tombstones.collected"));

    cluster.advance(1);
    cluster.fireTimers();
    assertNull(engine.store().get("gone"));
    assertEquals(1, engine.store().size(), "values stay");
    assertEquals(1, cluster.counters().get("tombstones.collected"));
    assertEquals(2, stub.rounds);
  }
}
