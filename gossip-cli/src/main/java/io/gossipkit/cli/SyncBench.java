package io.gossipkit.cli;

import io.gossipkit.api.Clock;
import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipContext;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.cli.SimCommand.Format;
import io.gossipkit.cli.SimCommand.Formats;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.Strategies;
import io.gossipkit.crypto.handshake.ChannelCipher;
import io.gossipkit.crypto.handshake.HandshakeConfig;
import io.gossipkit.transport.tcp.RawTcpThroughput;
import io.gossipkit.transport.tcp.TcpTransport;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gossip bench sync}: anti-entropy between two real nodes over loopback TCP, each a
 * production {@link GossipNode} (engine, Kryo codec, {@link TcpTransport} with its authenticated,
 * sealed frames). Node A is loaded with {@code --keys} entries of {@code --value-bytes}; then,
 * in order: B, empty, syncs everything from A (full sync); A and B, identical, run one exchange;
 * {@code --diff} keys are rewritten, half on each side, and one exchange repairs them. Plain
 * loopback TCP, and the TCP transport alone (sealed frames, no engine), are measured in the same
 * run for comparison.
 *
 * <p>Bytes are everything on the TCP sockets, both directions, frame prefixes and seals
 * included: the transports' {@code wire.bytes.in} of both nodes for a full sync (complete the
 * moment the receiver holds every key), their {@code wire.bytes.out} for the two exchanges, which
 * are over only once the nodes went quiet. Each exchange is started on
 * demand (a strategy that runs an anti-entropy round only when asked) and is over when the
 * receiving node's {@code updates.applied} counter (polled every millisecond) reaches the number
 * of entries it must apply (syncs) or no message has arrived for a quiet period (the identical
 * exchange).
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Anti-entropy cost and full-sync throughput between two nodes over loopback TCP.",
    description = {
      "Loads --keys entries into node A, syncs them to an empty node B (full_sync_mb_per_s:"
          + " wire bytes per second, the median of --full-syncs syncs into fresh nodes after"
          + " warm-up syncs; the first, on a cold JVM, is full_sync_first_mb_per_s), runs one exchange between the now identical replicas"
          + " (identical_bytes), rewrites --diff keys, half on each side, and repairs them with one"
          + " exchange (diff_bytes); raw_tcp_mb_per_s is plain loopback TCP in the same run"
          + " (the median of three transfers on a fresh heap and one just before each timed"
          + " sync), encrypted_tcp_mb_per_s the TCP transport alone (sealed 256 KiB frames, the"
          + " sync's chunks, the median of one transfer before each timed sync). Bytes are"
          + " everything on the TCP sockets, both directions. Fields: docs/anti-entropy.md.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the benchmark failed", "2:invalid arguments"},
    footerHeading = "%nExamples:%n",
    footer = {
      "  gossip bench sync --keys 100000 --diff 10 --format json",
      "  gossip bench sync --keys 1000000 --diff 10 --format json"
    })
final class SyncBench implements Callable<Integer> {
  private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
  private static final String LABEL = "bench-sync";

  @Spec CommandSpec spec;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "100000",
      description = "Entries in the full replica, 1 to 10,000,000. Default: ${DEFAULT-VALUE}.")
  int keys;

  @Option(names = "--diff", paramLabel = "D", defaultValue = "10",
      description = "Keys rewritten before the repair, half on each node; 0 to --keys."
          + " Default: ${DEFAULT-VALUE}.")
  int diff;

  @Option(names = "--value-bytes", paramLabel = "B", defaultValue = "100",
      description = "Bytes per value, 0 to 65,536. Default: ${DEFAULT-VALUE}.")
  int valueBytes;

  @Option(names = "--full-syncs", paramLabel = "K", defaultValue = "5",
      description = "Timed full syncs, each into a fresh empty node B, after untimed warm-up syncs"
          + " (the first on a cold JVM: full_sync_first_mb_per_s) repeated until two in a row"
          + " gain under 10%% on the best and let the JIT compile for under a tenth of their"
          + " time (at most 30); full_sync_mb_per_s is the timed ones' median. 1 to 10."
          + " Default: ${DEFAULT-VALUE}.")
  int fullSyncs;

  @Option(names = "--timeout", paramLabel = "S", defaultValue = "600",
      description = "Most seconds any one phase may take. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      converter = Formats.class, completionCandidates = Formats.class,
      description = "Output, one of ${COMPLETION-CANDIDATES}. json: exactly one JSON object on one"
          + " line of stdout. Default: ${DEFAULT-VALUE}.")
  Format format;

  /** Anti-entropy that answers every message but starts an exchange only when asked. */
  static final class OnDemand implements DisseminationStrategy {
    private final DisseminationStrategy sync =
        Strategies.antiEntropy(Exchange.PUSH_PULL, PeerSelectors::random, 1).get();
    private final AtomicBoolean asked = new AtomicBoolean();

    /** The next round (within one gossip interval) starts one exchange. */
    void ask() {
      asked.set(true);
    }

    @Override
    public void onRound(GossipContext ctx) {
      if (asked.compareAndSet(true, false)) {
        sync.onRound(ctx);
      }
    }

    @Override
    public void onLocalUpdate(GossipContext ctx, Entry entry) {}

    /**
     * Completed, on the engine's thread, by the first message after which the replica holds at
     * least {@link #holdingKeys} entries; null when nobody waits.
     */
    private volatile CompletableFuture<Void> holding;

    private volatile int holdingKeys;

    /**
     * A future completed as soon as this node's replica holds {@code keys} entries. The engine
     * completes it after the message that got there, so the wait ends without polling: polling
     * the node's metrics every millisecond ran a task on the receiving engine and built a
     * snapshot of every counter each time, timed with the sync (measured: 4% of the sampled CPU
     * of a sync).
     */
    CompletableFuture<Void> whenHolding(int keys) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      holdingKeys = keys;
      holding = f;
      return f;
    }

    @Override
    public void onMessage(GossipContext ctx, NodeId from, GossipMessage message) {
      sync.onMessage(ctx, from, message);
      CompletableFuture<Void> f = holding;
      if (f != null && ctx.store().size() >= holdingKeys) {
        holding = null;
        f.complete(null);
      }
    }

    @Override
    public boolean isQuiescent() {
      return !asked.get();
    }
  }

  /** One node of the bench: the node, its transport and its trigger. */
  private static final class Peer implements AutoCloseable {
    final GossipNode node;
    final TcpTransport tcp;
    final OnDemand strategy = new OnDemand();
    /** The AEAD sealing its TCP sessions (the handshake's default). */
    final ChannelCipher cipher;

    Peer(String id, InetSocketAddress self, String otherId, InetSocketAddress other,
        GossipConfig config, byte[] psk) {
      HandshakeConfig hs = HandshakeConfig.builder().clusterLabel(LABEL).localNode(NodeId.of(id))
          .preSharedKey(psk).clock(Clock.system())
          .maxFrameBytes(TcpTransport.DEFAULT_MAX_FRAME_BYTES).build();
      cipher = hs.channelCipher();
      // Two batches of 16 chunks of 256 KiB may be in flight (RangeSync.BATCH_CHUNKS): 8 MiB,
      // twice the transport's default buffer, which suits the default 64 KiB messages.
      tcp = TcpTransport.builder().bind(self).handshake(hs).outboundBufferBytes(OUTBOUND_BYTES)
          .build();
      node = GossipNodes.builder(config).id(id).transport(tcp)
          // Every TCP frame is already sealed by the transport's authenticated session: a
          // second AEAD per message would only measure the cipher twice.
          .protector(PacketProtector.plaintext())
          .strategy(() -> strategy).member(otherId, other).build();
    }

    long wireOut() {
      return transportMetric("wire.bytes.out");
    }

    /** One of this node's TCP transport's metrics, 0 if it has none of that name. */
    long transportMetric(String name) {
      return tcp.metrics().getOrDefault(name, 0L);
    }

    /**
     * Bytes this node's transport read from its sockets. A receiver counts each read before it
     * decodes and applies what it holds, so once a node applied a message, every byte that
     * carried it (and everything the peer read before answering) is counted here; the sender's
     * {@code wire.bytes.out} is counted when its write completes, on its I/O thread, which under
     * load can run after the receiver applied the frame (see {@link #measure}).
     */
    long wireIn() {
      return transportMetric("wire.bytes.in");
    }

    /**
     * Entries from the peer that changed this replica ({@code updates.applied}), read from the
     * node's counters: the repair of the difference is over when both sides applied the other's
     * writes. (The full syncs are not polled: {@link OnDemand#whenHolding} ends them.)
     */
    long applied() {
      return node.metrics().get("updates.applied");
    }

    long received() {
      return node.metrics().counters().getOrDefault("messages.received", 0L);
    }

    /**
     * Everything the node and its transport dropped so far ({@code dropped.*} and {@code
     * transport.dropped.*}): a full sync should drop nothing, and one that does (a send refused
     * by a full outbound buffer, say) resumes only at a later round, so its time is not the
     * stream's.
     */
    long dropped() {
      long n = 0;
      for (Map.Entry<String, Long> e : node.metrics().counters().entrySet()) {
        if (e.getKey().startsWith("dropped.") || e.getKey().startsWith("transport.dropped.")) {
          n += e.getValue();
        }
      }
      return n;
    }

    @Override
    public void close() {
      node.close();
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String invalid = invalidArgument();
    if (invalid != null) {
      err.println("gossip bench sync: " + invalid);
      err.flush();
      return ExitCode.USAGE;
    }
    Quiet.nodeLogs();
    Map<String, Object> result;
    try {
      result = measure(err);
    } catch (Exception e) {
      err.println("gossip bench sync: " + e);
      err.flush();
      return ExitCode.SOFTWARE;
    }
    String json = Json.object(result);
    MetricTable.print(out, format, json);
    return ExitCode.OK;
  }

  private String invalidArgument() {
    if (keys < 1 || keys > 10_000_000) {
      return "--keys must be in [1, 10000000], was " + keys;
    }
    if (diff < 0 || diff > keys) {
      return "--diff must be in [0, --keys], was " + diff;
    }
    if (valueBytes < 0 || valueBytes > 65_536) {
      return "--value-bytes must be in [0, 65536], was " + valueBytes;
    }
    if (fullSyncs < 1 || fullSyncs > 10) {
      return "--full-syncs must be in [1, 10], was " + fullSyncs;
    }
    if (timeoutSeconds < 1) {
      return "--timeout must be >= 1, was " + timeoutSeconds;
    }
    return null;
  }

  private GossipConfig config() {
    return GossipConfig.lan().toBuilder()
        // Rounds only poll the trigger; a short interval starts an asked-for exchange promptly.
        .gossipInterval(Duration.ofMillis(2))
        .antiEntropyInterval(Duration.ofMillis(2))
        // Chunks of 256 KiB: batches of 16 (4 MiB), each asking for the next with its first
        // chunk, keep round trips few, and the receiver starts on a chunk while the sender builds
        // the next.
        .maxMessageBytes(CHUNK_BYTES)
        .maxValueBytes(Math.max(valueBytes, 1))
        .maxEntriesPerMessage(16_384)
        .clusterLabel(LABEL)
        .build();
  }

  /** The sync's chunk size, and the frame size of the sealed-TCP ceiling. */
  static final int CHUNK_BYTES = 256 << 10;

  /** Each node's TCP outbound buffer: two batches of 16 chunks (see {@link Peer}). */
  static final int OUTBOUND_BYTES = 2 * 16 * CHUNK_BYTES;

  /** Keys written per {@code putAll} while loading A. */
  private static final int LOAD_BATCH = 10_000;

  /** Most warm-up transfers of {@link #WARM_UP_BYTES} each. */
  private static final int MAX_WARM_UPS = 12;
  /** Most untimed plain-TCP transfers before the timed ones (each a fraction of a second). */
  private static final int MAX_RAW_WARM_UPS = 30;
  /** Most untimed full syncs before the timed ones, the cold first one included. */
  private static final int MAX_SYNC_WARM_UPS = 30;

  /**
   * Share of a warm-up sync's time the JIT may spend compiling for the sync to count as steady
   * (see the warm-up in {@link #measure}).
   */
  private static final double JIT_QUIET_SHARE = 0.1;

  /**
   * Plain-TCP transfers on a fresh heap, before the load; {@code raw_tcp_mb_per_s} is the median
   * of these and of one more before each timed sync.
   */
  private static final int RAW_TRANSFERS = 3;

  /** Bytes of one warm-up transfer over sealed TCP. */
  private static final long WARM_UP_BYTES = 256L << 20;

  private Map<String, Object> measure(PrintWriter err) throws Exception {
    GossipConfig config = config();
    byte[] psk = new byte[HandshakeConfig.PSK_BYTES];
    new SecureRandom().nextBytes(psk);
    InetSocketAddress addressA = freeLoopbackPort();
    InetSocketAddress addressB = freeLoopbackPort();
    Map<String, Object> r = new LinkedHashMap<>();
    long timeout = TimeUnit.SECONDS.toNanos(timeoutSeconds);
    // The ceilings first, on a fresh heap, each after untimed warm-up transfers (see warmUp): the
    // sealed TCP path (cipher, framing, Netty) ran at 150-320 MB/s for its first gigabyte or two
    // in a fresh JVM and at 900 later, as the JIT compiled it and the heap stopped growing
    // (docs/tcp.md). Warm-up transfers are scaled to the run, so a small run (a test's) stays
    // quick.
    long warmUpBytes = Math.min(WARM_UP_BYTES, Math.max(16L << 20, 256L * keys));
    int warmUps = warmUp(err, "sealed TCP", MAX_WARM_UPS,
        () -> encryptedTcp(psk, warmUpBytes, timeout));
    long ceilingBytes = Math.max(64L << 20, (long) keys * (valueBytes + 32));
    // Plain TCP is the median of several transfers, as the full sync's figure is the median of
    // several syncs: one transfer on this kind of shared machine swung from 1,250 to 3,070 MB/s
    // minutes apart. Three here, on a fresh heap, and one just before each timed sync, so plain
    // TCP and the sync are measured under the same load of the machine: a transfer of 130 MB
    // takes under a tenth of a second, short enough for a burst of the host's load to fall on
    // the transfers and not the syncs, or the other way round.
    RawTcp raw = new RawTcp(ceilingBytes, Duration.ofSeconds(timeoutSeconds));
    // Plain TCP warms up too, as everything timed here: its first transfers in a fresh JVM ran
    // at 1,100-1,900 MB/s, and the same transfers after the syncs (the JIT done with Netty's
    // paths) at 2,000-4,800 (measured, 1,000,000 keys, 5 runs). Measured cold, the ceiling was
    // half what it is, and the sync's share of it twice what it is.
    int rawWarmUps = warmUp(err, "plain TCP", MAX_RAW_WARM_UPS, raw::untimedTransfer);
    for (int i = 0; i < RAW_TRANSFERS; i++) {
      raw.transfer();
    }
    double rawFreshMbps = raw.median();
    progress(err, "plain loopback TCP %s MB/s (median %.1f)", raw.rates(), rawFreshMbps);
    // The sealed transport alone, the ceiling a sync runs under, is timed once before each timed
    // sync (encrypted_tcp_mb_per_s: their median), on the heap the syncs run on. Timed once on the
    // fresh heap, here, it swung from 260 to 1,500 MB/s between runs minutes apart, and set the
    // sync above its own ceiling in some: the JVM was still growing the heap under it (with the
    // heap fixed and touched in advance, -Xms8g -Xmx8g -XX:+AlwaysPreTouch, the same transfers ran
    // at 1,190-1,350 MB/s; measured 2026-12-02). Plain TCP moves direct buffers and does not care.
    List<Double> sealedRates = new ArrayList<>();

    Peer b = null;
    try (Peer a = new Peer("bench-a", addressA, "bench-b", addressB, config, psk)) {
      a.node.start();

      long t0 = System.nanoTime();
      Map<String, byte[]> batch = new LinkedHashMap<>();
      for (int i = 0; i < keys; i++) {
        byte[] value = new byte[valueBytes];
        if (valueBytes > 0) {
          value[0] = (byte) i;
        }
        batch.put(key(i), value);
        if (batch.size() == LOAD_BATCH || i == keys - 1) {
          a.node.putAll(batch);
          batch.clear();
        }
      }
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      progress(err, "loaded %d keys into A in %.1f s", keys, loadSeconds);

      // Full syncs: each time a fresh, empty B (same id and address) asks A for everything. The
      // first runs on a cold JVM (full_sync_first_mb_per_s). Then, as JMH's warm-up iterations,
      // untimed syncs repeat until two in a row are steady: under 10% faster than the best before
      // them, and with the JIT compiling for under a tenth of the sync's time. The JIT compiles
      // the sync's per-chunk paths (called a few hundred times a sync, not a million) over a
      // dozen syncs or more, and its compiler threads take one of the two cores from the sync
      // while they do. The rate alone looked flat long before that: measured, the JIT spent
      // 100-600 ms in each of syncs 2 to 16 (0.3-0.5 s each, 250-420 MB/s) and under 40 ms in
      // each after, which ran at 440-520 MB/s. The median of --full-syncs timed syncs after that
      // is the steady state; full_sync_jit_ms says how quiet the JIT was during them.
      List<Double> rates = new ArrayList<>();
      List<Double> cpus = new ArrayList<>();
      List<Double> jits = new ArrayList<>();
      double firstRate = 0;
      int syncWarmUps = 0;
      Steadiness syncSteadiness = new Steadiness();
      long fullNanos = 0;
      long fullWire = 0;
      long fullDropped = 0;
      for (int round = 0; rates.size() < fullSyncs; round++) {
        boolean timed = round > 0
            && (syncSteadiness.isSteady() || syncWarmUps >= MAX_SYNC_WARM_UPS);
        if (b != null) {
          b.close();
          b = null;
          if (timed) {
            // Before the collection below, so its garbage is not in the sync's young generation.
            sealedRates.add(encryptedTcp(psk, ceilingBytes, timeout));
          }
          // The previous round's replica is garbage now, an artifact of timing several fresh
          // nodes in one JVM: collected here, untimed, so the next round does not pay a full
          // collection of it (measured: 0.9 s of a 2.3 s sync). The young collections of the
          // replica being filled are the sync's own cost and stay in the timing.
          System.gc();
        }
        if (timed) {
          raw.transfer();
        }
        b = new Peer("bench-b", addressB, "bench-a", addressA, config, psk);
        b.node.start();
        // Counted as read, not as written: the sync is over the moment B holds every key, and
        // the writer's count of the last frame may come later (a CI run counted 262,947 of a
        // 3,000-key sync's 394,176 bytes when A's I/O thread was descheduled right after its
        // write); both directions' reads are complete by then (see Peer.wireIn).
        long wire0 = a.wireIn() + b.wireIn();
        long dropped0 = a.dropped() + b.dropped();
        long[] cpu0 = ProcessCpu.ticks();
        Map<String, Long> threads0 = ProcessCpu.threads();
        long cpuNanos0 = ProcessCpu.processNanos();
        long jit0 = ProcessCpu.jitMillis();
        CompletableFuture<Void> holdsAll = b.strategy.whenHolding(keys);
        t0 = System.nanoTime();
        b.strategy.ask();
        awaitFullSync(holdsAll, a, b, dropped0, timeout);
        fullNanos = System.nanoTime() - t0;
        long jit = jit0 < 0 ? -1 : ProcessCpu.jitMillis() - jit0;
        double cpu = cpuNanos0 < 0 ? Double.NaN : (ProcessCpu.processNanos() - cpuNanos0) / 1e9;
        fullWire = a.wireIn() + b.wireIn() - wire0;
        double rate = fullWire * 1e3 / fullNanos;
        long dropped = a.dropped() + b.dropped() - dropped0;
        String what;
        if (!timed) {
          if (round == 0) {
            firstRate = rate;
          }
          syncWarmUps++;
          syncSteadiness.add(rate, jit, fullNanos);
          what = "full sync warm-up " + syncWarmUps + (round == 0 ? " (cold JVM)" : "");
        } else {
          rates.add(rate);
          fullDropped += dropped;
          cpus.add(cpu);
          jits.add((double) jit);
          what = "full sync " + rates.size() + " of " + fullSyncs;
        }
        progress(err, "%s: %d wire bytes in %.2f s, %.1f MB/s, JIT %d ms%s%s", what, fullWire,
            fullNanos / 1e9, rate, jit, dropped == 0 ? "" : ", " + dropped + " DROPPED",
            ProcessCpu.since(cpu0) + ProcessCpu.threadsSince(threads0));
      }
      Peer synced = b;
      double fullMbps = median(rates.stream().mapToDouble(Double::doubleValue).toArray());
      double fullCpu = median(cpus.stream().mapToDouble(Double::doubleValue).toArray());
      double fullJit = median(jits.stream().mapToDouble(Double::doubleValue).toArray());
      double rawMbps = raw.median();
      progress(err, "plain loopback TCP before each timed sync %s MB/s; median of all %d: %.1f",
          raw.rates().subList(RAW_TRANSFERS, raw.count()), raw.count(), rawMbps);
      double sealedMbps = median(sealedRates.stream().mapToDouble(Double::doubleValue).toArray());
      progress(err, "sealed TCP transport before each timed sync %s MB/s; median %.1f",
          formatted(sealedRates), sealedMbps);

      // Identical replicas: one exchange, over when no message has arrived for a while.
      settle(a, synced, timeout);
      long wire0 = a.wireOut() + synced.wireOut();
      long receivedBefore = synced.received();
      a.strategy.ask();
      await("B to get A's exchange", () -> synced.received() > receivedBefore, timeout);
      settle(a, synced, timeout);
      long identicalBytes = a.wireOut() + synced.wireOut() - wire0;

      // D differing keys, half newer on each side; one exchange repairs both.
      byte[] changed = new byte[valueBytes];
      Arrays.fill(changed, (byte) 0x5A);
      long appliedA = a.applied();
      long appliedB = synced.applied();
      int onA = 0;
      for (int i = 0; i < diff; i++) {
        int k = (int) ((long) i * keys / Math.max(1, diff));
        if (i % 2 == 0) {
          a.node.put(key(k), changed);
          onA++;
        } else {
          synced.node.put(key(k), changed);
        }
      }
      // Each side applies the other's writes.
      long expectA = appliedA + (diff - onA);
      long expectB = appliedB + onA;
      settle(a, synced, timeout);
      wire0 = a.wireOut() + synced.wireOut();
      t0 = System.nanoTime();
      a.strategy.ask();
      await("both sides to repair " + diff + " keys",
          () -> a.applied() >= expectA && synced.applied() >= expectB, timeout);
      settle(a, synced, timeout);
      long diffNanos = System.nanoTime() - t0;
      long diffBytes = a.wireOut() + synced.wireOut() - wire0;
      for (int i = 0; i < diff; i++) {
        int k = (int) ((long) i * keys / Math.max(1, diff));
        byte[] atA = a.node.get(key(k)).orElseThrow();
        byte[] atB = synced.node.get(key(k)).orElseThrow();
        if (!Arrays.equals(atA, changed) || !Arrays.equals(atB, changed)) {
          throw new IllegalStateException("key " + key(k) + " was not repaired on both sides");
        }
      }

      long payload = (long) keys * (key(keys - 1).length() + valueBytes);
      r.put("diff_bytes", diffBytes);
      r.put("identical_bytes", identicalBytes);
      r.put("full_sync_mb_per_s", round(fullMbps));
      r.put("raw_tcp_mb_per_s", round(rawMbps));
      r.put("full_sync_vs_raw", round(fullMbps / rawMbps));
      r.put("encrypted_tcp_mb_per_s", round(sealedMbps));
      r.put("full_sync_vs_encrypted_tcp", round(fullMbps / sealedMbps));
      r.put("encrypted_tcp_vs_raw", round(sealedMbps / rawMbps));
      r.put("encrypted_tcp_transfers", sealedRates.size());
      r.put("full_sync_first_mb_per_s", round(firstRate));
      r.put("full_syncs", fullSyncs);
      r.put("full_sync_warm_ups", syncWarmUps);
      r.put("full_sync_seconds", round(fullNanos / 1e9));
      // Where the time goes on a machine with few cores: the process's CPU seconds per sync
      // (median, as full_sync_mb_per_s), what plain TCP spent on as many bytes, and the cores.
      r.put("full_sync_cpu_s", significant(fullCpu));
      // The JIT's compiling during the timed syncs (median ms; -1 where the JVM does not say):
      // near zero when the warm-up ended in the steady state it looks for.
      r.put("full_sync_jit_ms", Math.round(fullJit));
      // Messages either node dropped during the timed syncs: 0, or the figures are suspect.
      r.put("full_sync_dropped", fullDropped);
      r.put("raw_tcp_cpu_s_same_bytes", significant(raw.medianCpuPerByte() * fullWire));
      r.put("raw_tcp_transfers", raw.count());
      r.put("raw_tcp_warm_ups", rawWarmUps);
      r.put("raw_tcp_fresh_heap_mb_per_s", round(rawFreshMbps));
      r.put("available_processors", Runtime.getRuntime().availableProcessors());
      r.put("full_sync_wire_bytes", fullWire);
      // What streaming the whole state cost in buffers, as high-water marks of the full node's
      // transport over the run: the largest frame it wrote, and the most one connection held
      // after a write: one chunk (256 KiB) and at most the outbound limit (8 MiB) plus a frame,
      // whatever full_sync_wire_bytes is (131 MB at a million keys): the state goes in chunks,
      // never in one buffer.
      r.put("full_sync_largest_frame_bytes", a.transportMetric("frames.largest_out"));
      r.put("full_sync_peak_buffered_bytes", a.transportMetric("buffered.bytes.peak"));
      r.put("full_sync_payload_mb_per_s", round(fullMbps * payload / fullWire));
      r.put("diff_seconds", round(diffNanos / 1e9));
      r.put("keys", keys);
      r.put("diff", diff);
      r.put("diff_on_a", onA);
      r.put("value_bytes", valueBytes);
      r.put("load_seconds", round(loadSeconds));
      r.put("warm_up_transfers", warmUps);
      r.put("transport", "tcp");
      r.put("encryption", "tcp-session-" + EnumFlag.spell(a.cipher));
    } finally {
      if (b != null) {
        b.close();
      }
    }
    return r;
  }

  /**
   * Waits until {@code holdsAll} completes. A stream that lost a message (a send refused by a
   * full outbound buffer, say) resumes only at a later exchange, and the bench starts exchanges
   * only when asked: so whenever either node has dropped something since the last look, B asks
   * again, as a node's next anti-entropy round would. The time lost stays in the sync's figure,
   * and {@code full_sync_dropped} says it happened.
   */
  private static void awaitFullSync(CompletableFuture<Void> holdsAll, Peer a, Peer b,
      long droppedBefore, long timeoutNanos) throws Exception {
    long deadline = System.nanoTime() + timeoutNanos;
    // Counted before the clock started: reading a node's metrics runs a task on its engine.
    long dropped = droppedBefore;
    while (true) {
      try {
        holdsAll.get(Math.min(RESUME_CHECK_NANOS, Math.max(1, deadline - System.nanoTime())),
            TimeUnit.NANOSECONDS);
        return;
      } catch (TimeoutException e) {
        if (System.nanoTime() >= deadline) {
          throw new IllegalStateException("timed out waiting for B to hold all entries (it"
              + " applied " + b.applied() + "; dropped so far: " + dropped + ")", e);
        }
        long now = a.dropped() + b.dropped();
        if (now > dropped) {
          dropped = now;
          b.strategy.ask();
        }
      }
    }
  }

  /** How often {@link #awaitFullSync} looks for drops that stalled a stream. */
  private static final long RESUME_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** A transfer timed for its megabytes per second. */
  @FunctionalInterface
  private interface Transfer {
    double megabytesPerSecond() throws Exception;
  }

  /**
   * Runs untimed transfers, as JMH's warm-up iterations, until two in a row are steady: under 10%
   * faster than the best before them, and with the JIT compiling for under a tenth of their time
   * (one noisy transfer could fake a plateau, and code still compiling fakes a slow one); at most
   * {@code max}. Returns how many ran.
   */
  private int warmUp(PrintWriter err, String what, int max, Transfer transfer) throws Exception {
    Steadiness steadiness = new Steadiness();
    int n = 0;
    while (n < max && !steadiness.isSteady()) {
      long jit0 = ProcessCpu.jitMillis();
      long t0 = System.nanoTime();
      double rate = transfer.megabytesPerSecond();
      long nanos = System.nanoTime() - t0;
      long jit = jit0 < 0 ? -1 : ProcessCpu.jitMillis() - jit0;
      n++;
      progress(err, "warm-up %d: %s %.1f MB/s, JIT %d ms", n, what, rate, jit);
      steadiness.add(rate, jit, nanos);
    }
    return n;
  }

  /**
   * The warm-up rule, as JMH's warm-up iterations but decided by the measurements: steady after
   * two runs in a row each under 10% faster than the best before it and with the JIT compiling
   * for under {@link #JIT_QUIET_SHARE} of its time (where the JVM reports compilation time).
   */
  private static final class Steadiness {
    private double best;
    private int steadyRuns;

    /** One untimed run: {@code rate}, the JIT's milliseconds during it (-1: unknown), its time. */
    void add(double rate, long jitMillis, long nanos) {
      boolean jitQuiet = jitMillis < 0 || jitMillis * 1e6 < JIT_QUIET_SHARE * nanos;
      steadyRuns = rate < best * 1.1 && jitQuiet ? steadyRuns + 1 : 0;
      best = Math.max(best, rate);
    }

    boolean isSteady() {
      return steadyRuns >= 2;
    }
  }

  /** Plain-TCP transfers of one size, each timed, with the process's CPU per byte moved. */
  private static final class RawTcp {
    private final long bytes;
    private final Duration timeout;
    private final List<Double> rates = new ArrayList<>();
    /**
     * CPU seconds of the process per byte moved, so a full sync's CPU can be set against what
     * plain TCP spends on as many bytes (the two share the machine's cores).
     */
    private final List<Double> cpuPerByte = new ArrayList<>();

    RawTcp(long bytes, Duration timeout) {
      this.bytes = bytes;
      this.timeout = timeout;
    }

    /** Bytes per write: what a plain TCP sender would use. */
    private static final int WRITE_BYTES = 64 << 10;

    private RawTcpThroughput.Result measure() throws IOException, InterruptedException {
      return RawTcpThroughput.measure(bytes, WRITE_BYTES, timeout);
    }

    /** One transfer left out of the figures (a warm-up); its megabytes per second. */
    double untimedTransfer() throws IOException, InterruptedException {
      return measure().megabytesPerSecond();
    }

    void transfer() throws IOException, InterruptedException {
      long cpu0 = ProcessCpu.processNanos();
      RawTcpThroughput.Result r = measure();
      rates.add(r.megabytesPerSecond());
      cpuPerByte.add(cpu0 < 0 ? Double.NaN : (ProcessCpu.processNanos() - cpu0) / 1e9 / r.bytes());
    }

    int count() {
      return rates.size();
    }

    /** Each transfer's megabytes per second, rounded to 0.1, for the progress lines. */
    List<String> rates() {
      return formatted(rates);
    }

    double median() {
      return SyncBench.median(rates.stream().mapToDouble(Double::doubleValue).toArray());
    }

    double medianCpuPerByte() {
      return SyncBench.median(cpuPerByte.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  /**
   * The ceiling the sync runs under: {@link TcpTransport} alone, two fresh transports with the
   * same key moving {@code total} bytes as {@link #CHUNK_BYTES} frames (the sync's chunk size),
   * every frame sealed and opened, no codec and no engine. Megabytes (10^6 bytes) of frames per second.
   */
  private static double encryptedTcp(byte[] psk, long total, long timeoutNanos) throws Exception {
    AtomicLong got = new AtomicLong();
    TcpTransport[] t = new TcpTransport[2];
    try {
      for (int i = 0; i < 2; i++) {
        t[i] = TcpTransport.builder().bind(freeLoopbackPort())
            .handshake(HandshakeConfig.builder().clusterLabel(LABEL)
                .localNode(NodeId.of("bench-tcp-" + i)).preSharedKey(psk).clock(Clock.system())
                .maxFrameBytes(TcpTransport.DEFAULT_MAX_FRAME_BYTES).build())
            .build();
      }
      t[0].start((from, packet) -> {});
      t[1].start((from, packet) -> got.addAndGet(packet.length));
      byte[] frame = new byte[CHUNK_BYTES];
      long frames = Math.max(1, total / frame.length);
      // One frame first, so the handshake is not timed.
      t[0].send(t[1].localAddress(), frame);
      await("the first encrypted frame", () -> got.get() >= frame.length, timeoutNanos);
      long start = System.nanoTime();
      long deadline = start + timeoutNanos;
      for (long sent = 0; sent < frames; ) {
        if (t[0].send(t[1].localAddress(), frame)) {
          sent++;
        } else if (System.nanoTime() > deadline) {
          throw new IllegalStateException("encrypted TCP did not take the frames in time");
        } else {
          LockSupport.parkNanos(50_000); // the connection's buffer is full: let it drain
        }
      }
      long expected = (frames + 1) * frame.length;
      await("the encrypted frames to arrive", () -> got.get() >= expected, timeoutNanos);
      return frames * (double) frame.length * 1e3 / (System.nanoTime() - start);
    } finally {
      for (TcpTransport x : t) {
        if (x != null) {
          x.close();
        }
      }
    }
  }

  /** Rates rounded to 0.1, for the progress lines. */
  private static List<String> formatted(List<Double> rates) {
    return rates.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).toList();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static String key(int i) {
    return String.format(Locale.ROOT, "key-%08d", i);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /**
   * Three significant digits: CPU seconds of a small run (a test's thousands of keys) are
   * fractions of a millisecond, which three decimals would round to 0.
   */
  static double significant(double v) {
    if (!Double.isFinite(v) || v == 0) {
      return v;
    }
    return new BigDecimal(v).round(new MathContext(3)).doubleValue();
  }

  private static void progress(PrintWriter err, String format, Object... args) {
    err.println("gossip bench sync: " + String.format(Locale.ROOT, format, args));
    err.flush();
  }

  /** Waits until no message arrived at either node for a quiet period. */
  private static void settle(Peer a, Peer b, long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    long last = a.received() + b.received();
    long quietSince = System.nanoTime();
    while (System.nanoTime() - quietSince < QUIET_NANOS) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the nodes never went quiet");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      long now = a.received() + b.received();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      }
    }
  }

  private static void await(String what, BooleanSupplier done, long timeout) {
    long deadline = System.nanoTime() + timeout;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** A free port on 127.0.0.1, found by binding and releasing it: nodes need each other's first. */
  private static InetSocketAddress freeLoopbackPort() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket s = new ServerSocket(0, 1, loopback)) {
      return new InetSocketAddress(loopback, s.getLocalPort());
    }
  }
}
