package io.gossipkit.cli;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Measures seal+open throughput of one AEAD at one packet size: the loop behind {@code gossip
 * bench crypto}.
 *
 * <p>One operation is one packet sealed by a sender and opened by a receiver that accepts the
 * sender's packets, under the same associated data (a cluster label). Every operation seals a
 * fresh packet, so sequence numbers advance and the receiver's replay check runs as it would in
 * production. Time is read with {@link System#nanoTime()}: this is a measuring tool, not protocol
 * code. JMH's {@code io.gossipkit.benchmarks.CryptoBenchmark} measures the same operation.
 *
 * <p>Each case also reports its throughput per second of the process's CPU time (all threads:
 * the loop, the garbage collector, the JIT compiler), the basis {@code openssl speed} uses by
 * default (CPU time, not elapsed time). On a machine shared with other work the wall-clock
 * figure falls with the load and the CPU figure does not, so only the latter compares with
 * OpenSSL's then.
 */
final class CryptoBench {
  /**
   * The associated data of every packet, as a node passes it: {@code "gossipkit/1/"} and a
   * realistic cluster label.
   */
  static final byte[] CLUSTER_LABEL =
      "gossipkit/1/prod-eu-west-1".getBytes(StandardCharsets.UTF_8);

  /** Operations between two reads of the clock. */
  private static final int BATCH = 16;

  /** Length of one warm-up slice; the warm-up ends on a slice no faster than the best before. */
  private static final double WARMUP_SLICE_SECONDS = 0.25;

  /** A warm-up lasts at most this many times {@code --warmup}. */
  private static final int MAX_WARMUP_FACTOR = 5;

  /** Consumes every opened packet so the JIT cannot drop the work. */
  private static volatile int sink;

  private CryptoBench() {}

  /** One measured case. */
  record Result(Aead aead, int size, long ops, double seconds, double cpuSeconds) {
    double opsPerSecond() {
      return ops / seconds;
    }

    /** Plaintext megabytes (10^6 bytes) per second, seal+open counted once. */
    double mbPerSecond() {
      return size * opsPerSecond() / 1e6;
    }

    /** Plaintext megabytes per second of the process's CPU time, seal+open counted once. */
    double mbPerCpuSecond() {
      return size * (ops / cpuSeconds) / 1e6;
    }
  }

  /** A sender and a receiver that accepts its packets. */
  record Pair(PacketProtector sender, PacketProtector receiver) {}

  /**
   * The AEADs measured, in their command-line spelling ({@code AES_128_GCM} is aes-128-gcm): every
   * protector {@code PacketProtectors.byName} makes, then the baselines.
   */
  enum Aead {
    AES_128_GCM,
    AES_256_GCM,
    CHACHA20_POLY1305,
    XCHACHA20_POLY1305,
    /** A baseline: SunJCE's AES-GCM with a 128-bit key, no header, no replay check. */
    JDK_AES_128_GCM,
    /** A baseline: SunJCE's AES-GCM ({@code AES/GCM/NoPadding}), no header, no replay check. */
    JDK_AES_256_GCM;

    /** The name the protector reports, {@code "aes-256-gcm"}. */
    String spelling() {
      return EnumFlag.spell(this);
    }

    Pair newPair() {
      if (this == JDK_AES_128_GCM || this == JDK_AES_256_GCM) {
        byte[] key = new byte[this == JDK_AES_128_GCM ? 16 : 32];
        new SecureRandom().nextBytes(key);
        return new Pair(new JdkAesGcm(key), new JdkAesGcm(key));
      }
      return Protectors.pair(spelling());
    }
  }

  /**
   * Seals and opens {@code size}-byte packets unmeasured (see {@link #warmUp}), then for {@code
   * seconds}, measured.
   *
   * @throws IllegalStateException if the receiver refuses a packet the sender sealed
   */
  static Result measure(Aead aead, int size, double warmupSeconds, double seconds) {
    Pair pair = aead.newPair();
    byte[] payload = new byte[size];
    new SplittableRandom(size).nextBytes(payload);
    warmUp(pair, payload, warmupSeconds);
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    long ops = run(pair, payload, seconds);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpu = (processCpuNanos() - cpuStart) / 1e9;
    // Process CPU time ticks in steps (10 ms on some systems): never report a zero divisor.
    return new Result(aead, size, ops, elapsed, Math.max(cpu, 1e-3));
  }

  /**
   * Runs unmeasured until the process has spent at least {@code warmupSeconds} of CPU time on it
   * and the last slice did no more operations per CPU second than 1.05 times the best slice
   * before it: until the JIT has compiled the loop and the collector has sized the heap, whose
   * threads' CPU time counts too. At most {@value #MAX_WARMUP_FACTOR} times {@code
   * warmupSeconds} of CPU time, and 30 times of elapsed time.
   *
   * <p>Why not a fixed time: the first cases of a run pay for compiling code later cases share
   * (the JDK's GCM) and for growing the heap, and on a machine shared with other work the JIT's
   * threads get little of the CPU. Measured with a fixed 1 s on this 2-core machine under load
   * 14, at 1400 bytes, in one run: aes-128-gcm, measured first, 14 MB/s; aes-256-gcm after it 43
   * MB/s; the JDK's AES-128-GCM at the end 273 MB/s; and with the JDK's AES first, it ran at 35
   * MB/s and aes-128-gcm after it at 280 MB/s.
   */
  private static void warmUp(Pair pair, byte[] payload, double warmupSeconds) {
    double cpuSpent = 0;
    double wallSpent = 0;
    double best = 0;
    while (cpuSpent < warmupSeconds * MAX_WARMUP_FACTOR && wallSpent < warmupSeconds * 30) {
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      long ops = run(pair, payload, Math.min(WARMUP_SLICE_SECONDS, warmupSeconds));
      double cpu = Math.max((processCpuNanos() - cpuStart) / 1e9, 1e-3);
      wallSpent += (System.nanoTime() - start) / 1e9;
      cpuSpent += cpu;
      double rate = ops / cpu;
      boolean improving = rate > best * 1.05;
      best = Math.max(best, rate);
      if (cpuSpent >= warmupSeconds && !improving) {
        return;
      }
    }
  }

  /** CPU time of the whole process so far, or -1 where the JVM cannot tell. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Runs whole batches until {@code seconds} have passed; returns the operations done. */
  private static long run(Pair pair, byte[] payload, double seconds) {
    long budget = (long) (seconds * 1e9);
    long start = System.nanoTime();
    long ops = 0;
    int acc = 0;
    do {
      acc += batch(pair.sender(), pair.receiver(), payload);
      ops += BATCH;
    } while (System.nanoTime() - start < budget);
    sink = acc;
    return ops;
  }

  /**
   * One batch of operations: a method of its own, called thousands of times, so the JIT compiles
   * it as a whole, as JMH's harness has its benchmark method compiled, rather than only on-stack
   * inside {@link #run}'s long loop.
   */
  private static int batch(PacketProtector sender, PacketProtector receiver, byte[] payload) {
    int acc = 0;
    try {
      for (int i = 0; i < BATCH; i++) {
        acc += receiver.open(sender.seal(payload, CLUSTER_LABEL), CLUSTER_LABEL).length;
      }
    } catch (AuthenticationException e) {
      throw new IllegalStateException(
          sender.name() + ": the receiver refused the sender's packet: " + e.getMessage(), e);
    }
    return acc;
  }

  /**
   * The results as one line: a JSON object with the run's {@code seconds} and {@code warmup} and
   * its {@code cases}, an array of {@code {aead, size, mb_per_s, ops_per_s, cpu_mb_per_s}}: one
   * object, as every other command prints.
   */
  static String toJson(List<Result> results, double seconds, double warmup) {
    String head = String.format(Locale.ROOT,
        "{\"seconds\":%s,\"warmup\":%s,\"cases\":[", seconds, warmup);
    StringBuilder b = new StringBuilder(head);
    for (Result r : results) {
      if (b.length() > head.length()) {
        b.append(',');
      }
      b.append(
          String.format(
              Locale.ROOT,
              "{\"aead\":\"%s\",\"size\":%d,\"mb_per_s\":%.2f,\"ops_per_s\":%.0f,"
                  + "\"cpu_mb_per_s\":%.2f}",
              r.aead().spelling(),
              r.size(),
              r.mbPerSecond(),
              r.opsPerSecond(),
              r.mbPerCpuSecond()));
    }
    return b.append("]}").toString();
  }

  /** The results as a table under a header, each line ending in a newline. */
  static String toTable(List<Result> results) {
    String[] header = {"aead", "size", "mb_per_s", "ops_per_s", "cpu_mb_per_s"};
    String[][] rows = new String[results.size()][];
    int[] width = new int[header.length];
    for (int c = 0; c < header.length; c++) {
      width[c] = header[c].length();
    }
    for (int i = 0; i < rows.length; i++) {
      Result r = results.get(i);
      rows[i] =
          new String[] {
            r.aead().spelling(),
            Integer.toString(r.size()),
            String.format(Locale.ROOT, "%.2f", r.mbPerSecond()),
            String.format(Locale.ROOT, "%.0f", r.opsPerSecond()),
            String.format(Locale.ROOT, "%.2f", r.mbPerCpuSecond())
          };
      for (int c = 0; c < header.length; c++) {
        width[c] = Math.max(width[c], rows[i][c].length());
      }
    }
    StringBuilder b = new StringBuilder();
    appendRow(b, header, width);
    String[] rule = new String[header.length];
    for (int c = 0; c < header.length; c++) {
      rule[c] = "-".repeat(width[c]);
    }
    appendRow(b, rule, width);
    for (String[] row : rows) {
      appendRow(b, row, width);
    }
    return b.toString();
  }

  /** The first column left-aligned, the figures right-aligned. */
  private static void appendRow(StringBuilder b, String[] cells, int[] width) {
    for (int c = 0; c < cells.length; c++) {
      String pad = " ".repeat(width[c] - cells[c].length());
      b.append(c == 0 ? cells[c] + pad : pad + cells[c]);
      b.append(c == cells.length - 1 ? System.lineSeparator() : "  ");
    }
  }

  /**
   * Sender and receiver protectors from gossip-crypto under one keyring, each a node of its own
   * with the default replay policy and the system clock, as in production.
   */
  private static final class Protectors {
    private Protectors() {}

    static Pair pair(String name) {
      Keyring keys = Keyring.generate();
      return new Pair(
          PacketProtectors.byName(name, keys, NodeId.of("bench-sender"), Clock.system()),
          PacketProtectors.byName(name, keys, NodeId.of("bench-receiver"), Clock.system()));
    }
  }
}
