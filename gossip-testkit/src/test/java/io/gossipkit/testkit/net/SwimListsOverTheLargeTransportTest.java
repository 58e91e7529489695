package io.gossipkit.testkit.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.SeedProvider;
import io.gossipkit.api.Transport;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.membership.MembershipConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SWIM nodes with a large-message transport send member lists longer than a datagram over it,
 * whole, instead of a datagram per few members. Datagrams here are 200 bytes, so even twelve
 * members make a list that does not fit one.
 */
class SwimListsOverTheLargeTransportTest {
  private static final int NODES = 12;
  private final InMemoryNetwork datagrams = new InMemoryNetwork(200);
  private final InMemoryNetwork stream = new InMemoryNetwork(64 << 10);
  private final List<GossipNode> nodes = new ArrayList<>();
  private final AtomicLong streamed = new AtomicLong();
  private final AtomicLong largestStreamed = new AtomicLong();

  @AfterEach
  void closeAll() {
    nodes.forEach(GossipNode::close);
  }

  /** The large transport, counting what it is handed. */
  private Transport counted(Transport t) {
    return new SendObservingTransport(t, (to, packet, accepted) -> {
      streamed.incrementAndGet();
      largestStreamed.accumulateAndGet(packet.length, Math::max);
    });
  }


  private boolean allSeeAllAlive() {
    for (GossipNode n : nodes) {
      long alive = n.members().stream().filter(m -> m.state() == MemberState.ALIVE).count();
      if (alive != NODES) {
        return false;
      }
    }
    return true;
  }

  @Test
  void memberListsLongerThanADatagramTravelWholeOverTheLargeTransport() throws Exception {
    GossipConfig config = GossipConfig.local().toBuilder().maxPacketBytes(200).build();
    SeedProvider seed = SeedProvider.of(List.of(datagrams.address("node-0")));
    for (int i = 0; i < NODES; i++) {
      nodes.add(GossipNodes.builder(config)
          .id("node-" + i)
          .transport(datagrams.transport("node-" + i))
          .largeMessageTransport(counted(stream.transport("node-" + i)))
          .protector(PacketProtector.plaintext())
          .seeds(seed)
          // A push-pull (whole lists each way) every 200 ms instead of every 15 s.
          .membership(MembershipConfig.local().toBuilder()
              .pushPullInterval(Duration.ofMillis(200)).build())
          .build());
    }
    nodes.forEach(GossipNode::start);

    for (int i = 0; i < 1000 && !(allSeeAllAlive() && largestStreamed.get() > 200); i++) {
      Thread.sleep(10);
    }

    assertTrue(allSeeAllAlive(), "not every node sees " + NODES + " alive: "
        + nodes.get(NODES - 1).members().stream().map(Member::toString).toList());
    assertTrue(streamed.get() > 0, "no member list went over the large transport");
    assertTrue(largestStreamed.get() > 200, "the largest list sent was " + largestStreamed.get()
        + " bytes: still cut to the datagram size");
    for (GossipNode n : nodes) {
      assertEquals(0L, n.metrics().counters().getOrDefault("dropped.oversized_out", 0L), n.id()
          + " dropped a message too large for a datagram");
    }
  }
}
