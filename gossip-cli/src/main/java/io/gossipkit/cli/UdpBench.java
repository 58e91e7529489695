package io.gossipkit.cli;

import io.gossipkit.api.Clock;
import io.gossipkit.api.Codec;
import io.gossipkit.api.CodecException;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.api.Transport;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.cli.SimCommand.Format;
import io.gossipkit.cli.SimCommand.Formats;
import io.gossipkit.core.codec.KryoCodec;
import io.gossipkit.core.internal.WireEnvelope;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gossip bench udp}: protocol messages per second between two endpoints on loopback,
 * driving the wire path of a node directly. The sender encodes a {@link RumorPush} carrying one
 * entry with {@code --size} value bytes with {@link KryoCodec}, wraps it in the wire envelope,
 * seals it and sends it; the receiver opens, unwraps and decodes every datagram. Three runs of
 * {@code --seconds} each: AES-256-GCM, plaintext, and raw datagrams of the encrypted packet's size
 * (no codec, no crypto). Messages are counted when RECEIVED (and decoded); loss is reported.
 *
 * <p>The sender keeps at most {@value #WINDOW} datagrams unanswered in flight, so it measures
 * what the receiver sustains rather than how fast the socket drops.
 */
@Command(
    name = "udp",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    sortSynopsis = false,
    usageHelpAutoWidth = true,
    header = "Protocol messages per second between two endpoints on loopback.",
    description = {
      "Sends RumorPush messages with one entry of --size value bytes from one transport to"
          + " another on loopback for --seconds, three times: encrypted (AES-256-GCM), plaintext,"
          + " and raw datagrams of the same size without codec or crypto. Counts the messages"
          + " received and decoded per second, and the ones lost. Fields: docs/cli.md.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {"  gossip bench udp --seconds 3 --size 64 --format json"})
final class UdpBench implements Callable<Integer> {
  static final int WINDOW = 512;
  private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  @Spec CommandSpec spec;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
      description = "Duration of each of the three runs in seconds. Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(names = "--size", paramLabel = "B", defaultValue = "64",
      description = "Value bytes of the entry in each message. Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      converter = Formats.class, completionCandidates = Formats.class,
      description = "Output, one of ${COMPLETION-CANDIDATES}. json: exactly one JSON object on one"
          + " line of stdout. Default: ${DEFAULT-VALUE}.")
  Format format;

  enum Mode { ENCRYPTED, PLAINTEXT, RAW }

  record Result(long sent, long received, long failed, long refused, int packetBytes,
      double msgsPerSecond) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GossipConfig config = GossipConfig.lan();
    if (!(seconds > 0) || seconds > 3600) {
      err.println("gossip bench udp: --seconds must be in (0, 3600], was " + seconds);
      err.flush();
      return ExitCode.USAGE;
    }
    if (size < 0 || size > config.maxValueBytes()) {
      err.println("gossip bench udp: --size must be in [0, " + config.maxValueBytes() + "], was "
          + size);
      err.flush();
      return ExitCode.USAGE;
    }
    Result encrypted;
    Result plaintext;
    Result raw;
    String kind;
    try {
      Keyring keys = Keyring.generate();
      kind = LoopbackTransports.create(config.maxPacketBytes()).kind();
      // Warm the JIT on every path first, so the run measured first is not the one penalized.
      double warmup = Math.min(0.25, seconds / 4);
      int rawBytes = run(Mode.ENCRYPTED, config, keys, 0, warmup).packetBytes();
      run(Mode.PLAINTEXT, config, keys, 0, warmup);
      run(Mode.RAW, config, keys, rawBytes, warmup);
      encrypted = run(Mode.ENCRYPTED, config, keys, 0, seconds);
      plaintext = run(Mode.PLAINTEXT, config, keys, 0, seconds);
      raw = run(Mode.RAW, config, keys, encrypted.packetBytes(), seconds);
    } catch (RuntimeException e) {
      err.println("gossip bench udp: " + e);
      err.flush();
      return ExitCode.SOFTWARE;
    }
    String json = "{\"encrypted_msgs_per_s\":" + rate(encrypted)
        + ",\"plaintext_msgs_per_s\":" + rate(plaintext)
        + ",\"raw_msgs_per_s\":" + rate(raw)
        + ",\"size\":" + size
        + ",\"seconds\":" + String.format(Locale.ROOT, "%s", seconds)
        + counts("encrypted", encrypted)
        + counts("plaintext", plaintext)
        + counts("raw", raw)
        + ",\"transport\":\"" + kind + "\""
        + "}";
    if (format == Format.JSON) {
      out.println(json);
    } else {
      out.print(MetricTable.render(json));
    }
    out.flush();
    return ExitCode.OK;
  }

  private static String rate(Result r) {
    return Long.toString(Math.round(r.msgsPerSecond()));
  }

  private static String counts(String name, Result r) {
    return ",\"" + name + "_packet_bytes\":" + r.packetBytes()
        + ",\"" + name + "_sent\":" + r.sent()
        + ",\"" + name + "_received\":" + r.received()
        + ",\"" + name + "_lost\":" + Math.max(0, r.sent() - r.received())
        + ",\"" + name + "_refused\":" + r.refused();
  }

  /** A realistic message: a rumor push with one entry of {@code valueBytes} bytes. */
  static GossipMessage message(int valueBytes, NodeId origin) {
    byte[] value = new byte[valueBytes];
    for (int i = 0; i < valueBytes; i++) {
      value[i] = (byte) (i * 31 + 7);
    }
    Entry e = Entry.of("bench/key-0001", value, Version.of(Version.pack(1_700_000_000_000L, 0),
        origin));
    return new RumorPush(List.of(e), true, false);
  }

  private static byte[] encode(Codec codec, GossipMessage message) {
    try {
      return codec.encode(message);
    } catch (CodecException e) {
      throw new IllegalStateException("could not encode the benchmark message: " + e, e);
    }
  }

  private Result run(Mode mode, GossipConfig config, Keyring keys, int rawBytes, double seconds) {
    NodeId a = NodeId.of("bench-a");
    NodeId b = NodeId.of("bench-b");
    byte[] ad = ("gossipkit/1/" + config.clusterLabel()).getBytes(StandardCharsets.UTF_8);
    Codec codec = new KryoCodec(config);
    PacketProtector sealer = mode == Mode.ENCRYPTED
        ? PacketProtectors.aes256Gcm(keys, a, Clock.system()) : PacketProtector.plaintext();
    PacketProtector opener = mode == Mode.ENCRYPTED
        ? PacketProtectors.aes256Gcm(keys, b, Clock.system()) : PacketProtector.plaintext();
    GossipMessage message = message(size, a);
    AtomicLong received = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    LoopbackTransports transports = LoopbackTransports.create(config.maxPacketBytes());
    Transport sender = transports.transport(0);
    Transport receiver = transports.transport(1);
    try {
      receiver.start(
          (from, packet) -> {
            if (mode == Mode.RAW) {
              received.incrementAndGet();
              return;
            }
            try {
              byte[] plain = opener.open(packet, ad);
              WireEnvelope env = WireEnvelope.read(plain);
              codec.decode(plain, env.messageOffset(), plain.length - env.messageOffset());
              received.incrementAndGet();
            } catch (Exception e) {
              failed.incrementAndGet();
            }
          });
      sender.start((from, packet) -> {});
    } catch (IOException e) {
      sender.close();
      receiver.close();
      throw new UncheckedIOException(e);
    }
    try {
      byte[] rawPacket = new byte[Math.max(1, rawBytes)];
      int packetBytes = 0;
      long sent = 0;
      long refused = 0;
      long forgiven = 0;
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      long now = start;
      while (now < end) {
        byte[] packet;
        if (mode == Mode.RAW) {
          packet = rawPacket;
        } else {
          byte[] encoded = encode(codec, message);
          packet = sealer.seal(WireEnvelope.wrap(a, encoded), ad);
        }
        packetBytes = packet.length;
        if (sender.send(receiver.localAddress(), packet)) {
          sent++;
        } else {
          refused++;
          LockSupport.parkNanos(10_000); // the socket's send buffer is full: back off
        }
        // Bounded in-flight window; a stall (datagrams lost) forgives the gap instead of waiting.
        long stallStart = 0;
        while (sent - forgiven - received.get() - failed.get() > WINDOW) {
          now = System.nanoTime();
          if (stallStart == 0) {
            stallStart = now;
          } else if (now - stallStart > STALL_NANOS || now >= end) {
            forgiven = sent - received.get() - failed.get();
            break;
          }
          LockSupport.parkNanos(10_000);
        }
        now = System.nanoTime();
      }
      long elapsed = now - start;
      long got = received.get();
      long drainEnd = System.nanoTime() + DRAIN_NANOS;
      while (received.get() + failed.get() < sent && System.nanoTime() < drainEnd) {
        LockSupport.parkNanos(1_000_000);
      }
      long total = received.get();
      // Rate over the sending period, counting what arrived during it and the tail in flight.
      double rate = total / (elapsed / 1e9);
      if (got == 0 && total == 0) {
        rate = 0;
      }
      return new Result(sent, total, failed.get(), refused, packetBytes, rate);
    } finally {
      sender.close();
      receiver.close();
    }
  }
}
