package io.gossipkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.RumorOffer;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.RumorRequest;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.RumorOptions;
import io.gossipkit.core.StopRule;
import io.gossipkit.core.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Rumor mongering (Demers et al., 1987): stop rules, feedback, the cycle rule for necessary
 * contacts, push-pull, eager push and the hot-rumor bound. Rounds are run by hand and messages
 * delivered by hand.
 */
class RumorMongeringTest {
  private static GossipConfig config(boolean eagerPush) {
    return GossipConfig.builder()
        .gossipInterval(Duration.ofMillis(100))
        .fanout(1)
        .eagerPush(eagerPush)
        .build();
  }

  private static RumorOptions.Builder options(StopRule rule, int k) {
    return RumorOptions.builder().exchange(Exchange.PUSH).stopRule(rule).k(k);
  }

  /** A cluster of {@code nodes} nodes, each running rumor mongering under {@code options}. */
  private static TestCluster cluster(int nodes, RumorOptions options, boolean eagerPush, long seed) {
    TestCluster c = new TestCluster(config(eagerPush), nodes, seed);
    for (int i = 0; i < nodes; i++) {
      c.add(i, new RumorMongering(options, PeerSelectors.random()));
    }
    return c;
  }

  private static RumorMongering rumors(TestCluster c, int i) {
    return (RumorMongering) c.engine(i).strategy();
  }

  private static RumorReply feedback(Entry e, boolean wasNew) {
    return new RumorReply(
        List.of(), List.of(new KeyVersion(e.key(), e.version())), wasNew ? 1L : 0L, false);
  }

  private static Entry rumor(String key, long millis) {
    return Entry.of(key, new byte[] {7}, Version.of(Version.pack(millis, 0), NodeId.of("origin")));
  }

  private static Set<String> keys(List<Entry> entries) {
    Set<String> out = new TreeSet<>();
    entries.forEach(e -> out.add(e.key()));
    return out;
  }

  @Test
  void feedbackCounterCoolsAfterKUnnecessaryContacts() {
    TestCluster c = cluster(2, options(StopRule.FEEDBACK_COUNTER, 2).build(), false, 1);
    GossipEngine n0 = c.engine(0);
    n0.put("k", new byte[] {1});
    Entry e = n0.store().get("k");
    assertEquals(1, rumors(c, 0).hotCount());

    n0.receive(c.id(1), feedback(e, false));
    assertEquals(1, rumors(c, 0).hotCount(), "one unnecessary contact of k = 2");

    n0.receive(c.id(1), feedback(e, false));
    assertEquals(0, rumors(c, 0).hotCount());
    assertTrue(rumors(c, 0).isQuiescent());
    assertTrue(rumors(c, 0).isIdle(), "push-only and cold: nothing to do");
    assertEquals(1, c.counters().get("rumors.cooled"));
  }

  @Test
  void aNecessaryContactResetsTheFeedbackCounter() {
    TestCluster c = cluster(2, options(StopRule.FEEDBACK_COUNTER, 2).build(), false, 1);
    GossipEngine n0 = c.engine(0);
    n0.put("k", new byte[] {1});
    Entry e = n0.store().get("k");

    n0.receive(c.id(1), feedback(e, false));
    n0.receive(c.id(1), feedback(e, true)); // reset
    n0.receive(c.id(1), feedback(e, false));
    assertEquals(1, rumors(c, 0).hotCount(), "count restarted after the necessary contact");

    n0.receive(c.id(1), feedback(e, false));
    assertEquals(0, rumors(c, 0).hotCount());
  }

  @Test
  void withoutResetOnNecessaryANecessaryContactDoesNotReset() {
    RumorOptions o = options(StopRule.FEEDBACK_COUNTER, 2).resetOnNecessary(false).build();
    TestCluster c = cluster(2, o, false, 1);
    GossipEngine n0 = c.engine(0);
    n0.put("k", new byte[] {1});
    Entry e = n0.store().get("k");

    n0.receive(c.id(1), feedback(e, false));
    n0.receive(c.id(1), feedback(e, true));
    n0.receive(c.id(1), feedback(e, false));

    assertEquals(0, rumors(c, 0).hotCount());
  }

  @Test
  void feedbackAboutAnotherVersionIsIgnored() {
    TestCluster c = cluster(2, options(StopRule.FEEDBACK_COUNTER, 1).build(), false, 1);
    GossipEngine n0 = c.engine(0);
    n0.put("k", new byte[] {1});

    n0.receive(c.id(1), feedback(rumor("k", 1), false));

    assertEquals(1, rumors(c, 0).hotCount());
  }

  @Test
  void feedbackCounterLearnsUnnecessaryContactsFromRealExchanges() {
    TestCluster c = cluster(2, options(StopRule.FEEDBACK_COUNTER, 2).build(), false, 1);
    c.engine(0).put("k", new byte[] {1});

    c.round(0); // n1 learns it: necessary
    c.deliverAll();
    assertEquals(1, rumors(c, 0).hotCount());
    assertEquals(1, rumors(c, 1).hotCount(), "n1 now spreads it too");

    for (int cycle = 1; cycle <= 2; cycle++) {
      c.advance(100); // a new instant: n1 knew it before
      c.round(0);
      c.deliverAll();
    }

    assertEquals(0, rumors(c, 0).hotCount(), "two unnecessary contacts");
    assertEquals(3, c.sentBy(0, RumorPush.class).size());
    for (RumorPush p : c.sentBy(0, RumorPush.class)) {
      assertTrue(p.wantFeedback());
      assertFalse(p.pull());
    }
  }

  @Test
  void blindCounterCoolsAfterKSendsWhateverTheRecipientKnew() {
    TestCluster c = cluster(2, options(StopRule.BLIND_COUNTER, 3).build(), false, 1);
    c.engine(0).put("k", new byte[] {1});

    for (int round = 0; round < 10 && rumors(c, 0).hotCount() > 0; round++) {
      c.round(0);
      c.deliverAll();
    }

    assertEquals(3, c.sentBy(0, RumorPush.class).size());
    assertEquals(List.of(), c.sentBy(1, RumorReply.class), "blind: no feedback asked or given");
    for (RumorPush p : c.sentBy(0, RumorPush.class)) {
      assertFalse(p.wantFeedback());
    }
    assertEquals(1, c.counters().get("rumors.cooled"));
  }

  @Test
  void blindCoinCoolsWithProbabilityOneOverKPerSend() {
    int k = 4;
    int trials = 2_000;
    long sends = 0;
    int cooledOnFirstSend = 0;
    for (int t = 0; t < trials; t++) {
      TestCluster c = cluster(2, options(StopRule.BLIND_COIN, k).build(), false, 1_000 + t);
      c.engine(0).put("k", new byte[] {1});
      int rounds = 0;
      while (rumors(c, 0).hotCount() > 0 && rounds < 1_000) {
        c.round(0);
        rounds++;
      }
      assertEquals(0, rumors(c, 0).hotCount(), "trial " + t + " never cooled");
      sends += rounds;
      cooledOnFirstSend += rounds == 1 ? 1 : 0;
    }

    // Geometric with p = 1/k: mean k (standard error about 0.08 here), P(first send) = 1/k.
    double mean = (double) sends / trials;
    assertTrue(mean > 3.4 && mean < 4.6, "mean sends " + mean);
    double first = (double) cooledOnFirstSend / trials;
    assertTrue(first > 0.19 && first < 0.31, "cooled on the first send " + first);
  }

  @Test
  void feedbackCoinCoolsWithProbabilityOneOverKPerUnnecessaryContact() {
    int k = 4;
    int trials = 2_000;
    long contacts = 0;
    for (int t = 0; t < trials; t++) {
      TestCluster c = cluster(2, options(StopRule.FEEDBACK_COIN, k).build(), false, 5_000 + t);
      GossipEngine n0 = c.engine(0);
      n0.put("k", new byte[] {1});
      Entry e = n0.store().get("k");
      // Necessary contacts never cool a coin rule.
      for (int i = 0; i < 20; i++) {
        n0.receive(c.id(1), feedback(e, true));
      }
      assertEquals(1, rumors(c, 0).hotCount());
      int n = 0;
      while (rumors(c, 0).hotCount() > 0 && n < 1_000) {
        n0.receive(c.id(1), feedback(e, false));
        n++;
      }
      assertEquals(0, rumors(c, 0).hotCount(), "trial " + t + " never cooled");
      contacts += n;
    }

    double mean = (double) contacts / trials;
    assertTrue(mean > 3.4 && mean < 4.6, "mean unnecessary contacts " + mean);
  }

  @Test
  void contactIsNecessaryIfTheRecipientLearnedTheRumorAtTheSameInstant() {
    TestCluster c = cluster(4, options(StopRule.FEEDBACK_COUNTER, 5).build(), false, 1);
    GossipEngine n1 = c.engine(1);
    Entry e = rumor("k", c.now());
    RumorPush push = new RumorPush(List.of(e), true, false);

    n1.receive(c.id(0), push); // new to n1
    n1.receive(c.id(2), push); // same instant: still necessary (Demers' cycle rule)
    c.advance(1);
    n1.receive(c.id(3), push); // n1 knew it before this instant: unnecessary

    List<TestCluster.Sent> replies = c.sent();
    assertEquals(3, replies.size());
    boolean[] expected = {true, true, false};
    NodeId[] to = {c.id(0), c.id(2), c.id(3)};
    for (int i = 0; i < 3; i++) {
      RumorReply r = (RumorReply) replies.get(i).message();
      assertEquals(to[i], replies.get(i).to());
      assertEquals(List.of(new KeyVersion("k", e.version())), r.acked());
      assertEquals(expected[i], r.wasNew(0), "reply " + i);
    }
  }

  @Test
  void pushPullAnswersAPullWithTheRepliersHotRumorsButNotTheOnesJustReceived() {
    RumorOptions o =
        RumorOptions.builder().exchange(Exchange.PUSH_PULL).stopRule(StopRule.FEEDBACK_COUNTER).build();
    TestCluster c = cluster(2, o, false, 1);
    c.engine(0).put("from-n0", new byte[] {1});
    c.engine(1).put("from-n1", new byte[] {2});

    c.round(0);
    RumorPush push = c.sentBy(0, RumorPush.class).get(0);
    assertTrue(push.pull());
    assertEquals(Set.of("from-n0"), keys(push.entries()));

    c.deliverAll();

    RumorReply reply = c.sentBy(1, RumorReply.class).get(0);
    assertEquals(Set.of("from-n1"), keys(reply.entries()), "n1's hot rumors minus from-n0");
    assertEquals("from-n0", reply.acked().get(0).key());
    assertTrue(reply.wasNew(0));
    assertTrue(reply.wantFeedback(), "a feedback rule asks for feedback on what it pulled back");

    RumorReply back = c.sentBy(0, RumorReply.class).get(0);
    assertEquals(List.of(), back.entries());
    assertEquals("from-n1", back.acked().get(0).key());
    assertTrue(back.wasNew(0));

    assertEquals(Set.of("from-n0", "from-n1"), keysOf(c.engine(0)));
    assertEquals(Set.of("from-n0", "from-n1"), keysOf(c.engine(1)));
  }

  @Test
  void pullNodeIsNeverIdleAndAsksWithAnEmptyPush() {
    RumorOptions o =
        RumorOptions.builder().exchange(Exchange.PULL).stopRule(StopRule.BLIND_COUNTER).k(1).build();
    TestCluster c = cluster(2, o, false, 1);
    c.engine(1).put("k", new byte[] {1});

    assertFalse(rumors(c, 0).isIdle(), "a puller keeps asking");
    assertTrue(rumors(c, 0).isQuiescent(), "but has nothing to spread");

    c.round(0);
    c.deliverAll();

    RumorPush ask = c.sentBy(0, RumorPush.class).get(0);
    assertEquals(List.of(), ask.entries());
    assertTrue(ask.pull());
    assertEquals("k", c.engine(0).store().get("k").key(), "pulled from n1");
    assertEquals(0, rumors(c, 1).hotCount(), "blind counter k = 1: one send cools it");
  }

  private static Set<String> keysOf(GossipEngine e) {
    Set<String> out = new TreeSet<>();
    e.store().forEach(x -> out.add(x.key()));
    return out;
  }

  @Test
  void eagerPushForwardsANewRumorAtOnceButNeverBackToItsSender() {
    RumorOptions o = options(StopRule.FEEDBACK_COUNTER, 2).fanout(3).build();
    TestCluster c = cluster(4, o, true, 1);

    c.engine(0).put("k", new byte[] {1});
    assertEquals(
        Set.of(c.id(1), c.id(2), c.id(3)),
        Set.copyOf(c.recipients(0, RumorPush.class)),
        "a local write goes out at once, without waiting for a round");

    c.clearSent();
    Entry e = c.engine(0).store().get("k");
    c.engine(1).receive(c.id(0), new RumorPush(List.of(e), true, false));

    List<NodeId> forwarded = c.recipients(1, RumorPush.class);
    assertEquals(2, forwarded.size(), "fanout 3, but the sender is left out");
    assertEquals(Set.of(c.id(2), c.id(3)), Set.copyOf(forwarded));

    c.clearSent();
    c.engine(1).receive(c.id(2), new RumorPush(List.of(e), true, false));
    assertEquals(List.of(), c.recipients(1, RumorPush.class), "an old rumor is not forwarded");
  }

  @Test
  void withoutEagerPushANewRumorWaitsForTheRound() {
    TestCluster c = cluster(3, options(StopRule.FEEDBACK_COUNTER, 2).build(), false, 1);

    c.engine(0).put("k", new byte[] {1});
    c.engine(1).receive(c.id(2), new RumorPush(List.of(rumor("j", c.now())), false, false));

    assertEquals(List.of(), c.sent());
  }

  @Test
  void aNewerVersionReplacesTheOlderRumorAboutTheSameKey() {
    TestCluster c = cluster(2, options(StopRule.FEEDBACK_COUNTER, 2).maxHot(2).build(), false, 1);

    c.engine(0).put("k", new byte[] {1});
    c.engine(0).put("k", new byte[] {2});

    assertEquals(1, rumors(c, 0).hotCount());
    assertEquals(0, c.counters().get("rumors.dropped_hot_overflow"));
    c.round(0);
    assertEquals(2, c.sentBy(0, RumorPush.class).get(0).entries().get(0).value()[0]);
  }

  @Test
  void hotOverflowDropsTheOldestRumorAndCountsIt() {
    TestCluster c = cluster(2, options(StopRule.FEEDBACK_COUNTER, 2).maxHot(2).build(), false, 1);

    c.engine(0).put("a", new byte[] {1});
    c.engine(0).put("b", new byte[] {1});
    c.engine(0).put("c", new byte[] {1});

    assertEquals(2, rumors(c, 0).hotCount());
    assertEquals(1, c.counters().get("rumors.dropped_hot_overflow"));
    c.round(0);
    assertEquals(Set.of("b", "c"), keys(c.sentBy(0, RumorPush.class).get(0).entries()));
  }

  @Test
  void hotOverflowWithRoomForOneRumorKeepsTheNewest() {
    TestCluster c = cluster(2, options(StopRule.FEEDBACK_COUNTER, 2).maxHot(1).build(), false, 1);

    c.engine(0).put("a", new byte[] {1});
    c.engine(0).put("b", new byte[] {1});
    c.engine(0).put("c", new byte[] {1});

    assertEquals(1, rumors(c, 0).hotCount());
    assertEquals(2, c.counters().get("rumors.dropped_hot_overflow"));
    c.round(0);
    assertEquals(Set.of("c"), keys(c.sentBy(0, RumorPush.class).get(0).entries()));
  }

  private static int valuesSent(TestCluster c) {
    int n = 0;
    for (TestCluster.Sent s : c.sent()) {
      n += s.message().entryCount();
    }
    return n;
  }

  @Test
  void lazyForwardSendsTheValueToTheRingSuccessorAndOffersItToTheOthers() {
    RumorOptions o = options(StopRule.FEEDBACK_COUNTER, 2).fanout(3).lazyPayload(true).build();
    TestCluster c = cluster(6, o, true, 1);

    c.engine(0).put("k", new byte[] {1});

    assertEquals(List.of(c.id(1)), c.recipients(0, RumorPush.class),
        "the value goes to the ring successor only");
    List<NodeId> offered = c.recipients(0, RumorOffer.class);
    assertEquals(2, offered.size(), "fanout 3: the successor and two offers");
    assertFalse(offered.contains(c.id(1)), "the successor gets the value, not an offer");
  }

  @Test
  void anOfferOfAnUnknownVersionIsRequestedOnceAndAnsweredWithTheValue() {
    RumorOptions o = options(StopRule.FEEDBACK_COUNTER, 2).fanout(2).lazyPayload(true).build();
    TestCluster c = cluster(4, o, false, 1);
    c.engine(0).put("k", new byte[] {1});
    Entry e = c.engine(0).store().get("k");
    KeyVersion kv = new KeyVersion(e.key(), e.version());

    c.engine(2).receive(c.id(0), new RumorOffer(List.of(kv), true));
    c.engine(2).receive(c.id(1), new RumorOffer(List.of(kv), true));
    assertEquals(List.of(c.id(0)), c.recipients(2, RumorRequest.class),
        "two offers of one version arriving together cause one request");

    c.deliverAll();
    assertEquals(e, c.engine(2).store().get("k"), "the request was answered with the value");
    assertEquals(1, c.sentBy(0, RumorPush.class).size());
  }

  @Test
  void anOfferOfAKnownVersionIsAcknowledgedSoTheFeedbackCounterCools() {
    RumorOptions o = options(StopRule.FEEDBACK_COUNTER, 1).fanout(1).lazyPayload(true).build();
    TestCluster c = cluster(2, o, false, 1);
    c.engine(0).put("k", new byte[] {1});
    Entry e = c.engine(0).store().get("k");
    c.engine(1).receive(c.id(0), new RumorPush(List.of(e), false, false));
    c.clearSent();
    c.advance(1);

    c.round(0);
    assertEquals(1, c.sentBy(0, RumorOffer.class).size(), "a lazy round offers, it does not push");
    assertEquals(List.of(), c.sentBy(0, RumorPush.class));
    c.deliverAll();

    assertEquals(List.of(), c.sentBy(1, RumorRequest.class), "a known version is not requested");
    assertEquals(1, c.sentBy(1, RumorReply.class).size(), "but acknowledged as already known");
    assertEquals(0, rumors(c, 0).hotCount(), "k = 1: one unnecessary contact cools the rumor");
  }

  @Test
  void aRequestForAVersionNoLongerHeldIsAnsweredWithTheNewerOne() {
    RumorOptions o = options(StopRule.FEEDBACK_COUNTER, 2).lazyPayload(true).build();
    TestCluster c = cluster(2, o, false, 1);
    c.engine(0).put("k", new byte[] {1});
    Entry old = c.engine(0).store().get("k");
    c.advance(5);
    c.engine(0).put("k", new byte[] {2});
    c.clearSent();

    c.engine(0).receive(c.id(1), new RumorRequest(List.of(new KeyVersion("k", old.version()))));

    List<RumorPush> pushes = c.sentBy(0, RumorPush.class);
    assertEquals(1, pushes.size());
    assertEquals(c.engine(0).store().get("k"), pushes.get(0).entries().get(0));
  }

  @Test
  void lazyPushReachesEveryNodeWithAboutOneValueCopyPerNode() {
    int n = 200;
    RumorOptions o = options(StopRule.FEEDBACK_COUNTER, 3).fanout(3).lazyPayload(true).build();
    TestCluster c = cluster(n, o, true, 11);

    c.engine(0).put("k", new byte[] {1});
    c.deliverAll();

    for (int i = 0; i < n; i++) {
      assertTrue(c.engine(i).store().get("k") != null,
          "node " + i + " has the value without waiting for any round");
    }
    int copies = valuesSent(c);
    assertTrue(copies < 2 * n, "values sent: " + copies + " for " + n + " nodes");
    assertTrue(copies >= n - 1, "every other node needed one copy: " + copies);
  }
}
