package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.SeedProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link SeedProvider} must pass: rules R8.1 to R8.6 of {@code
 * docs/contracts.md}. A node asks its provider for seeds on its protocol thread, at start and on
 * every join retry, and dials what it gets: so {@code seeds()} must answer (never null, never an
 * exception), with addresses a socket can use at once (resolved, port 1..65535), each once, in a
 * list the caller cannot use to change later answers, and from several nodes' threads at once.
 *
 * <p>Each rule builds its provider with {@link #newSeedProvider()} and first waits, at most
 * {@link #firstAnswerTimeoutMillis()}, for a non-empty answer (R8.2), so no rule passes on an
 * empty list. Every rule runs under a 30 s timeout in its own thread. Providers whose answers
 * legitimately change while a rule runs (a DNS name with a short refresh) override {@link
 * #answersAreStable()}.
 *
 * <pre>{@code
 * class MySeedProviderContractTest extends SeedProviderContract {
 *   @Override
 *   protected SeedProvider newSeedProvider() {
 *     return new MySeedProvider(List.of(new InetSocketAddress("127.0.0.1", 7946)));
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class SeedProviderContract {
  private SeedProvider provider;

  /**
   * Creates the provider under test, called once per rule. It must need nothing outside the
   * machine: name seeds on loopback and, for a resolving provider, answer names without real DNS
   * (a fake resolver).
   */
  protected abstract SeedProvider newSeedProvider();

  /**
   * Whether two calls without anything changing outside return equal lists; default true. Return
   * false for a provider whose answers may change on their own while a rule runs: R8.5 then checks
   * only that what a caller put into a list never shows up in later answers.
   */
  protected boolean answersAreStable() {
    return true;
  }

  /**
   * How long a fresh provider may answer with an empty list before its first seeds arrive (a
   * background lookup); default 5,000 ms.
   */
  protected long firstAnswerTimeoutMillis() {
    return 5_000;
  }

  /** Builds the provider under test once per rule. */
  @BeforeEach
  public void setUpProvider() {
    provider = newSeedProvider();
    assertNotNull(provider, "newSeedProvider() returned null");
  }

  /**
   * R8.1: {@code seeds()} never returns null and never throws, from the very first call of a
   * fresh provider and over 1,000 calls in a row.
   *
   * <p>On failure: a field read before the first answer arrived (return an empty list until
   * then), or a lookup failure passed on to the caller instead of keeping the last good answer.
   */
  @Test
  public void required_r8_1_neverReturnsNullOrThrows() {
    SeedProvider fresh = newSeedProvider();
    assertNotNull(fresh, "newSeedProvider() returned null");
    for (int i = 0; i < 1_000; i++) {
      seeds(fresh, "R8.1 call " + i);
    }
  }

  /**
   * R8.2: a fresh provider answers with at least one seed within {@link
   * #firstAnswerTimeoutMillis()}.
   *
   * <p>On failure: the first resolution never starts (it should start when the provider is
   * built, or at the first call), or its result is never published to {@code seeds()}. If the
   * provider is meant to be empty, it cannot be checked by this contract.
   */
  @Test
  public void required_r8_2_answersWithSeeds() {
    awaitSeeds("R8.2");
  }

  /**
   * R8.3: every address returned is resolved (it has an {@link InetAddress}, so dialling it does
   * no lookup on the protocol thread) and has a port in 1..65535; no element is null.
   *
   * <p>On failure: the provider hands out {@link InetSocketAddress#createUnresolved} addresses
   * (resolve them itself, in the background), or a port of 0 (an ephemeral bind port, never a
   * peer's) or a negative one.
   */
  @Test
  public void required_r8_3_returnsResolvedAddressesWithAPort() {
    awaitSeeds("R8.3");
    for (int i = 0; i < 200; i++) {
      checkAddresses(seeds(provider, "R8.3"), "R8.3 call " + i);
    }
  }

  /**
   * R8.4: no address appears twice in one answer.
   *
   * <p>On failure: answers of several names (or of one name listed twice) are concatenated
   * without removing the addresses they share; a node would then dial one peer twice per join
   * attempt.
   */
  @Test
  public void required_r8_4_returnsNoDuplicates() {
    awaitSeeds("R8.4");
    for (int i = 0; i < 200; i++) {
      checkDistinct(seeds(provider, "R8.4"), "R8.4 call " + i);
    }
  }

  /**
   * R8.5: what a caller does to a returned list never changes the provider's later answers: each
   * mutation (add, set, remove, clear, sort, replaceAll, removeIf, a sub-list's clear) either
   * throws {@link UnsupportedOperationException} or works on a copy. Later answers never contain
   * the address the caller put in and, if {@link #answersAreStable()}, equal the first answer.
   *
   * <p>On failure: the provider returns its own mutable field; return {@link List#copyOf} or an
   * unmodifiable view of a list nobody else can reach.
   */
  @Test
  public void required_r8_5_callersCannotChangeLaterAnswers() throws UnknownHostException {
    List<InetSocketAddress> first = List.copyOf(awaitSeeds("R8.5"));
    // TEST-NET-1 (RFC 5737): an address no provider under test returns.
    InetSocketAddress planted = new InetSocketAddress(
        InetAddress.getByAddress("planted.invalid", new byte[] {(byte) 192, 0, 2, 77}), 9);
    Map<String, Consumer<List<InetSocketAddress>>> mutations = new LinkedHashMap<>();
    mutations.put("add", l -> l.add(planted));
    mutations.put("add(0, ...)", l -> l.add(0, planted));
    mutations.put("set(0, ...)", l -> l.set(0, planted));
    mutations.put("remove(0)", l -> l.remove(0));
    mutations.put("clear", List::clear);
    mutations.put("replaceAll", l -> l.replaceAll(a -> planted));
    mutations.put("removeIf", l -> l.removeIf(a -> true));
    mutations.put("sort",
        l -> l.sort(Comparator.comparing(InetSocketAddress::toString).reversed()));
    mutations.put("Collections.reverse", Collections::reverse);
    mutations.put("subList(0, 1).clear", l -> l.subList(0, 1).clear());
    for (Map.Entry<String, Consumer<List<InetSocketAddress>>> m : mutations.entrySet()) {
      List<InetSocketAddress> got = seeds(provider, "R8.5");
      try {
        m.getValue().accept(got);
      } catch (UnsupportedOperationException refused) {
        // An unmodifiable list: the safest answer.
      } catch (RuntimeException e) {
        // Any other refusal is fine too, as long as later answers are unchanged.
      }
      List<InetSocketAddress> later = seeds(provider, "R8.5 after " + m.getKey());
      assertFalse(later.contains(planted), () -> "R8.5: after the caller's " + m.getKey()
          + " on a returned list, the provider answers " + later + ", which holds the caller's "
          + planted);
      if (answersAreStable()) {
        assertEquals(first, later, () -> "R8.5: after the caller's " + m.getKey()
            + " on a returned list, the provider's answer changed from " + first);
      }
    }
  }

  /**
   * R8.6: four threads calling {@code seeds()} 500 times each at once all get answers obeying
   * R8.1, R8.3 and R8.4, and all finish within 20 s.
   *
   * <p>On failure: state shared without synchronization (a list rebuilt in place while another
   * thread reads it, a lazily built field), or a lock held across a slow lookup. Publish each new
   * answer as one immutable list through a volatile field.
   */
  @Test
  public void required_r8_6_isSafeFromSeveralThreads() throws Exception {
    awaitSeeds("R8.6");
    int threads = 4;
    int calls = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          start.await();
          int answered = 0;
          for (int i = 0; i < calls; i++) {
            String where = "R8.6 thread " + thread + " call " + i;
            List<InetSocketAddress> got = seeds(provider, where);
            checkAddresses(got, where);
            checkDistinct(got, where);
            answered++;
          }
          return answered;
        }));
      }
      start.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      for (Future<Integer> f : results) {
        long left = Math.max(1, deadline - System.nanoTime());
        try {
          assertEquals(calls, f.get(left, TimeUnit.NANOSECONDS), "R8.6: calls answered");
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AssertionError) {
            throw (AssertionError) e.getCause();
          }
          throw e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ helpers

  private static List<InetSocketAddress> seeds(SeedProvider p, String where) {
    List<InetSocketAddress> got;
    try {
      got = p.seeds();
    } catch (RuntimeException e) {
      return fail(where + ": " + p + ".seeds() threw " + e, e);
    }
    assertNotNull(got, () -> where + ": " + p + ".seeds() returned null");
    return got;
  }

  /** Polls a fresh answer until it is not empty, at most {@link #firstAnswerTimeoutMillis()}. */
  private List<InetSocketAddress> awaitSeeds(String rule) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(firstAnswerTimeoutMillis());
    while (true) {
      List<InetSocketAddress> got = seeds(provider, rule);
      if (!got.isEmpty()) {
        return got;
      }
      if (System.nanoTime() > deadline) {
        return fail(tag(rule, "R8.2") + ": " + provider + " still had no seeds "
            + firstAnswerTimeoutMillis() + " ms after it was made");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail(rule + ": interrupted while waiting for seeds", e);
      }
    }
  }

  private static void checkAddresses(List<InetSocketAddress> got, String where) {
    for (InetSocketAddress a : got) {
      if (a == null) {
        fail(tag(where, "R8.3") + ": a null address in " + got);
      }
      if (a.isUnresolved() || a.getAddress() == null) {
        fail(tag(where, "R8.3") + ": unresolved address " + a + " in " + got);
      }
      if (a.getPort() < 1 || a.getPort() > 65535) {
        fail(tag(where, "R8.3") + ": port " + a.getPort() + " not in 1..65535 in " + got);
      }
    }
  }

  private static void checkDistinct(List<InetSocketAddress> got, String where) {
    Set<InetSocketAddress> seen = new HashSet<>();
    for (InetSocketAddress a : got) {
      if (!seen.add(a)) {
        fail(tag(where, "R8.4") + ": " + a + " appears twice in " + got);
      }
    }
  }

  /** {@code where}, followed by the rule it checks unless it already starts with it. */
  private static String tag(String where, String rule) {
    return where.startsWith(rule) ? where : where + " (" + rule + ")";
  }
}
