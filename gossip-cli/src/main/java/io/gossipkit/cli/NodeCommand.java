package io.gossipkit.cli;

import io.gossipkit.api.Clock;
import io.gossipkit.api.Entry;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.GossipNode;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PacketProtector;
import io.gossipkit.core.DnsSeedProvider;
import io.gossipkit.core.GossipNodes;
import io.gossipkit.core.membership.MembershipConfig;
import io.gossipkit.crypto.Keyring;
import io.gossipkit.crypto.PacketProtectors;
import io.gossipkit.crypto.handshake.HandshakeConfig;
import io.gossipkit.transport.tcp.TcpTransport;
import io.gossipkit.transport.udp.UdpTransport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gossip node}: one real node in this process, over UDP, until it is stopped.
 *
 * <p>Prints one JSON object per line on standard output: {@code started} (id, address, protector,
 * peers), {@code change} for every key that changes (key, value as UTF-8, origin, version,
 * tombstone), and {@code stopped} with the node's counters. Other programs (and the multi-process
 * test) read these lines to see a cluster converge.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs one gossip node over UDP until stopped (Ctrl-C, --run-for-ms, or end of input with"
          + " --stop-on-eof), printing one JSON line per event.",
      "Example: gossip node --id a --bind 127.0.0.1:7001 --key-file cluster.key"
          + " --peer b@127.0.0.1:7002 --put greeting=hello",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the node ran and stopped (Ctrl-C, --run-for-ms, or end of input with --stop-on-eof)",
      "1:the node failed while running",
      "2:invalid arguments, or the node could not start: no usable key, a host that does not"
          + " resolve, or an address it cannot bind"
    })
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--id", required = true, paramLabel = "ID",
      description = "This node's id: 1 to 255 bytes of UTF-8, unique in the cluster.")
  String id;

  @Option(names = "--bind", required = true, paramLabel = "HOST:PORT",
      description = "Address to bind the UDP socket to (port 0 picks a free one).")
  String bind;

  @Option(names = "--advertise", paramLabel = "HOST:PORT",
      description = "Address other nodes send to, if not the bound one (NAT, containers).")
  String advertise;

  @Option(names = "--peer", paramLabel = "ID@HOST:PORT",
      description = "A member of the cluster; repeat for each. Without --seed the member list is"
          + " static. HOST is looked up once, at start: a name that does not resolve is refused.")
  List<String> peers = new ArrayList<>();

  @Option(names = "--seed", paramLabel = "HOST:PORT",
      description = "Turns SWIM membership on and joins through this address; repeat for several."
          + " A host name is resolved to all its addresses, again every 30 s in the background."
          + " Every node may be given the same seeds (its own address is skipped), so the first"
          + " node of a cluster may name itself. Members are then found, probed and dropped as"
          + " they come and go, and a stopped node leaves the cluster before it closes.")
  List<String> seeds = new ArrayList<>();

  @Option(names = "--tcp",
      description = "Also listen on TCP, on the same port as UDP, for messages too large for a"
          + " datagram: over 1,339 bytes, which an encrypted 1,400-byte datagram holds with a"
          + " one-letter --id (a value of about 1.3 KB; a refused --put states the exact limit),"
          + " and a large replica's range sync. Peers must run with --tcp too. Its sessions are"
          + " authenticated and sealed with AES-128-GCM under a key derived from the key file's"
          + " primary key.")
  boolean tcp;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "Keyring file written by 'gossip keygen' (owner-only permissions).")
  Path keyFile;

  @Option(names = "--key-env", paramLabel = "VARIABLE",
      description = "Read the keyring from this environment variable instead of a file.")
  String keyEnv;

  @Option(names = "--protector", paramLabel = "NAME", defaultValue = "aes-256-gcm",
      description = "aes-128-gcm, aes-256-gcm, chacha20-poly1305, xchacha20-poly1305, or plaintext"
          + " (which needs no key and must be named). Default: ${DEFAULT-VALUE}.")
  String protector;

  @Option(names = "--label", paramLabel = "LABEL", defaultValue = "",
      description = "Cluster label bound into every packet; clusters with different labels reject"
          + " each other's packets even under one key.")
  String label;

  @Option(names = "--preset", paramLabel = "lan|wan|local", defaultValue = "lan",
      description = "Timing preset. Default: ${DEFAULT-VALUE}.")
  String preset;

  @Option(names = "--put", paramLabel = "KEY=VALUE",
      description = "Write this key once the node has started; repeat for several.")
  List<String> puts = new ArrayList<>();

  @Option(names = "--run-for-ms", paramLabel = "MS", defaultValue = "0",
      description = "Stop after this long; 0 runs until interrupted. Default: ${DEFAULT-VALUE}.")
  long runForMs;

  @Option(names = "--stop-on-eof",
      description = "Stop when standard input reaches its end (for supervising processes).")
  boolean stopOnEof;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String problem = check();
    if (problem != null) {
      spec.commandLine().getErr().println("gossip node: " + problem);
      return 2;
    }
    Quiet.nodeLogs();
    PrintWriter err = spec.commandLine().getErr();
    Preset timing;
    GossipConfig config;
    InetSocketAddress bindAddress;
    InetSocketAddress advertiseAddress;
    List<Map.Entry<String, InetSocketAddress>> members = new ArrayList<>();
    Keyring keys;
    PacketProtector packetProtector;
    try {
      timing = Preset.named(preset);
      config = timing.gossip().toBuilder().clusterLabel(label).build();
      bindAddress = address(bind, "--bind");
      advertiseAddress = advertise == null ? null : address(advertise, "--advertise");
      for (String p : peers) {
        int at = p.indexOf('@');
        try {
          members.add(Map.entry(p.substring(0, at), address(p.substring(at + 1), "--peer")));
        } catch (IllegalArgumentException e) {
          // Name the whole flag value: "--peer b@nohost.invalid:1: unknown host nohost.invalid".
          throw new IllegalArgumentException(
              e.getMessage().replace("--peer " + p.substring(at + 1), "--peer " + p), e);
        }
      }
      for (String seed : seeds) {
        unresolved(seed, "--seed"); // the shape only: seed names are looked up again and again
      }
      keys = keys();
      packetProtector = protector(keys);
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      // Bad flags or an unusable key: say what is wrong, no stack trace.
      err.println("gossip node: " + e.getMessage());
      return 2;
    }
    UdpTransport.Builder tb =
        UdpTransport.builder().bind(bindAddress).maxPacketBytes(config.maxPacketBytes());
    if (advertiseAddress != null) {
      tb.advertise(advertiseAddress);
    }
    UdpTransport transport = tb.build();
    try {
      // Bound now, so a port in use is reported plainly, and a --bind port of 0 is known before
      // TCP takes the same number.
      transport.bind();
    } catch (IOException | RuntimeException e) {
      transport.close();
      err.println("gossip node: cannot bind " + bind + ": " + IoProblems.bindCause(e));
      return 2;
    }
    GossipNode built;
    try {
      GossipNodes.Builder b =
          GossipNodes.builder(config).id(id).transport(transport).protector(packetProtector);
      if (tcp) {
        b.largeMessageTransport(
            tcpTransport(keys, bindAddress, transport.boundAddress().getPort(), advertiseAddress));
      }
      for (Map.Entry<String, InetSocketAddress> m : members) {
        b.member(m.getKey(), m.getValue());
      }
      if (!seeds.isEmpty()) {
        // Host names are looked up again every 30 s, off the node's thread: a seed behind a DNS
        // name (a Kubernetes service) can move without restarting the nodes that join through it.
        DnsSeedProvider.Builder joinThrough = DnsSeedProvider.builder();
        for (String seed : seeds) {
          InetSocketAddress a = unresolved(seed, "--seed");
          joinThrough.name(a.getHostString(), a.getPort());
        }
        b.seeds(joinThrough.build()).membership(timing.membership());
      }
      built = b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      transport.close();
      err.println("gossip node: " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (GossipNode node = built) {
      node.subscribe((previous, current) -> printChange(out, current));
      try {
        node.start();
      } catch (UncheckedIOException e) {
        // UDP is bound already: what failed to start is TCP on the same port.
        err.println("gossip node: cannot bind " + (tcp ? "TCP " : "")
            + bindAddress.getHostString() + ":" + transport.boundAddress().getPort()
            + (tcp ? " (--tcp)" : "") + ": " + IoProblems.bindCause(e));
        return 2;
      }
      emit(out, "{\"event\":\"started\",\"id\":" + Json.str(id)
          + ",\"address\":" + Json.str(transport.localAddress().getHostString() + ":"
              + transport.localAddress().getPort())
          + ",\"protector\":" + Json.str(protector)
          + ",\"membership\":" + Json.str(seeds.isEmpty() ? "static" : "swim")
          + ",\"tcp\":" + tcp
          + ",\"peers\":" + peers.size() + "}");
      for (String kv : puts) {
        int eq = kv.indexOf('=');
        try {
          node.put(kv.substring(0, eq), kv.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          // A value the node cannot send (too large for a datagram without --tcp, or over
          // maxValueBytes): said plainly, and the node goes on without it.
          err.println("gossip node: --put " + kv.substring(0, eq) + ": "
              + e.getMessage() + (tcp ? "" : " (with gossip node: run every node with --tcp)"));
        }
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "gossip-node-stop"));
      if (stopOnEof) {
        Thread eof = new Thread(() -> {
          try {
            while (System.in.read() >= 0) {
              // Only the end of input matters.
            }
          } catch (IOException e) {
            // A closed input is an end of input too.
          }
          stop.countDown();
        }, "gossip-node-stdin");
        eof.setDaemon(true);
        eof.start();
      }
      if (runForMs > 0) {
        stop.await(runForMs, TimeUnit.MILLISECONDS);
      } else {
        stop.await();
      }
      long alive = node.members().stream().filter(m -> m.state() == MemberState.ALIVE).count();
      if (!seeds.isEmpty()) {
        // Told to the others before the sockets close: they mark this node LEFT at once instead
        // of suspecting it for seconds and declaring it dead.
        node.leave();
      }
      Map<String, Long> counters = new TreeMap<>(node.metrics().counters());
      StringBuilder json = new StringBuilder("{\"event\":\"stopped\",\"id\":").append(Json.str(id))
          .append(",\"keys\":").append(node.snapshot().size())
          .append(",\"members_alive\":").append(alive).append(",\"counters\":{");
      String sep = "";
      for (Map.Entry<String, Long> c : counters.entrySet()) {
        json.append(sep).append(Json.str(c.getKey())).append(':').append(c.getValue());
        sep = ",";
      }
      emit(out, json.append("}}").toString());
    }
    return 0;
  }

  private String check() {
    for (String p : peers) {
      int at = p.indexOf('@');
      if (at <= 0 || at == p.length() - 1) {
        return "--peer must look like ID@HOST:PORT, was '" + p + "'";
      }
    }
    for (String kv : puts) {
      if (kv.indexOf('=') <= 0) {
        return "--put must look like KEY=VALUE, was '" + kv + "'";
      }
    }
    boolean plaintext = "plaintext".equalsIgnoreCase(protector.trim());
    if (!plaintext && keyFile == null && keyEnv == null) {
      return "no key configured: pass --key-file FILE (make one with 'gossip keygen --out FILE')"
          + " or --key-env VARIABLE, or choose --protector plaintext explicitly";
    }
    if (keyFile != null && keyEnv != null) {
      return "--key-file and --key-env are alternatives; pass one";
    }
    if (tcp && keyFile == null && keyEnv == null) {
      return "--tcp needs --key-file or --key-env: TCP sessions are always authenticated, with a"
          + " key derived from the keyring";
    }
    if (runForMs < 0) {
      return "--run-for-ms must be >= 0, was " + runForMs;
    }
    return null;
  }

  /** A timing preset: the node's {@code GossipConfig} and, with SWIM, its membership settings. */
  private enum Preset {
    LAN, WAN, LOCAL;

    static Preset named(String name) {
      switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "lan":
          return LAN;
        case "wan":
          return WAN;
        case "local":
          return LOCAL;
        default:
          throw new IllegalArgumentException(
              "--preset must be lan, wan or local, was '" + name + "'");
      }
    }

    GossipConfig gossip() {
      return this == LAN ? GossipConfig.lan() : this == WAN ? GossipConfig.wan()
          : GossipConfig.local();
    }

    MembershipConfig membership() {
      return this == LAN ? MembershipConfig.lan() : this == WAN ? MembershipConfig.wan()
          : MembershipConfig.local();
    }
  }

  /**
   * The keyring of --key-file or --key-env, or null for neither (plaintext).
   *
   * @throws IllegalArgumentException naming the flag and the cause (not found, permission denied,
   *     is a directory, variable not set or empty) or the key file's mistake
   * @throws IOException for a key file refused for its permissions or size, saying so
   */
  private Keyring keys() throws IOException {
    if (keyFile != null) {
      String shown = "--key-file " + keyFile;
      if (Files.isDirectory(keyFile)) {
        throw new IllegalArgumentException(shown + ": is a directory, not a key file");
      }
      if (!Files.exists(keyFile)) {
        throw new IllegalArgumentException(shown + ": not found (make one with 'gossip keygen"
            + " --out " + keyFile + "')");
      }
      if (!Files.isReadable(keyFile)) {
        throw new IllegalArgumentException(shown + ": permission denied");
      }
      try {
        return Keyring.load(keyFile);
      } catch (NoSuchFileException | AccessDeniedException e) {
        throw new IllegalArgumentException(shown + ": " + IoProblems.cause(e), e);
      }
    }
    if (keyEnv == null) {
      return null;
    }
    String value = System.getenv(keyEnv);
    if (value == null) {
      throw new IllegalArgumentException("--key-env " + keyEnv + ": environment variable "
          + keyEnv + " is not set; it must hold the cluster keys, e.g. \"1 <base64 of 32 bytes>\"");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException("--key-env " + keyEnv + ": environment variable "
          + keyEnv + " is empty; it must hold the cluster keys, e.g. \"1 <base64 of 32 bytes>\"");
    }
    return Keyring.fromEnvironment(keyEnv);
  }

  private PacketProtector protector(Keyring keys) {
    if ("plaintext".equalsIgnoreCase(protector.trim())) {
      return PacketProtector.plaintext();
    }
    return PacketProtectors.byName(protector, keys, NodeId.of(id), Clock.system());
  }

  /** What the TCP handshake's pre-shared key is derived for; every node derives the same. */
  static final String TCP_PSK_PURPOSE = "gossip node tcp handshake psk";

  /**
   * The large-message transport: TCP on {@code port} of the --bind host, its handshake keyed by
   * a secret derived from the keyring's primary key (the same on every node holding the file;
   * during a key rotation, nodes whose primaries differ cannot open TCP sessions until they agree
   * again, while UDP keeps working with either key).
   */
  private TcpTransport tcpTransport(Keyring keys, InetSocketAddress udp, int port,
      InetSocketAddress advertised) {
    HandshakeConfig hs = HandshakeConfig.builder()
        .clusterLabel(label)
        .localNode(NodeId.of(id))
        .preSharedKey(keys.deriveSecret(keys.primaryId(), TCP_PSK_PURPOSE))
        .clock(Clock.system())
        .maxFrameBytes(TcpTransport.DEFAULT_MAX_FRAME_BYTES)
        .build();
    TcpTransport.Builder tb = TcpTransport.builder()
        .bind(new InetSocketAddress(udp.getAddress(), port))
        .handshake(hs);
    if (advertised != null) {
      tb.advertise(advertised);
    }
    return tb.build();
  }

  /**
   * Parses HOST:PORT, or [IPv6]:PORT, looking the host up if it is a name.
   *
   * @throws IllegalArgumentException naming {@code option}, such as {@code "--bind nohost:1:
   *     unknown host nohost"}
   */
  static InetSocketAddress address(String text, String option) {
    InetSocketAddress a = unresolved(text, option);
    InetSocketAddress resolved = new InetSocketAddress(a.getHostString(), a.getPort());
    if (resolved.isUnresolved()) {
      throw new IllegalArgumentException(
          option + " " + text + ": unknown host " + a.getHostString());
    }
    return resolved;
  }

  /** Parses HOST:PORT, or [IPv6]:PORT, without looking the host up. */
  static InetSocketAddress unresolved(String text, String option) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(option + " must look like HOST:PORT, was '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": port is not a number in '" + text + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + ": port " + port + " is out of 0..65535");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static void printChange(PrintWriter out, Entry e) {
    emit(out, "{\"event\":\"change\",\"key\":" + Json.str(e.key())
        + ",\"value\":" + (e.isTombstone() ? "null"
            : Json.str(new String(e.value(), StandardCharsets.UTF_8)))
        + ",\"origin\":" + Json.str(e.version().origin().toString())
        + ",\"version\":" + Json.str(e.version().toString())
        + ",\"tombstone\":" + e.isTombstone() + "}");
  }

  private static void emit(PrintWriter out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
