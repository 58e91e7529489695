package io.gossipkit.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import io.gossipkit.core.codec.KryoCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Oversized messages become pieces that each fit a datagram and together say the same. */
class MessageSplitterTest {
  private static final int MAX = 1300;
  private final KryoCodec codec = new KryoCodec(GossipConfig.lan());

  private static List<Entry> entries(int n, int valueBytes) {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Entry.of("k" + i, new byte[valueBytes],
          Version.of(Version.pack(10_000 + i, 0), NodeId.of("origin"))));
    }
    return out;
  }

  private void assertAllFit(MessageSplitter.Result r) {
    for (GossipMessage m : r.pieces()) {
      assertTrue(codec.encodedSize(m) <= MAX, m.getClass().getSimpleName() + " of "
          + codec.encodedSize(m) + " bytes");
    }
  }

  @Test
  void rumorPushSplitsIntoRunsAndPullsOnlyOnce() {
    List<Entry> all = entries(100, 90);
    RumorPush push = new RumorPush(all, true, true);
    assertTrue(codec.encodedSize(push) > MAX);

    MessageSplitter.Result r = MessageSplitter.split(push, codec, MAX);

    assertAllFit(r);
    assertEquals(0, r.leftOut());
    List<Entry> got = new ArrayList<>();
    for (int i = 0; i < r.pieces().size(); i++) {
      RumorPush p = (RumorPush) r.pieces().get(i);
      assertTrue(p.wantFeedback());
      assertEquals(i == 0, p.pull(), "pull only on the first piece");
      got.addAll(p.entries());
    }
    assertEquals(all, got);
    // Greedy runs: no piece could have taken the next piece's first entry.
    int total = 0;
    for (GossipMessage m : r.pieces()) {
      total += codec.encodedSize(m);
    }
    assertTrue(r.pieces().size() <= total / (MAX - 100) + 1, r.pieces().size() + " pieces");
  }

  @Test
  void rumorReplyKeepsEachAcksBitWithIt() {
    List<Entry> received = entries(64, 0);
    List<KeyVersion> acked = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      // Long keys, so the feedback alone needs several datagrams.
      String key = "key-" + i + "-".repeat(60);
      acked.add(new KeyVersion(key, received.get(i).version()));
    }
    long mask = 0xA5A5_0F0F_3C3C_9999L;
    RumorReply reply = new RumorReply(entries(30, 70), acked, mask, true);

    MessageSplitter.Result r = MessageSplitter.split(reply, codec, MAX);

    assertAllFit(r);
    List<KeyVersion> gotAcks = new ArrayList<>();
    List<Boolean> gotBits = new ArrayList<>();
    List<Entry> gotEntries = new ArrayList<>();
    for (GossipMessage m : r.pieces()) {
      RumorReply p = (RumorReply) m;
      for (int i = 0; i < p.acked().size(); i++) {
        gotAcks.add(p.acked().get(i));
        gotBits.add(p.wasNew(i));
      }
      if (!p.entries().isEmpty()) {
        assertTrue(p.acked().isEmpty());
        assertTrue(p.wantFeedback());
      }
      gotEntries.addAll(p.entries());
    }
    assertEquals(acked, gotAcks);
    for (int i = 0; i < 64; i++) {
      assertEquals(reply.wasNew(i), gotBits.get(i), "bit " + i);
    }
    assertEquals(reply.entries(), gotEntries);
  }

  @Test
  void syncReplySplitsEntriesAndWantedKeys() {
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      wanted.add("wanted-key-" + i);
    }
    SyncReply reply = new SyncReply(entries(50, 100), wanted);

    MessageSplitter.Result r = MessageSplitter.split(reply, codec, MAX);

    assertAllFit(r);
    List<Entry> gotEntries = new ArrayList<>();
    List<String> gotWanted = new ArrayList<>();
    for (GossipMessage m : r.pieces()) {
      gotEntries.addAll(((SyncReply) m).entries());
      gotWanted.addAll(((SyncReply) m).wanted());
    }
    assertEquals(reply.entries(), gotEntries);
    assertEquals(wanted, gotWanted);
  }

  @Test
  void anEntryTooLargeAloneIsLeftOutAndTheRestStillGoes() {
    List<Entry> es = new ArrayList<>(entries(3, 10));
    es.add(1, Entry.of("huge", new byte[MAX], Version.of(1, NodeId.of("origin"))));

    MessageSplitter.Result r = MessageSplitter.split(new SyncEntries(es), codec, MAX);

    assertEquals(1, r.leftOut());
    List<Entry> got = new ArrayList<>();
    for (GossipMessage m : r.pieces()) {
      got.addAll(((SyncEntries) m).entries());
    }
    assertEquals(entries(3, 10), got);
  }

  @Test
  void mailIsNotSplitBecauseItIsAcknowledgedOnce() {
    assertNull(MessageSplitter.split(new Mail(1, entries(100, 90)), codec, MAX));
  }
}
