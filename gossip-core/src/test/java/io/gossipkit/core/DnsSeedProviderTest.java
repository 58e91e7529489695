package io.gossipkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.Clock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DnsSeedProvider}: what it hands out, when it asks again, and what it does on failure. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DnsSeedProviderTest {
  /** A resolver answering from a table that the test edits; counts lookups per name. */
  static final class FakeDns implements DnsSeedProvider.Resolver {
    final Map<String, InetAddress[]> records = new HashMap<>();
    final Map<String, AtomicInteger> lookups = new HashMap<>();

    FakeDns answer(String host, String... ips) throws UnknownHostException {
      InetAddress[] a = new InetAddress[ips.length];
      for (int i = 0; i < ips.length; i++) {
        a[i] = InetAddress.getByAddress(host, InetAddress.getByName(ips[i]).getAddress());
      }
      records.put(host, a);
      return this;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
      InetAddress[] a = records.get(host);
      if (a == null) {
        throw new UnknownHostException(host + ": Name or service not known");
      }
      return a.clone();
    }

    int lookups(String host) {
      AtomicInteger n = lookups.get(host);
      return n == null ? 0 : n.get();
    }
  }

  /** A clock the test moves. */
  static final class ManualClock implements Clock {
    long now = 1_700_000_000_000L;

    @Override
    public long millis() {
      return now;
    }
  }

  private static InetSocketAddress at(String ip, int port) throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Test
  void everyAddressOfEveryNameIsASeedWithItsNamesPort() throws Exception {
    FakeDns dns = new FakeDns()
        .answer("gossip.svc", "127.0.0.1", "127.0.0.2", "::1")
        .answer("other.svc", "127.0.0.3");
    DnsSeedProvider p = DnsSeedProvider.builder()
        .name("gossip.svc", 7946).name("other.svc", 8000)
        .resolver(dns).executor(Runnable::run).build();

    assertEquals(List.of(at("127.0.0.1", 7946), at("127.0.0.2", 7946), at("::1", 7946),
        at("127.0.0.3", 8000)), p.seeds());
    assertEquals(2, p.metrics().get("dns.resolutions"));
    assertEquals(4, p.metrics().get("dns.addresses"));
  }

  @Test
  void theNamesAreResolvedAgainOnlyOnceTheAnswersAreOlderThanTheRefreshInterval()
      throws Exception {
    FakeDns dns = new FakeDns().answer("gossip.svc", "127.0.0.1");
    ManualClock clock = new ManualClock();
    DnsSeedProvider p = DnsSeedProvider.builder().name("gossip.svc", 7946)
        .refreshInterval(Duration.ofSeconds(10)).resolver(dns).executor(Runnable::run)
        .clock(clock).build();
    assertEquals(1, dns.lookups("gossip.svc"), "the build starts the first resolution");

    dns.answer("gossip.svc", "127.0.0.9");
    clock.now += 9_999;
    assertEquals(List.of(at("127.0.0.1", 7946)), p.seeds(), "answers younger than 10 s are kept");
    assertEquals(1, dns.lookups("gossip.svc"));

    clock.now += 1;
    assertEquals(List.of(at("127.0.0.9", 7946)), p.seeds(), "a 10 s old answer is refreshed");
    assertEquals(2, dns.lookups("gossip.svc"));

    clock.now -= 60_000; // the wall clock was set back: refreshing must not wait for it
    p.seeds();
    assertEquals(3, dns.lookups("gossip.svc"));
  }

  @Test
  void aFailedLookupKeepsTheLastGoodAnswerIsCountedAndLoggedOnceUntilItRecovers()
      throws Exception {
    FakeDns dns = new FakeDns().answer("gossip.svc", "127.0.0.1", "127.0.0.2");
    ManualClock clock = new ManualClock();
    List<String> logged = new ArrayList<>();
    Logger logger = Logger.getLogger("io.gossipkit.core");
    Handler h = new Handler() {
      @Override
      public synchronized void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.INFO.intValue()) {
          logged.add(r.getLevel().getName() + " " + r.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(h);
    try {
      DnsSeedProvider p = DnsSeedProvider.builder().name("gossip.svc", 7946)
          .refreshInterval(Duration.ofSeconds(1)).resolver(dns).executor(Runnable::run)
          .clock(clock).build();
      List<InetSocketAddress> good = List.of(at("127.0.0.1", 7946), at("127.0.0.2", 7946));
      assertEquals(good, p.seeds());

      dns.records.remove("gossip.svc"); // the DNS server forgot the name, or is down
      for (int i = 0; i < 3; i++) {
        clock.now += 1_000;
        assertEquals(good, p.seeds(), "a failed lookup must not empty the seeds");
      }
      assertEquals(3, p.metrics().get("dns.failures"));
      assertEquals(1, logged.stream().filter(l -> l.startsWith("WARNING")).count(), logged::toString);
      assertTrue(logged.get(0).contains("gossip.svc:7946")
              && logged.get(0).contains("Name or service not known")
              && logged.get(0).contains("keeping the 2 address(es)"), logged.get(0));

      dns.answer("gossip.svc", "127.0.0.5");
      clock.now += 1_000;
      assertEquals(List.of(at("127.0.0.5", 7946)), p.seeds());
      assertTrue(logged.get(logged.size() - 1).startsWith("INFO")
          && logged.get(logged.size() - 1).contains("resolves again"), logged::toString);
    } finally {
      logger.removeHandler(h);
    }
  }

  @Test
  void aNameThatNeverResolvedGivesNoSeedsWhileTheOthersStillDo() throws Exception {
    FakeDns dns = new FakeDns().answer("up.svc", "127.0.0.1");
    DnsSeedProvider p = DnsSeedProvider.builder().name("down.svc", 1).name("up.svc", 2)
        .resolver(dns).executor(Runnable::run).build();
    assertEquals(List.of(at("127.0.0.1", 2)), p.seeds());
    assertEquals(1, p.metrics().get("dns.failures"));
  }

  @Test
  void aResolverThatThrowsSomethingElseOrAnswersNothingIsAFailedLookupNotACrash() {
    DnsSeedProvider throwing = DnsSeedProvider.builder().name("gossip.svc", 1)
        .resolver(h -> {
          throw new SecurityException("lookups are not allowed here");
        })
        .executor(Runnable::run).build();
    assertEquals(List.of(), throwing.seeds());
    DnsSeedProvider empty = DnsSeedProvider.builder().name("gossip.svc", 1)
        .resolver(h -> new InetAddress[0]).executor(Runnable::run).build();
    assertEquals(List.of(), empty.seeds());
    assertTrue(throwing.metrics().get("dns.failures") >= 1);
    assertTrue(empty.metrics().get("dns.failures") >= 1);
  }

  @Test
  void aHugeAnswerIsCappedAtMaxSeedsAndTheRestCounted() throws Exception {
    String[] ips = new String[300];
    for (int i = 0; i < ips.length; i++) {
      ips[i] = "127.0." + (i / 250) + "." + (i % 250 + 1);
    }
    FakeDns dns = new FakeDns().answer("big.svc", ips).answer("small.svc", "127.9.9.9");
    DnsSeedProvider p = DnsSeedProvider.builder().name("big.svc", 1).name("small.svc", 2)
        .maxSeeds(10).resolver(dns).executor(Runnable::run).build();
    List<InetSocketAddress> seeds = p.seeds();
    assertEquals(10, seeds.size());
    assertEquals(at("127.0.0.1", 1), seeds.get(0));
    assertFalse(seeds.contains(at("127.9.9.9", 2)), "the cap applies over all names, in order");
    assertEquals(290 + 1, p.metrics().get("dns.truncated"), "the big name's answer is cut to the"
        + " cap when it arrives, and the small name's address is left out");
  }

  @Test
  void seedsNeverWaitsForALookupInProgress() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    ExecutorService resolverThread = Executors.newSingleThreadExecutor();
    try {
      DnsSeedProvider p = DnsSeedProvider.builder().name("slow.svc", 7946)
          .resolver(h -> {
            started.countDown();
            try {
              // A DNS server that takes its time: the lookup is stuck until the test lets it go.
              if (!release.await(20, TimeUnit.SECONDS)) {
                throw new UnknownHostException("test never released the lookup");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
          })
          .executor(resolverThread).build();
      assertTrue(started.await(10, TimeUnit.SECONDS));
      long t0 = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        assertEquals(List.of(), p.seeds(), "nothing resolved yet");
      }
      // Generous: the point is that 100 calls return while the lookup is held for up to 20 s.
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (p.seeds().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(List.of(at("127.0.0.1", 7946)), p.seeds());
    } finally {
      release.countDown();
      resolverThread.shutdownNow();
    }
  }

  @Test
  void theDefaultResolverFindsLocalhostOnTheLoopback() throws Exception {
    DnsSeedProvider p = DnsSeedProvider.builder().name("localhost", 7946).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (p.seeds().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<InetSocketAddress> seeds = p.seeds();
    assertFalse(seeds.isEmpty(), "localhost did not resolve: " + p.metrics());
    for (InetSocketAddress s : seeds) {
      assertTrue(s.getAddress().isLoopbackAddress(), s.toString());
      assertEquals(7946, s.getPort());
    }
  }

  @Test
  void anIpLiteralIsItsOwnAnswerAndBracketsAreAccepted() throws Exception {
    DnsSeedProvider p = DnsSeedProvider.builder().name("127.0.0.1", 1).name("[::1]", 2)
        .executor(Runnable::run).build();
    assertEquals(List.of(at("127.0.0.1", 1), at("::1", 2)), p.seeds());
  }

  @Test
  void theBuilderRefusesWhatCannotWork() {
    assertThrows(IllegalStateException.class, () -> DnsSeedProvider.builder().build());
    assertThrows(IllegalArgumentException.class, () -> DnsSeedProvider.builder().name(" ", 1));
    assertThrows(IllegalArgumentException.class, () -> DnsSeedProvider.builder().name("h", 0));
    assertThrows(IllegalArgumentException.class,
        () -> DnsSeedProvider.builder().name("h", 65536));
    assertThrows(NullPointerException.class, () -> DnsSeedProvider.builder().name(null, 1));
    assertThrows(IllegalArgumentException.class,
        () -> DnsSeedProvider.builder().refreshInterval(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> DnsSeedProvider.builder().maxSeeds(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DnsSeedProvider.builder().name("h", -3));
    assertTrue(e.getMessage().contains("1..65535") && e.getMessage().contains("-3"),
        e.getMessage());
  }

  @Test
  void anExecutorThatRefusesIsCountedAndTriedAgainLater() {
    ManualClock clock = new ManualClock();
    AtomicInteger offered = new AtomicInteger();
    DnsSeedProvider p = DnsSeedProvider.builder().name("127.0.0.1", 1)
        .executor(r -> {
          offered.incrementAndGet();
          throw new java.util.concurrent.RejectedExecutionException("shut down");
        })
        .clock(clock).build();
    p.seeds();
    assertEquals(2, offered.get(), "a refused resolution is not left marked as running");
    assertEquals(2, p.metrics().get("dns.rejected"));
  }
}
