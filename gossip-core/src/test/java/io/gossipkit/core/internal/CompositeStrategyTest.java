package io.gossipkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.MailAck;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.core.TestCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A fast strategy every round backed by a slow one every few rounds. */
class CompositeStrategyTest {
  /** Records calls; idle and quiescent when the test says so. */
  static final class Recorder implements DisseminationStrategy {
    boolean idle;
    boolean quiescent = true;
    int rounds;
    final List<Entry> updates = new ArrayList<>();
    final List<GossipMessage> messages = new ArrayList<>();

    @Override
    public void onRound(GossipContext ctx) {
      rounds++;
    }

    @Override
    public void onLocalUpdate(GossipContext ctx, Entry entry) {
      updates.add(entry);
    }

    @Override
    public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {
      messages.add(message);
    }

    @Override
    public boolean isIdle() {
      return idle;
    }

    @Override
    public boolean isQuiescent() {
      return quiescent;
    }
  }

  private final Recorder fast = new Recorder();
  private final Recorder backup = new Recorder();
  private final CompositeStrategy composite = new CompositeStrategy(fast, backup, 3);
  private final TestCluster cluster = new TestCluster(GossipConfig.lan(), 2, 1);
  private final GossipEngine engine = cluster.add(0, composite);

  @Test
  void fastRunsEveryRoundAndBackupEveryBackupEveryRoundsAfterAFirstOne() {
    for (int i = 0; i < 9; i++) {
      cluster.round(0);
    }

    assertEquals(9, fast.rounds);
    // Rounds 3, 6 and 9, and round 1: the first that found a live peer.
    assertEquals(3 + 1, backup.rounds);
  }

  @Test
  void anIdleFastStrategyIsSkippedButTheBackupKeepsItsPace() {
    fast.idle = true;
    for (int i = 0; i < 6; i++) {
      cluster.round(0);
    }

    assertEquals(0, fast.rounds);
    assertEquals(2 + 1, backup.rounds);
    assertFalse(composite.isIdle(), "the backup is periodic: the composite never idles");
  }

  @Test
  void theBackupRunsAtOnceWhenAPeerIsFirstLiveAndThenOnlyAtItsPace() {
    // A node alone (its one peer down): nothing to sync with, so the first sync waits.
    cluster.membership().setDown(1, true);
    cluster.round(0); // round 1
    assertEquals(0, backup.rounds);
    // The peer appears (a node that has just joined): the very next round syncs with it.
    cluster.membership().setDown(1, false);
    cluster.round(0); // round 2: not one of the backup's own (3, 6, ...)
    assertEquals(1, backup.rounds, "the round after a peer is live runs the backup");
    cluster.round(0); // round 3
    assertEquals(2, backup.rounds, "then at its pace");
    cluster.round(0);
    cluster.round(0); // rounds 4 and 5
    assertEquals(2, backup.rounds);
    // A peer that goes and comes back does not start another immediate sync.
    cluster.membership().setDown(1, true);
    cluster.round(0); // round 6: the pace's, peer or not
    cluster.membership().setDown(1, false);
    cluster.round(0); // round 7
    assertEquals(3, backup.rounds);
  }

  @Test
  void writesAndMessagesGoToBoth() {
    engine.put("k", new byte[] {1});
    engine.receive(cluster.id(1), new MailAck(1));

    assertEquals(1, fast.updates.size());
    assertEquals(fast.updates, backup.updates);
    assertEquals(List.of(new MailAck(1)), fast.messages);
    assertEquals(fast.messages, backup.messages);
  }

  @Test
  void quiescentOnlyWhenBothAre() {
    assertTrue(composite.isQuiescent());
    fast.quiescent = false;
    assertFalse(composite.isQuiescent());
    fast.quiescent = true;
    backup.quiescent = false;
    assertFalse(composite.isQuiescent());
  }
}
