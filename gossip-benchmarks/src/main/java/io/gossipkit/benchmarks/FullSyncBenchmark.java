package io.gossipkit.benchmarks;

import io.gossipkit.api.CodecException;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.RandomSource;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.core.EngineEnvironment;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.core.PeerSelectors;
import io.gossipkit.core.StaticMembership;
import io.gossipkit.core.Strategies;
import io.gossipkit.core.codec.KryoCodec;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's share of a full-state sync, without sockets, crypto or threads: an empty replica
 * pulls {@code keys} entries from a full one through the production range sync, every message
 * encoded and decoded by the production Kryo codec, both engines on the benchmark's one thread.
 *
 * <p>One operation is one whole sync, so the time per operation divided by {@code keys} is the
 * CPU both engines and the codec spend per entry, the figure that bounds {@code gossip bench
 * sync} on a machine with few cores (docs/anti-entropy.md). It is steadier than that end-to-end
 * bench: no transport, no scheduling between threads, no second process competing for a core.
 *
 * <pre>{@code
 * java -jar gossip-benchmarks/target/benchmarks.jar FullSyncBenchmark -p keys=1000000
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:+UseParallelGC", "-XX:MaxTenuringThreshold=1"})
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class FullSyncBenchmark {
  /** Entries in the full replica. */
  @Param({"100000", "1000000"})
  public int keys;

  /** Bytes per value. */
  @Param({"100"})
  public int valueBytes;

  /** Largest message, so the size of a streamed chunk (as {@code gossip bench sync} uses). */
  @Param({"262144"})
  public int chunkBytes;

  private static final NodeId FULL = NodeId.of("full");
  private static final NodeId EMPTY = NodeId.of("empty");

  private GossipConfig config;
  private KryoCodec codec;
  private final ArrayDeque<Object[]> wire = new ArrayDeque<>();
  private GossipEngine full;
  private GossipEngine empty;
  private long now = 1_700_000_000_000L;

  /** The full replica, once per trial. */
  @Setup(Level.Trial)
  public void fill() {
    config = GossipConfig.lan().toBuilder()
        .maxMessageBytes(chunkBytes)
        .maxValueBytes(Math.max(1, valueBytes))
        .maxEntriesPerMessage(16_384)
        .build();
    codec = KryoCodec.of(config);
    full = engine(FULL, 0);
    NodeId origin = NodeId.of("writer");
    for (int i = 0; i < keys; i++) {
      byte[] value = new byte[valueBytes];
      full.apply(Entry.of(String.format(Locale.ROOT, "key-%08d", i), value,
          Version.of(Version.pack(now - 1_000, 0), origin)));
    }
  }

  /** A fresh empty replica before every sync. */
  @Setup(Level.Invocation)
  public void emptyReplica() {
    wire.clear();
    empty = null;
    // The previous sync's replica is garbage: collected here, untimed, so no sync pays a full
    // collection of an earlier one (iterations otherwise swung from 0.8 to 4.6 s).
    System.gc();
    empty = engine(EMPTY, 1);
  }

  /** The empty replica pulls everything; returns how many entries it holds after. */
  @Benchmark
  public int fullSync() throws CodecException {
    empty.strategy().onRound(empty);
    for (int delivered = 0; !wire.isEmpty(); delivered++) {
      if (delivered > 10_000_000) {
        throw new IllegalStateException("more than 10,000,000 messages: a loop?");
      }
      Object[] m = wire.pollFirst();
      NodeId from = (NodeId) m[0];
      byte[] bytes = (byte[]) m[2];
      GossipMessage message = codec.decode(bytes, 0, bytes.length);
      (m[1].equals(FULL) ? full : empty).receive(from, message);
    }
    int held = empty.store().size();
    if (held != keys) {
      throw new IllegalStateException("the empty replica holds " + held + " of " + keys);
    }
    return held;
  }

  private GossipEngine engine(NodeId self, int index) {
    EngineEnvironment env = EngineEnvironment.builder()
        .config(config)
        .mergePolicy(MergePolicy.lastWriterWins())
        .clock(() -> now)
        .scheduler((delay, task) -> () -> { })
        .random(RandomSource.seeded(index + 1))
        .messageBudget(chunkBytes)
        .sink((from, to, message) -> {
          try {
            wire.addLast(new Object[] {from, to, codec.encode(message)});
          } catch (CodecException e) {
            throw new IllegalStateException(e);
          }
        })
        .build();
    StaticMembership members = new StaticMembership(new NodeId[] {FULL, EMPTY});
    return new GossipEngine(self, env,
        Strategies.antiEntropy(Exchange.PULL, PeerSelectors::random, 1).get(),
        members.viewOf(index));
  }
}
