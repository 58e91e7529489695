package io.gossipkit.benchmarks;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.PacketProtector;
import java.util.SplittableRandom;
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
 * Seal+open throughput of every AEAD packet protector beside the JDK's own AES-GCM
 * ({@code jdk-aes-128-gcm} and {@code jdk-aes-256-gcm}: SunJCE {@code AES/GCM/NoPadding}, a fresh
 * nonce per packet).
 *
 * <p>One operation is one packet of {@code size} plaintext bytes sealed by a sender and opened
 * by a receiver that accepts the sender's packets, bound to a cluster label. Every operation
 * seals a fresh packet, so sequence numbers advance and the receiver's replay check runs as in
 * production; megabytes per second are {@code size * ops/s / 10^6}. {@code gossip bench crypto}
 * measures the same operation without JMH.
 *
 * <pre>{@code
 * java -jar gossip-benchmarks/target/benchmarks.jar CryptoBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CryptoBenchmark {
  @Param({
    "aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "xchacha20-poly1305", "jdk-aes-128-gcm",
    "jdk-aes-256-gcm"
  })
  public String aead;

  @Param({"64", "512", "1400"})
  public int size;

  private PacketProtector sender;
  private PacketProtector receiver;
  private byte[] payload;

  /** A fresh sender, receiver and payload for each trial. */
  @Setup
  public void setUp() {
    Variants.Pair pair = Variants.newPair(aead);
    sender = pair.sender();
    receiver = pair.receiver();
    payload = new byte[size];
    new SplittableRandom(size).nextBytes(payload);
  }

  /** Seals one fresh packet and opens it; JMH consumes the opened plaintext. */
  @Benchmark
  public byte[] sealThenOpen() throws AuthenticationException {
    return receiver.open(
        sender.seal(payload, Variants.CLUSTER_LABEL), Variants.CLUSTER_LABEL);
  }
}
