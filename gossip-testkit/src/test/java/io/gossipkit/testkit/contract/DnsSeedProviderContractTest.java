package io.gossipkit.testkit.contract;

import io.gossipkit.api.SeedProvider;
import io.gossipkit.core.DnsSeedProvider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Runs the {@link SeedProviderContract} against {@link DnsSeedProvider} for the name {@code
 * localhost}, listed twice with one port and once with another, so the answers of several names
 * are merged and the duplicates removed.
 *
 * <p>No DNS is touched: the resolver answers {@code localhost} with 127.0.0.1 and ::1 itself
 * ({@link InetAddress#getByAddress(String, byte[])} does no lookup) and knows no other name.
 * Lookups run on the calling thread and are due again after 1 ms, so the provider re-resolves
 * during the rules, R8.6's four threads included.
 */
class DnsSeedProviderContractTest extends SeedProviderContract {
  private static InetAddress[] resolveLocalhostOnly(String host) throws UnknownHostException {
    if (!host.equals("localhost")) {
      throw new UnknownHostException(host + ": this test resolves only localhost");
    }
    byte[] v6 = new byte[16];
    v6[15] = 1;
    return new InetAddress[] {
      InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}),
      InetAddress.getByAddress("localhost", v6)
    };
  }

  @Override
  protected SeedProvider newSeedProvider() {
    return DnsSeedProvider.builder()
        .name("localhost", 7946)
        .name("localhost", 7946)
        .name("localhost", 7947)
        .resolver(DnsSeedProviderContractTest::resolveLocalhostOnly)
        .executor(Runnable::run)
        .refreshInterval(Duration.ofMillis(1))
        .build();
  }
}
