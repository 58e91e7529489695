package io.gossipkit.core;

import static io.gossipkit.api.internal.Arguments.atLeast;
import static io.gossipkit.api.internal.Arguments.atLeastOneMilli;

import io.gossipkit.api.Clock;
import io.gossipkit.api.SeedProvider;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seeds named by host names, resolved again and again in the background: a Kubernetes headless
 * service, a DNS round-robin name, or a list of hosts whose addresses change as machines are
 * replaced. Each name resolves to every address it has (A and AAAA records), each with the name's
 * port.
 *
 * <p>{@link #seeds()} never blocks: a node asks for seeds on its protocol thread, where a DNS
 * lookup of several seconds would stall probes and gossip. It returns the addresses of the last
 * answers and, once they are older than the refresh interval, starts a new resolution on the
 * provider's executor (by default one daemon thread shared by every provider, started only while
 * there is a lookup to make). The first resolution starts when the provider is built, so by the
 * time a node first needs seeds the answer is usually there; until it is, {@code seeds()} is
 * empty and the node's join retry asks again.
 *
 * <p>A name that fails to resolve (no such host, a DNS server down) keeps the addresses of its
 * last good answer: a brief DNS outage does not make a node forget where its cluster is. Failures
 * are counted ({@code dns.failures}), the first one of a name after a success is logged at WARNING
 * with the resolver's message, and its recovery at INFO. At most {@code maxSeeds} addresses are
 * handed out, in the order of the names and, within a name, of the resolver's answer; the rest are
 * counted as {@code dns.truncated}.
 *
 * <p>The JVM caches successful lookups itself for 30 seconds by default (the security property
 * {@code networkaddress.cache.ttl}), so refreshing faster than that sees no change; lower the
 * property, or plug in another {@link Resolver}, for faster turnover.
 *
 * <pre>{@code
 * SeedProvider seeds = DnsSeedProvider.builder()
 *     .name("gossip.default.svc.cluster.local", 7946)
 *     .build();
 * GossipNode node = GossipNodes.builder(config).id("n1").transport(udp).seeds(seeds).build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class DnsSeedProvider implements SeedProvider {
  /** Default time after which the answers are refreshed: 30 s, the JVM's own cache time. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

  /** Default cap on the addresses handed out. */
  public static final int DEFAULT_MAX_SEEDS = 64;

  private static final System.Logger LOG = System.getLogger("io.gossipkit.core");

  /** Turns a host name into its addresses; {@link InetAddress#getAllByName} by default. */
  @FunctionalInterface
  public interface Resolver {
    /**
     * Every address of {@code host}.
     *
     * @throws UnknownHostException if the name does not resolve
     */
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** One host name and port, and what it last resolved to. */
  private static final class Name {
    final String host;
    final int port;
    /** Addresses of the last good answer; empty until one arrives. */
    volatile List<InetSocketAddress> addresses = List.of();
    /** Whether the latest attempt failed: failures are logged on the change, not each time. */
    boolean failing;

    Name(String host, int port) {
      this.host = host;
      this.port = port;
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private final List<Name> names;
  private final Duration refreshInterval;
  private final long refreshMillis;
  private final int maxSeeds;
  private final Resolver resolver;
  private final Executor executor;
  private final Clock clock;
  private final AtomicBoolean resolving = new AtomicBoolean();
  /** Clock time the last resolution started; Long.MIN_VALUE before the first. */
  private volatile long lastStart = Long.MIN_VALUE;
  private volatile List<InetSocketAddress> current = List.of();
  private final AtomicLong resolutions = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong truncated = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  private DnsSeedProvider(Builder b) {
    names = List.copyOf(b.names);
    refreshInterval = b.refreshInterval;
    refreshMillis = b.refreshInterval.toMillis();
    maxSeeds = b.maxSeeds;
    resolver = b.resolver;
    executor = b.executor != null ? b.executor : SharedResolverThread.EXECUTOR;
    clock = b.clock;
  }

  /** A builder: at least one {@link Builder#name} is required; the rest has defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The addresses of the latest answers, at most {@code maxSeeds}; never blocks. Starts a new
   * resolution in the background when the answers are older than the refresh interval.
   */
  @Override
  public List<InetSocketAddress> seeds() {
    refreshIfDue();
    return current;
  }

  /** Starts a resolution now unless one is running; for callers that know the names changed. */
  public void refresh() {
    if (!resolving.compareAndSet(false, true)) {
      return;
    }
    lastStart = clock.millis();
    try {
      executor.execute(this::resolveAll);
    } catch (RejectedExecutionException e) {
      // Due again at once: the next seeds() tries again rather than waiting a whole interval.
      lastStart = Long.MIN_VALUE;
      resolving.set(false);
      long times = rejected.incrementAndGet();
      // Logged the first time and every hundredth after, not on each join retry.
      if (times % 100 == 1) {
        LOG.log(Level.WARNING, "gossip: seed names " + names + " not resolved: the resolver"
            + " executor refused the task (" + e.getMessage() + "), " + times + " time(s)");
      }
    }
  }

  private void refreshIfDue() {
    long now = clock.millis();
    long last = lastStart;
    // A clock that went back (a wall clock set back) counts as due rather than stalling refreshes
    // until it catches up.
    if (last == Long.MIN_VALUE || now - last >= refreshMillis || now < last) {
      refresh();
    }
  }

  private void resolveAll() {
    try {
      for (Name name : names) {
        resolve(name);
      }
      Set<InetSocketAddress> all = new LinkedHashSet<>();
      int dropped = 0;
      for (Name name : names) {
        for (InetSocketAddress a : name.addresses) {
          if (all.size() < maxSeeds) {
            all.add(a);
          } else if (!all.contains(a)) {
            dropped++;
          }
        }
      }
      truncated.addAndGet(dropped);
      current = List.copyOf(all);
    } finally {
      resolving.set(false);
    }
  }

  private void resolve(Name name) {
    String error;
    try {
      InetAddress[] found = resolver.resolve(name.host);
      if (found != null && found.length > 0) {
        List<InetSocketAddress> addresses = new ArrayList<>(Math.min(found.length, maxSeeds));
        for (InetAddress a : found) {
          if (a == null) {
            continue;
          }
          if (addresses.size() < maxSeeds) {
            addresses.add(new InetSocketAddress(a, name.port));
          } else {
            // An answer of thousands of records is held only up to the cap.
            truncated.incrementAndGet();
          }
        }
        name.addresses = List.copyOf(addresses);
        resolutions.incrementAndGet();
        if (name.failing) {
          name.failing = false;
          LOG.log(Level.INFO, "gossip: seed name " + name + " resolves again, to "
              + addresses.size() + " address(es)");
        }
        return;
      }
      error = "the resolver returned no address";
    } catch (UnknownHostException e) {
      error = "unknown host (" + e.getMessage() + ")";
    } catch (RuntimeException e) {
      // A resolver that throws anything else (a SecurityException, a plug-in's bug) is a failed
      // lookup too, never the end of the provider.
      error = e.toString();
    }
    failures.incrementAndGet();
    if (!name.failing) {
      name.failing = true;
      LOG.log(Level.WARNING, "gossip: seed name " + name + " did not resolve: " + error
          + "; keeping the " + name.addresses.size() + " address(es) of its last good answer and"
          + " retrying every " + refreshInterval.toMillis() + " ms");
    }
  }

  /**
   * Counters: {@code dns.resolutions} (names resolved), {@code dns.failures} (lookups that
   * failed), {@code dns.truncated} (addresses left out by the cap), {@code dns.rejected}
   * (resolutions the executor refused) and {@code dns.addresses} (addresses handed out now).
   */
  public Map<String, Long> metrics() {
    Map<String, Long> m = new TreeMap<>();
    m.put("dns.resolutions", resolutions.get());
    m.put("dns.failures", failures.get());
    m.put("dns.truncated", truncated.get());
    m.put("dns.rejected", rejected.get());
    m.put("dns.addresses", (long) current.size());
    return m;
  }

  @Override
  public String toString() {
    return "DnsSeedProvider" + names + " -> " + current;
  }

  /**
   * The default executor: one daemon thread for every provider in the JVM, started when a lookup
   * is queued and gone after a minute without one, so an idle provider holds no thread and never
   * keeps the JVM alive. Lookups are rare (one per name per refresh interval); a slow one delays
   * the others a little, which the non-blocking {@code seeds()} hides from the nodes.
   */
  private static final class SharedResolverThread {
    static final ThreadPoolExecutor EXECUTOR =
        new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024), r -> {
          Thread t = new Thread(r, "gossip-dns-resolver");
          t.setDaemon(true);
          return t;
        });

    static {
      EXECUTOR.allowCoreThreadTimeOut(true);
    }
  }

  /** Builds a {@link DnsSeedProvider}. */
  public static final class Builder {
    private final List<Name> names = new ArrayList<>();
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private int maxSeeds = DEFAULT_MAX_SEEDS;
    private Resolver resolver = InetAddress::getAllByName;
    private Executor executor;
    private Clock clock = Clock.system();

    private Builder() {}

    /**
     * Adds a host name (or an IP literal, which resolves to itself without a lookup) whose
     * addresses, each with {@code port}, are seeds; call once per name.
     */
    public Builder name(String host, int port) {
      Objects.requireNonNull(host, "host");
      String h = host.strip();
      if (h.isEmpty()) {
        throw new IllegalArgumentException("seed host name is empty");
      }
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "seed port for '" + host + "' must be in 1..65535, was " + port);
      }
      names.add(new Name(h, port));
      return this;
    }

    /** Age after which the answers are resolved again; at least 1 ms. Default: 30 s. */
    public Builder refreshInterval(Duration v) {
      refreshInterval = atLeastOneMilli("refreshInterval", v);
      return this;
    }

    /** Most addresses handed out, over all names; at least 1. Default: 64. */
    public Builder maxSeeds(int v) {
      maxSeeds = atLeast("maxSeeds", 1, v);
      return this;
    }

    /** How names become addresses. Default: {@link InetAddress#getAllByName}. */
    public Builder resolver(Resolver v) {
      resolver = Objects.requireNonNull(v, "resolver");
      return this;
    }

    /**
     * Where lookups run. Default: one daemon thread shared by every provider. {@code
     * Runnable::run} resolves on the calling thread: for tests, never for a node, whose protocol
     * thread would then wait for DNS.
     */
    public Builder executor(Executor v) {
      executor = Objects.requireNonNull(v, "executor");
      return this;
    }

    /** The clock that decides when answers are old. Default: the system clock. */
    public Builder clock(Clock v) {
      clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    /**
     * The provider, with its first resolution already started.
     *
     * @throws IllegalStateException if no name was given
     */
    public DnsSeedProvider build() {
      if (names.isEmpty()) {
        throw new IllegalStateException("DnsSeedProvider needs at least one name(host, port)");
      }
      DnsSeedProvider p = new DnsSeedProvider(this);
      p.refresh();
      return p;
    }
  }
}
