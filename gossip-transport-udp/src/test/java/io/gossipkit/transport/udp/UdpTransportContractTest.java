package io.gossipkit.transport.udp;

import io.gossipkit.api.Transport;
import io.gossipkit.testkit.contract.TransportContract;
import java.net.InetSocketAddress;

/** {@link UdpTransport} on 127.0.0.1 passes the transport contract (R6). */
class UdpTransportContractTest extends TransportContract {
  @Override
  protected Transport newTransport() {
    return UdpTransport.builder().bind(new InetSocketAddress("127.0.0.1", 0)).build();
  }

  @Override
  protected Transport newTransportAt(InetSocketAddress address) {
    return UdpTransport.builder().bind(address).build();
  }

  @Override
  protected boolean supportsRebindAfterClose() {
    return true;
  }

  @Override
  protected double toleratedLoss() {
    // Loopback practically never drops a paced datagram; allow 0.5% so a loaded CI host does not flake.
    return 0.005;
  }
}
