package io.gossipkit.testkit.contract;

import io.gossipkit.api.SeedProvider;
import java.net.InetSocketAddress;
import java.util.List;

/** Runs the {@link SeedProviderContract} against {@link SeedProvider#of}, a fixed loopback list. */
class FixedSeedProviderContractTest extends SeedProviderContract {
  @Override
  protected SeedProvider newSeedProvider() {
    return SeedProvider.of(List.of(
        new InetSocketAddress("127.0.0.1", 7946),
        new InetSocketAddress("127.0.0.1", 7947),
        new InetSocketAddress("127.0.0.1", 65535)));
  }
}
