package io.gossipkit.transport.tcp;

import io.gossipkit.api.Transport;
import io.gossipkit.testkit.contract.TransportContract;
import java.net.InetSocketAddress;

/**
 * {@link TcpTransport} on 127.0.0.1 with pre-shared-key handshakes and the default 8 MiB frame
 * limit passes the transport contract (R6), as a user's transport would.
 */
class TcpTransportContractTest extends TransportContract {
  @Override
  protected Transport newTransport() {
    return TcpFixtures.testConfig().build();
  }

  @Override
  protected Transport newTransportAt(InetSocketAddress address) {
    return TcpFixtures.testConfig().bind(address).build();
  }

  @Override
  protected boolean supportsRebindAfterClose() {
    return true;
  }
}
