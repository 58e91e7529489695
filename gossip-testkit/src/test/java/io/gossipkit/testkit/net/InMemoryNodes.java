package io.gossipkit.testkit.net;

import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.Transport;
import io.gossipkit.core.GossipNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** Builds real nodes with a static member list over one in-memory network, for tests. */
final class InMemoryNodes {
  private InMemoryNodes() {}

  /**
   * Builds and starts {@code n} nodes named {@code node-0} to {@code node-(n-1)}, each listing
   * all others, plaintext (the network is the test's own), each builder passed to {@code extra}
   * before it builds.
   */
  static List<GossipNode> start(InMemoryNetwork net, GossipConfig config, int n,
      Consumer<GossipNodes.Builder> extra) {
    return start(net, config, n, net::transport, extra);
  }

  /**
   * As {@link #start(InMemoryNetwork, GossipConfig, int, Consumer)}, each node on the transport
   * {@code transports} returns for its name (one of {@code net}'s, or a wrapper of one).
   */
  static List<GossipNode> start(InMemoryNetwork net, GossipConfig config, int n,
      Function<String, Transport> transports, Consumer<GossipNodes.Builder> extra) {
    List<GossipNode> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GossipNodes.Builder b = GossipNodes.builder(config)
          .id("node-" + i)
          .transport(transports.apply("node-" + i))
          .protector(PacketProtector.plaintext());
      for (int j = 0; j < n; j++) {
        if (j != i) {
          b.member("node-" + j, net.address("node-" + j));
        }
      }
      extra.accept(b);
      nodes.add(b.build());
    }
    nodes.forEach(GossipNode::start);
    return nodes;
  }
}
