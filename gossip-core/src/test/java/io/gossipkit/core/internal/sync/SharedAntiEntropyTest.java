package io.gossipkit.core.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.TestCluster;
import io.gossipkit.core.internal.AntiEntropy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One {@link AntiEntropy} instance serves every engine of a simulation (Strategies hands out a
 * shared one when the selector is shared), so what one node remembers of its exchanges (streams
 * running, exchanges it opened or gave up) must live with that node, not in the strategy: a
 * cluster sharing one instance behaves exactly like one with an instance per node.
 */
class SharedAntiEntropyTest {
  private static final byte[] VALUE = new byte[60];

  /** Every message sent, as "from>to:Type(entries)", over a fixed schedule of rounds. */
  private static List<String> run(boolean shared) {
    GossipConfig config = GossipConfig.builder().gossipInterval(Duration.ofMillis(100)).fanout(1)
        .maxDigestEntries(64).maxMessageBytes(1400).maxValueBytes(1000).build();
    TestCluster c = new TestCluster(config, 3, 17);
    AntiEntropy one = new AntiEntropy(Exchange.PUSH_PULL, PeerSelectors.random(), 0);
    for (int i = 0; i < 3; i++) {
      c.add(i, shared ? one : new AntiEntropy(Exchange.PUSH_PULL, PeerSelectors.random(), 0));
      for (int k = 0; k < 300; k++) {
        c.engine(i).apply(Entry.of("k-" + i + "-" + k, VALUE,
            Version.of(Version.pack(TestCluster.START_MILLIS - 1000, 0), NodeId.of("w"))));
      }
    }
    for (int step = 0; step < 30; step++) {
      c.advance(50);
      for (int i = 0; i < 3; i++) {
        c.round(i); // all three open at once: exchanges cross and streams overlap
      }
      c.deliver(25);
    }
    c.deliverAll();
    List<String> log = new ArrayList<>();
    for (TestCluster.Sent s : c.sent()) {
      log.add(s.from() + ">" + s.to() + ":" + s.message().getClass().getSimpleName()
          + "(" + s.message().entryCount() + ")");
    }
    return log;
  }

  @Test
  void engineSharingOneAntiEntropyBehaveExactlyLikeEnginesWithOneEach() {
    List<String> separate = run(false);
    List<String> shared = run(true);

    assertEquals(separate.size(), shared.size(), "messages sent");
    assertEquals(separate, shared);
  }
}
