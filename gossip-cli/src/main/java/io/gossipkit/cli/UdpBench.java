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
import io.gossipkit.core.internal.wire.PacketAssembler;
import io.gossipkit.core.internal.wire.TrafficClass;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 * driving the wire path of a node directly. The sender encodes {@code --burst} {@link RumorPush}
 * messages, each carrying one entry with {@code --size} value bytes, with {@link KryoCodec}, as
 * one task of a node would, and packs them for the receiver with the node's {@link
 * PacketAssembler} (one message per datagram when the burst is 1, compound packets otherwise);
 * each packet is sealed and sent; the receiver opens, unwraps and decodes every message of every
 * datagram. Three runs of {@code --seconds} each: AES-256-GCM, plaintext, and raw datagrams of
 * the encrypted packets' size, each counted as the messages an encrypted packet held (no codec,
 * no packing, no crypto). Messages are counted when RECEIVED (and decoded); loss is reported.
 *
 * <p>The sender keeps at most {@value #WINDOW} datagrams unanswered in flight, so it measures
 * what the receiver sustains rather than how fast the socket drops; only when nothing arrives for
 * 20 ms (loss) does it give up on the datagrams in flight.
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
          + " and raw datagrams of the same size without codec or crypto. Messages are made"
          + " --burst at a time and packed into datagrams as a node packs one task's messages."
          + " Counts the messages received and decoded per second, and the ones lost."
          + " Fields: docs/cli.md.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the benchmark failed", "2:invalid arguments"},
    footerHeading = "%nExamples:%n",
    footer = {"  gossip bench udp --seconds 3 --size 64 --format json",
        "  gossip bench udp --burst 16 --format json"})
final class UdpBench implements Callable<Integer> {
  static final int WINDOW = 512;
  /**
   * The largest {@code --size}, as the help states it: {@link #maxSize} of the LAN preset, which
   * a test keeps equal.
   */
  static final int MAX_SIZE = 1289;
  private static final NodeId SENDER = NodeId.of("bench-a");
  private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  @Spec CommandSpec spec;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
      description = "Duration of each of the three runs in seconds. Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(names = "--size", paramLabel = "B", defaultValue = "64",
      description = "Value bytes of the entry in each message, 0 to " + MAX_SIZE + ": the largest"
          + " whose message fits one sealed 1,400-byte datagram. Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(names = "--warmup", paramLabel = "S", defaultValue = "1",
      description = "Unmeasured seconds of each of the three paths before the measured runs, so"
          + " the JIT has compiled the cipher and codec. Default: ${DEFAULT-VALUE}.")
  double warmupSeconds;

  @Option(names = "--burst", paramLabel = "N", defaultValue = "1",
      description = "Messages the sender makes per task, packed together as a node packs them"
          + " (1: one message per datagram). Default: ${DEFAULT-VALUE}.")
  int burst;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      converter = Formats.class, completionCandidates = Formats.class,
      description = "Output, one of ${COMPLETION-CANDIDATES}. json: exactly one JSON object on one"
          + " line of stdout. Default: ${DEFAULT-VALUE}.")
  Format format;

  enum Mode { ENCRYPTED, PLAINTEXT, RAW }

  /**
   * One run, in datagrams except for the rate.
   *
   * @param packetBytes size of the largest datagram
   * @param burstBytes sizes of the datagrams one burst became, in order
   * @param burstMessages messages in each of those datagrams
   */
  record Result(long sent, long received, long failed, long refused, int packetBytes,
      int[] burstBytes, int[] burstMessages, double msgsPerSecond) {
    /** Messages per datagram, on average over one burst. */
    double messagesPerPacket() {
      return (double) java.util.Arrays.stream(burstMessages).sum() / burstMessages.length;
    }
  }

  @Override
  public Integer call() {
    Quiet.nodeLogs();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GossipConfig config = GossipConfig.lan();
    if (!(seconds > 0) || seconds > 3600) {
      err.println("gossip bench udp: --seconds must be in (0, 3600], was " + seconds);
      err.flush();
      return ExitCode.USAGE;
    }
    if (!(warmupSeconds >= 0) || warmupSeconds > 600) {
      err.println("gossip bench udp: --warmup must be in [0, 600], was " + warmupSeconds);
      err.flush();
      return ExitCode.USAGE;
    }
    if (burst < 1 || burst > 1024) {
      err.println("gossip bench udp: --burst must be in [1, 1024], was " + burst);
      err.flush();
      return ExitCode.USAGE;
    }
    int maxSize = maxSize(config);
    if (size < 0 || size > maxSize) {
      err.println("gossip bench udp: --size must be in [0, " + maxSize + "], was " + size
          + " (a larger value makes a message that does not fit one datagram of "
          + config.maxPacketBytes() + " bytes)");
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
      // Warm the JIT on every path first, so the run measured first is not the one penalized;
      // the cipher's intrinsics need the longest (on a loaded machine, seconds).
      double warmup = warmupSeconds;
      Result shape = run(Mode.ENCRYPTED, config, keys, null, warmup);
      run(Mode.PLAINTEXT, config, keys, null, warmup);
      run(Mode.RAW, config, keys, shape, warmup);
      encrypted = run(Mode.ENCRYPTED, config, keys, null, seconds);
      plaintext = run(Mode.PLAINTEXT, config, keys, null, seconds);
      raw = run(Mode.RAW, config, keys, encrypted, seconds);
    } catch (RuntimeException e) {
      err.println("gossip bench udp: " + IoProblems.messageOf(e));
      err.flush();
      return ExitCode.SOFTWARE;
    }
    String json = "{\"encrypted_msgs_per_s\":" + rate(encrypted)
        + ",\"plaintext_msgs_per_s\":" + rate(plaintext)
        + ",\"raw_msgs_per_s\":" + rate(raw)
        + ",\"size\":" + size
        + ",\"burst\":" + burst
        + ",\"seconds\":" + String.format(Locale.ROOT, "%s", seconds)
        + counts("encrypted", encrypted)
        + counts("plaintext", plaintext)
        + counts("raw", raw)
        + ",\"transport\":\"" + kind + "\""
        + "}";
    MetricTable.print(out, format, json);
    return ExitCode.OK;
  }

  private static String rate(Result r) {
    return Long.toString(Math.round(r.msgsPerSecond()));
  }

  private static String counts(String name, Result r) {
    return ",\"" + name + "_packet_bytes\":" + r.packetBytes()
        + ",\"" + name + "_msgs_per_packet\":"
        + String.format(Locale.ROOT, "%.2f", r.messagesPerPacket())
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

  /**
   * The largest {@code --size} whose message the encrypted run can send: its encoded {@link
   * #message} fits {@link PacketAssembler#maxMessageBytes()} of the assembler {@link #run} packs
   * with, the one that refuses a larger message.
   */
  static int maxSize(GossipConfig config) {
    PacketProtector sealer = PacketProtectors.aes256Gcm(Keyring.generate(), SENDER, Clock.system());
    int maxMessage = assembler(config.maxPacketBytes(), sealer, associatedData(config))
        .maxMessageBytes();
    Codec codec = new KryoCodec(config);
    // The encoded size grows with the value: the largest value that fits, by bisection.
    int lo = -1;
    int hi = config.maxValueBytes();
    while (lo < hi) {
      int mid = (int) (((long) lo + hi + 1) / 2);
      if (encodedBytes(codec, mid) <= maxMessage) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private static int encodedBytes(Codec codec, int valueBytes) {
    try {
      return codec.encode(message(valueBytes, SENDER)).length;
    } catch (CodecException e) {
      return Integer.MAX_VALUE; // beyond the codec's own limit: does not fit either
    }
  }

  /** What every packet is sealed under: the protocol prefix and the cluster label. */
  private static byte[] associatedData(GossipConfig config) {
    return ("gossipkit/1/" + config.clusterLabel()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The node's own packing for packets of at most {@code maxPayloadBytes} once sealed by {@code
   * sealer}: the budget is the datagram less what sealing adds.
   */
  private static PacketAssembler assembler(int maxPayloadBytes, PacketProtector sealer,
      byte[] ad) {
    int overhead = sealer.seal(new byte[0], ad).length;
    return new PacketAssembler(SENDER, maxPayloadBytes - overhead, 64L * maxPayloadBytes, 64,
        (reason, count, detail) -> {
          throw new IllegalStateException("the benchmark dropped messages: " + detail);
        });
  }

  private static byte[] encode(Codec codec, GossipMessage message) {
    try {
      return codec.encode(message);
    } catch (CodecException e) {
      throw new IllegalStateException("could not encode the benchmark message: " + e, e);
    }
  }

  /**
   * One run of {@code mode}.
   *
   * @param shape for {@link Mode#RAW}: the encrypted run whose datagrams raw ones copy, burst
   *     for burst: the same sizes, each counted as the messages its original held; else null
   */
  private Result run(Mode mode, GossipConfig config, Keyring keys, Result shape, double seconds) {
    NodeId a = SENDER;
    NodeId b = NodeId.of("bench-b");
    byte[] ad = associatedData(config);
    Codec codec = new KryoCodec(config);
    PacketProtector sealer = mode == Mode.ENCRYPTED
        ? PacketProtectors.aes256Gcm(keys, a, Clock.system()) : PacketProtector.plaintext();
    PacketProtector opener = mode == Mode.ENCRYPTED
        ? PacketProtectors.aes256Gcm(keys, b, Clock.system()) : PacketProtector.plaintext();
    GossipMessage message = message(size, a);
    AtomicLong received = new AtomicLong();
    AtomicLong receivedMessages = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    LoopbackTransports transports = LoopbackTransports.create(config.maxPacketBytes());
    Transport sender = transports.transport(0);
    Transport receiver = transports.transport(1);
    try {
      receiver.start(
          (from, packet) -> {
            if (mode == Mode.RAW) {
              // The sender wrote in the first two bytes how many messages this datagram stands
              // for; reading them is all the raw receiver parses.
              received.incrementAndGet();
              receivedMessages.addAndGet(((packet[0] & 0xff) << 8) | (packet[1] & 0xff));
              return;
            }
            try {
              byte[] plain = opener.open(packet, ad);
              WireEnvelope env = WireEnvelope.read(plain, codec.maxMessageBytes());
              for (int i = 0; i < env.messageCount(); i++) {
                codec.decode(plain, env.messageOffset(i), env.messageLength(i));
              }
              receivedMessages.addAndGet(env.messageCount());
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
      PacketAssembler assembler = assembler(sender.maxPayloadBytes(), sealer, ad);
      byte[][] rawPackets = shape == null ? new byte[0][] : rawPackets(shape);
      long[] out = new long[3]; // sent, refused, largest packet
      List<int[]> burstShape = new ArrayList<>(); // {bytes, messages} of the first burst
      boolean[] first = {true};
      PacketAssembler.PacketSink sink = (to, plaintext, count) -> {
        byte[] packet = sealer.seal(plaintext, ad);
        out[2] = Math.max(out[2], packet.length);
        if (first[0]) {
          burstShape.add(new int[] {packet.length, count});
        }
        send(sender, receiver, packet, out);
      };
      long forgiven = 0;
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      long now = start;
      while (now < end) {
        if (mode == Mode.RAW) {
          for (byte[] p : rawPackets) {
            send(sender, receiver, p, out);
            out[2] = Math.max(out[2], p.length);
          }
        } else {
          // One task's worth: encode each message, queue it for the peer, pack and send at the end.
          for (int i = 0; i < burst; i++) {
            byte[] encoded = encode(codec, message);
            if (assembler.offer(b, TrafficClass.of(message, encoded), encoded)) {
              assembler.flushFull(b, sink); // a full packet leaves at once, as on a node
            }
          }
          while (assembler.flush(sink)) {
            // A burst larger than one flush's worth: keep flushing, as the node's next task would.
          }
          first[0] = false;
        }
        // Bounded in-flight window; a stall (nothing arrives for 20 ms: datagrams lost) forgives
        // the gap instead of waiting. A slow receiver that still makes progress is waited for,
        // or the sender would overrun its socket buffer and measure loss instead of throughput.
        long stallStart = 0;
        long lastArrived = -1;
        while (out[0] - forgiven - received.get() - failed.get() > WINDOW) {
          now = System.nanoTime();
          long arrived = received.get() + failed.get();
          if (arrived != lastArrived) {
            lastArrived = arrived;
            stallStart = now;
          } else if (now - stallStart > STALL_NANOS || now >= end) {
            forgiven = out[0] - arrived;
            break;
          }
          LockSupport.parkNanos(10_000);
        }
        now = System.nanoTime();
      }
      long elapsed = now - start;
      long drainEnd = System.nanoTime() + DRAIN_NANOS;
      while (received.get() + failed.get() < out[0] && System.nanoTime() < drainEnd) {
        LockSupport.parkNanos(1_000_000);
      }
      // Rate over the sending period, counting what arrived during it and the tail in flight.
      double rate = receivedMessages.get() / (elapsed / 1e9);
      int[][] firstBurst = shape != null ? null : burstShape.toArray(new int[0][]);
      int[] bytes = shape != null ? shape.burstBytes()
          : Arrays.stream(firstBurst).mapToInt(x -> x[0]).toArray();
      int[] messages = shape != null ? shape.burstMessages()
          : Arrays.stream(firstBurst).mapToInt(x -> x[1]).toArray();
      return new Result(out[0], received.get(), failed.get(), out[1], (int) out[2], bytes,
          messages, rate);
    } finally {
      sender.close();
      receiver.close();
    }
  }

  /** Datagrams of the sizes one encrypted burst became, each stamped with its message count. */
  private static byte[][] rawPackets(Result shape) {
    byte[][] out = new byte[shape.burstBytes().length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new byte[Math.max(2, shape.burstBytes()[i])];
      out[i][0] = (byte) (shape.burstMessages()[i] >>> 8);
      out[i][1] = (byte) shape.burstMessages()[i];
    }
    return out;
  }

  private static void send(Transport sender, Transport receiver, byte[] packet, long[] out) {
    if (sender.send(receiver.localAddress(), packet)) {
      out[0]++;
    } else {
      out[1]++;
      LockSupport.parkNanos(10_000); // the socket's send buffer is full: back off
    }
  }
}
