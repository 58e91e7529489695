package io.gossipkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.MailAck;
import io.gossipkit.core.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Direct mail: every write to every live peer, acknowledged, retried from a bounded queue. */
class DirectMailTest {
  private static final long INTERVAL = 100;
  /** Unacknowledged mail is due for retry two intervals after it was sent. */
  private static final long RETRY_DELAY = 2 * INTERVAL;

  private static GossipConfig.Builder config() {
    return GossipConfig.builder().gossipInterval(Duration.ofMillis(INTERVAL));
  }

  private static TestCluster cluster(int nodes, GossipConfig config) {
    TestCluster c = new TestCluster(config, nodes, 3);
    for (int i = 0; i < nodes; i++) {
      c.add(i, new DirectMail());
    }
    return c;
  }

  private static DirectMail mail(TestCluster c, int i) {
    return (DirectMail) c.engine(i).strategy();
  }

  @Test
  void aWriteGoesToEveryLivePeerAndNotToDeadOnes() {
    TestCluster c = cluster(4, config().build());
    c.membership().setDown(2, true);

    c.engine(0).put("k", new byte[] {1});

    assertEquals(List.of(c.id(1), c.id(3)), c.recipients(0, Mail.class));
    List<Mail> mails = c.sentBy(0, Mail.class);
    assertTrue(mails.get(0).sequence() != mails.get(1).sequence(), "one sequence per letter");
    assertFalse(mail(c, 0).isIdle(), "awaiting acknowledgements");

    c.deliverAll();

    assertNotNull(c.engine(1).store().get("k"));
    assertNotNull(c.engine(3).store().get("k"));
    assertEquals(0, c.engine(2).store().size());
    assertEquals(2, c.sentBy(1, MailAck.class).size() + c.sentBy(3, MailAck.class).size());
    assertTrue(mail(c, 0).isIdle(), "every mail acknowledged");
  }

  @Test
  void anAckStopsRetries() {
    TestCluster c = cluster(3, config().build());
    c.engine(0).put("k", new byte[] {1});
    NodeId n2 = c.id(2);
    c.deliverAll(s -> s.to().equals(n2)); // n2's mail is lost; n1 acknowledges
    c.clearSent();

    c.advance(RETRY_DELAY - 1);
    c.round(0);
    assertEquals(List.of(), c.sent(), "not due yet");

    c.advance(1);
    c.round(0);
    assertEquals(List.of(n2), c.recipients(0, Mail.class), "only the unacknowledged mail");
    assertEquals(1, c.counters().get("mail.retried"));

    c.deliverAll();
    assertNotNull(c.engine(2).store().get("k"));
    assertTrue(mail(c, 0).isIdle());

    c.clearSent();
    c.advance(10 * RETRY_DELAY);
    c.round(0);
    assertEquals(List.of(), c.sent(), "acknowledged: never sent again");
  }

  @Test
  void anAckFromAPeerTheMailWasNotSentToCancelsNoRetry() {
    TestCluster c = cluster(3, config().build());
    c.engine(0).put("k", new byte[] {1});
    NodeId n1 = c.id(1);
    NodeId n2 = c.id(2);
    long toN1 = c.sent().stream()
        .filter(sent -> sent.to().equals(n1) && sent.message() instanceof Mail)
        .map(sent -> ((Mail) sent.message()).sequence())
        .findFirst().orElseThrow();
    c.deliverAll(s -> s.to().equals(n1)); // n1's mail is lost; n2 acknowledges its own
    c.clearSent();

    // n2 also acknowledges the mail sent to n1, whose sequence neighbours its own.
    c.engine(0).receive(n2, new MailAck(toN1));

    assertEquals(1, c.counters().get("mail.acks_unmatched"));
    assertFalse(mail(c, 0).isIdle(), "n1's mail is still unacknowledged");
    c.advance(RETRY_DELAY);
    c.round(0);
    assertEquals(List.of(n1), c.recipients(0, Mail.class), "and is retried");
    c.deliverAll();
    assertNotNull(c.engine(1).store().get("k"));
    assertTrue(mail(c, 0).isIdle(), "n1's own acknowledgement settles it");
  }

  @Test
  void retriedMailKeepsItsSequence() {
    TestCluster c = cluster(2, config().build());
    c.engine(0).put("k", new byte[] {1});
    long sequence = c.sentBy(0, Mail.class).get(0).sequence();
    c.deliverAll(s -> true);

    c.advance(RETRY_DELAY);
    c.round(0);

    assertEquals(sequence, c.sentBy(0, Mail.class).get(1).sequence());
    c.deliverAll();
    assertEquals(List.of(new MailAck(sequence)), c.sentBy(1, MailAck.class));
    assertTrue(mail(c, 0).isIdle(), "the late ack matches");
  }

  @Test
  void unacknowledgedMailIsRetriedThenDroppedAfterMaxRetries() {
    int maxRetries = 2;
    TestCluster c = cluster(2, config().maxRetries(maxRetries).build());
    c.engine(0).put("k", new byte[] {1});

    for (int round = 0; round < 20 && !mail(c, 0).isIdle(); round++) {
      c.deliverAll(s -> true); // everything is lost
      c.advance(INTERVAL);
      c.round(0);
    }

    assertTrue(mail(c, 0).isIdle(), "gave up");
    assertEquals(1 + maxRetries, c.sentBy(0, Mail.class).size(), "sent once, retried twice");
    assertEquals(maxRetries, c.counters().get("mail.retried"));
    assertEquals(1, c.counters().get("dropped.retry_exhausted"));
    assertEquals(0, c.counters().get("dropped.retry_queue_full"));
  }

  @Test
  void aFullRetryQueueDropsTheOldestLetterAndCountsIt() {
    TestCluster c = cluster(4, config().retryQueueCapacity(2).build());

    c.engine(0).put("k", new byte[] {1});

    assertEquals(3, c.sentBy(0, Mail.class).size(), "every live peer is still mailed once");
    assertEquals(1, c.counters().get("dropped.retry_queue_full"));

    c.deliverAll(s -> true);
    c.clearSent();
    c.advance(RETRY_DELAY);
    c.round(0);
    assertEquals(List.of(c.id(2), c.id(3)), c.recipients(0, Mail.class), "n1's letter was dropped");
  }

  @Test
  void aDuplicateMailIsAcknowledgedAgainButAppliedOnce() {
    TestCluster c = cluster(2, config().build());
    List<String> changes = new ArrayList<>();
    c.engine(1).listener((previous, current) -> changes.add(current.key()));
    c.engine(0).put("k", new byte[] {1});
    Mail m = c.sentBy(0, Mail.class).get(0);

    c.engine(1).receive(c.id(0), m);
    c.engine(1).receive(c.id(0), m);

    assertEquals(List.of("k"), changes);
    assertEquals(List.of(new MailAck(m.sequence()), new MailAck(m.sequence())), c.sentBy(1, MailAck.class));
  }

  @Test
  void aWriteWithNoLivePeerLeavesNothingPending() {
    TestCluster c = cluster(3, config().build());
    c.membership().setDown(1, true);
    c.membership().setDown(2, true);

    c.engine(0).put("k", new byte[] {1});

    assertEquals(List.of(), c.sent());
    assertTrue(mail(c, 0).isIdle());
    assertTrue(mail(c, 0).isQuiescent());
  }

  @Test
  void sequencesAreUniqueAcrossWrites() {
    TestCluster c = cluster(3, config().build());
    for (int i = 0; i < 5; i++) {
      c.engine(0).put("k" + i, new byte[] {1});
    }

    Set<Long> sequences = new HashSet<>();
    c.sentBy(0, Mail.class).forEach(m -> sequences.add(m.sequence()));
    assertEquals(10, sequences.size());
  }
}
