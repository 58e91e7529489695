package io.gossipkit.benchmarks;

import io.gossipkit.api.CodecException;
import io.gossipkit.api.Entry;
import io.gossipkit.api.Exchange;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.RangeEntries;
import io.gossipkit.core.codec.KryoCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec's share of a full sync, one streamed chunk at a time: encoding and decoding a {@link
 * RangeEntries} of {@code entries} entries (keys like {@code key-00000001}, {@code valueBytes}
 * values, one origin), as {@code gossip bench sync} streams them. One operation is one chunk, so
 * the time divided by {@code entries} is the codec's cost per entry on each side, the figure
 * docs/anti-entropy.md sets against the rest of a sync.
 *
 * <pre>{@code
 * java -jar gossip-benchmarks/target/benchmarks.jar ChunkCodecBenchmark
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChunkCodecBenchmark {
  /** Entries per chunk: about what a 256 KiB chunk holds at 100-byte values. */
  @Param({"1900"})
  public int entries;

  /** Bytes per value. */
  @Param({"100"})
  public int valueBytes;

  private KryoCodec codec;
  private RangeEntries chunk;
  private byte[] encoded;

  /** The chunk and its encoding, once per trial. */
  @Setup
  public void prepare() throws CodecException {
    GossipConfig config = GossipConfig.lan().toBuilder()
        .maxMessageBytes(1 << 20)
        .maxValueBytes(Math.max(1, valueBytes))
        .maxEntriesPerMessage(16_384)
        .build();
    codec = KryoCodec.of(config);
    NodeId origin = NodeId.of("writer");
    List<Entry> list = new ArrayList<>(entries);
    for (int i = 0; i < entries; i++) {
      list.add(Entry.of(String.format(Locale.ROOT, "key-%08d", i), new byte[valueBytes],
          Version.of(Version.pack(1_700_000_000_000L, 0), origin)));
    }
    chunk = new RangeEntries(Exchange.PULL, false, 0, 1, 2, false, list, List.of(), List.of());
    encoded = codec.encode(chunk);
  }

  /** Encodes the chunk, as the sending node does for every chunk it streams. */
  @Benchmark
  public byte[] encode() throws CodecException {
    return codec.encode(chunk);
  }

  /** Decodes the chunk, as the receiving node's transport thread does. */
  @Benchmark
  public GossipMessage decode() throws CodecException {
    return codec.decode(encoded, 0, encoded.length);
  }
}
