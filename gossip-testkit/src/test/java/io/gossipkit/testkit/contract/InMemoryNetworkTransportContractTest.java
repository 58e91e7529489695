package io.gossipkit.testkit.contract;

import io.gossipkit.api.Transport;
import io.gossipkit.testkit.net.InMemoryNetwork;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** The in-memory network's transports pass the transport contract (R6). */
class InMemoryNetworkTransportContractTest extends TransportContract {
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final AtomicInteger next = new AtomicInteger();

  @Override
  protected Transport newTransport() {
    return network.transport("node-" + next.incrementAndGet());
  }

  @Override
  protected Transport newTransportAt(InetSocketAddress address) {
    return network.transport(address.getHostString());
  }

  @Override
  protected boolean supportsRebindAfterClose() {
    return true;
  }
}
