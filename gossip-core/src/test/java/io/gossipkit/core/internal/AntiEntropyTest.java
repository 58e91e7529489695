package io.gossipkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.RangeSummaries;
import io.gossipkit.api.message.SyncDigest;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.TestCluster;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.core.internal.sync.WireSize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Anti-entropy between two engines driven by hand: node 0 starts every exchange and messages are
 * passed between the two until none is left.
 */
class AntiEntropyTest {
  private static GossipConfig.Builder config() {
    return GossipConfig.builder().gossipInterval(Duration.ofMillis(100)).fanout(1);
  }

  private static TestCluster pair(Exchange exchange, GossipConfig config) {
    TestCluster c = new TestCluster(config, 2, 7);
    c.add(0, new AntiEntropy(exchange, PeerSelectors.ring(), 0));
    c.add(1, new AntiEntropy(exchange, PeerSelectors.ring(), 0));
    return c;
  }

  private static TestCluster pair(Exchange exchange) {
    return pair(exchange, config().build());
  }

  private static Entry entry(String key, long millis) {
    return Entry.of(key, new byte[] {(byte) millis}, Version.of(Version.pack(millis, 0), NodeId.of("w")));
  }

  private static Set<String> keys(GossipEngine e) {
    Set<String> out = new TreeSet<>();
    e.store().forEach(x -> out.add(x.key() + "@" + x.version().millis()));
    return out;
  }

  private static List<Class<?>> types(TestCluster c) {
    List<Class<?>> out = new ArrayList<>();
    for (TestCluster.Sent s : c.sent()) {
      out.add(s.message().getClass());
    }
    return out;
  }

  /** n0 holds a@1 and k@2, n1 holds b@1 and k@1: each side has something the other lacks. */
  private static void diverge(TestCluster c) {
    c.engine(0).apply(entry("a", 1));
    c.engine(0).apply(entry("k", 2));
    c.engine(1).apply(entry("b", 1));
    c.engine(1).apply(entry("k", 1));
  }

  private static void exchangeOnce(TestCluster c) {
    c.round(0);
    c.deliverAll();
  }

  @Test
  void equalRootHashesEndTheExchangeAfterOneMessage() {
    for (Exchange x : Exchange.values()) {
      TestCluster c = pair(x);
      for (int i = 0; i < 2; i++) {
        c.engine(i).apply(entry("a", 1));
        c.engine(i).apply(entry("b", 2));
      }

      exchangeOnce(c);

      assertEquals(List.of(SyncDigest.class), types(c), x.toString());
      SyncDigest d = (SyncDigest) c.sent().get(0).message();
      assertEquals(x, d.exchange());
      assertEquals(c.engine(0).store().rootHash(), d.digest().rootHash());
    }
  }

  @Test
  void pushRepairsOnlyThePeer() {
    TestCluster c = pair(Exchange.PUSH);
    diverge(c);

    exchangeOnce(c);

    assertEquals(Set.of("a@1", "k@2"), keys(c.engine(0)), "the initiator is not repaired");
    assertEquals(Set.of("a@1", "b@1", "k@2"), keys(c.engine(1)));
    assertEquals(List.of(SyncDigest.class, SyncReply.class, SyncEntries.class), types(c));
    SyncReply reply = (SyncReply) c.sent().get(1).message();
    assertEquals(List.of(), reply.entries(), "push sends nothing back");
    assertEquals(Set.of("a", "k"), new TreeSet<>(reply.wanted()));
  }

  @Test
  void pullRepairsOnlyTheInitiator() {
    TestCluster c = pair(Exchange.PULL);
    diverge(c);

    exchangeOnce(c);

    assertEquals(Set.of("a@1", "b@1", "k@2"), keys(c.engine(0)));
    assertEquals(Set.of("b@1", "k@1"), keys(c.engine(1)), "the peer is not repaired");
    assertEquals(List.of(SyncDigest.class, SyncReply.class), types(c), "two messages suffice");
    SyncReply reply = (SyncReply) c.sent().get(1).message();
    assertEquals(List.of(), reply.wanted(), "pull asks for nothing");
  }

  @Test
  void pushPullRepairsBothSides() {
    TestCluster c = pair(Exchange.PUSH_PULL);
    diverge(c);

    exchangeOnce(c);

    assertEquals(Set.of("a@1", "b@1", "k@2"), keys(c.engine(0)));
    assertEquals(keys(c.engine(0)), keys(c.engine(1)));
    assertEquals(c.engine(0).store().rootHash(), c.engine(1).store().rootHash());
    assertEquals(List.of(SyncDigest.class, SyncReply.class, SyncEntries.class), types(c));

    c.clearSent();
    exchangeOnce(c);
    assertEquals(List.of(SyncDigest.class), types(c), "once equal, one message per round");
  }

  @Test
  void newerOnOneSideOnlyNeedsNoThirdMessage() {
    TestCluster c = pair(Exchange.PUSH_PULL);
    c.engine(0).apply(entry("k", 1));
    c.engine(1).apply(entry("k", 2));

    exchangeOnce(c);

    assertEquals(List.of(SyncDigest.class, SyncReply.class), types(c));
    assertEquals(Set.of("k@2"), keys(c.engine(0)));
  }

  @Test
  void tombstonesTravelLikeAnyOtherEntry() {
    TestCluster c = pair(Exchange.PUSH_PULL);
    c.engine(0).apply(entry("k", c.now() - 10));
    c.engine(1).delete("k");

    exchangeOnce(c);

    assertTrue(c.engine(0).store().get("k").isTombstone());
  }

  @Test
  void aReplicaTooLargeToListSyncsByRangesAndBothSidesConverge() {
    TestCluster c = pair(Exchange.PUSH_PULL, config().maxDigestEntries(1).build());
    c.engine(0).apply(entry("a", 1));
    c.engine(0).apply(entry("b", 1));
    c.engine(1).apply(entry("c", 1));

    exchangeOnce(c);

    assertEquals(RangeSummaries.class, types(c).get(0), "no digest listing two entries is sent");
    assertEquals(0, c.counters().get("sync.digest_too_large"));
    assertEquals(Set.of("a@1", "b@1", "c@1"), keys(c.engine(0)));
    assertEquals(keys(c.engine(0)), keys(c.engine(1)));
  }

  @Test
  void aDigestOverTheMessageBudgetSyncsByRangesInstead() {
    // 1400 bytes: a UDP datagram. Forty keys of 40 characters do not fit one digest.
    TestCluster c = pair(Exchange.PUSH_PULL,
        config().maxMessageBytes(1400).maxValueBytes(1000).build());
    for (int i = 0; i < 40; i++) {
      c.engine(0).apply(entry("k".repeat(36) + "-" + (100 + i), 1));
    }

    exchangeOnce(c);

    assertEquals(RangeSummaries.class, types(c).get(0));
    assertEquals(keys(c.engine(0)), keys(c.engine(1)));
  }

  @Test
  void replicasThatAgreeOnAThousandKeysExchangeOneOpenedRootNotTheirListing() throws Exception {
    // The default budget (64 KiB) holds the listing of a thousand keys, about 25 KB: cheap to
    // send in one message, dear to send every round between replicas that already agree.
    TestCluster c = pair(Exchange.PUSH_PULL);
    for (int i = 0; i < 1000; i++) {
      for (int n = 0; n < 2; n++) {
        c.engine(n).apply(entry(String.format("key-%04d", i), 1));
      }
    }

    exchangeOnce(c);

    assertEquals(List.of(RangeSummaries.class), types(c), "the root, opened, and nothing back");
    long bytes = KryoCodec.of(config().build()).encode(c.sent().get(0).message()).length;
    assertTrue(bytes <= AntiEntropy.MAX_LISTING_BYTES, bytes + " bytes");
  }

  @Test
  void aListingUpToMaxListingBytesIsSentWholeAndOneKeyMoreSyncsByRanges() {
    for (int extra = 0; extra < 2; extra++) {
      TestCluster c = pair(Exchange.PUSH_PULL);
      long bytes = WireSize.SYNC_HEADER + 8L;
      int keys = 0;
      // Keys until the next would take the listing over the limit: a few dozen at most.
      while (keys < 100) {
        Entry e = entry(String.format("key-%04d", keys), 1);
        long more = WireSize.keyVersion(new KeyVersion(e.key(), e.version()));
        if (bytes + more > AntiEntropy.MAX_LISTING_BYTES) {
          break;
        }
        bytes += more;
        c.engine(0).apply(e);
        keys++;
      }
      assertTrue(keys > 1 && keys < 100, keys + " keys fill the listing");
      for (int i = 0; i < extra; i++) {
        c.engine(0).apply(entry("one-more", 1));
      }

      exchangeOnce(c);

      assertEquals(extra == 0 ? SyncDigest.class : RangeSummaries.class, types(c).get(0),
          keys + extra + " keys");
      assertEquals(keys(c.engine(0)), keys(c.engine(1)));
    }
  }

  @Test
  void anIncompleteDigestOfAnEqualReplicaIsNotCounted() {
    TestCluster c = pair(Exchange.PUSH_PULL, config().maxDigestEntries(1).build());
    for (int i = 0; i < 2; i++) {
      c.engine(i).apply(entry("a", 1));
      c.engine(i).apply(entry("b", 1));
    }

    exchangeOnce(c);

    assertEquals(0, c.counters().get("sync.digest_too_large"), "equal hashes end it first");
  }

  @Test
  void aReplyIsCappedAtMaxEntriesPerMessageAndLaterRoundsRepairTheRest() {
    TestCluster c = pair(Exchange.PULL, config().maxEntriesPerMessage(2).build());
    for (int i = 0; i < 5; i++) {
      c.engine(1).apply(entry("k" + i, 1));
    }

    exchangeOnce(c);
    SyncReply first = (SyncReply) c.sent().get(1).message();
    assertEquals(2, first.entries().size());
    assertEquals(3, c.counters().get("sync.truncated"));
    assertEquals(2, c.engine(0).store().size());

    for (int round = 0; round < 10 && c.engine(0).store().size() < 5; round++) {
      exchangeOnce(c);
    }
    assertEquals(keys(c.engine(1)), keys(c.engine(0)));
  }

  @Test
  void roundSendsTheDigestToFanoutPeers() {
    TestCluster c = new TestCluster(config().build(), 5, 7);
    for (int i = 0; i < 5; i++) {
      c.add(i, new AntiEntropy(Exchange.PUSH, PeerSelectors.ring(), 3));
    }
    c.membership().setDown(2, true);

    c.round(0);

    assertEquals(
        List.of(c.id(1), c.id(3), c.id(4)),
        c.recipients(0, SyncDigest.class),
        "the first three live successors: one digest each");
    assertEquals(3, c.sent().size());
  }
}
