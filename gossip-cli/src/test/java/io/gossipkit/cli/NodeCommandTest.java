package io.gossipkit.cli;

import static io.gossipkit.cli.CliRun.gossip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gossipkit.crypto.PacketProtectors;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gossip node}: refuses to run without a usable key unless plaintext is named, or on an
 * address it cannot bind or resolve, and says why on one line.
 */
class NodeCommandTest {
  @TempDir Path dir;

  /** A fresh key file, made by {@code gossip keygen}. */
  private Path keyFile() {
    Path key = dir.resolve("cluster.key");
    assertEquals(0, gossip("keygen", "--out", key.toString()).exitCode());
    return key;
  }

  @Test
  void withoutAKeyTheNodeRefusesToStartAndNamesTheWaysOut() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0", "--run-for-ms", "1");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("no key configured"), r.err());
    assertTrue(r.err().contains("gossip keygen"), r.err());
    assertTrue(r.err().contains("--protector plaintext"), r.err());
    assertEquals("", r.out(), "nothing started");
  }

  @Test
  void aMalformedPeerIsRefusedWithTheExpectedShape() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0", "--protector", "plaintext",
        "--peer", "b127.0.0.1:7000");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--peer must look like ID@HOST:PORT"), r.err());
  }

  @Test
  void aMissingKeyFileIsReportedAsNotFoundWithoutAStackTrace() {
    Path absent = dir.resolve("absent.key");
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0",
        "--key-file", absent.toString());
    assertEquals(2, r.exitCode());
    assertEquals("gossip node: --key-file " + absent + ": not found (make one with 'gossip keygen"
        + " --out " + absent + "')", r.err().strip());
    assertEquals("", r.out(), "nothing started");
  }

  @Test
  void aKeyFileThatIsADirectoryIsReportedAsSuchNotAsLoosePermissions() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0",
        "--key-file", dir.toString());
    assertEquals(2, r.exitCode());
    assertEquals("gossip node: --key-file " + dir + ": is a directory, not a key file",
        r.err().strip());
  }

  @Test
  void anUnreadableKeyFileIsReportedAsPermissionDenied() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path key = keyFile();
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(key), "this user (root?) may read anything");
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0",
        "--key-file", key.toString());
    assertEquals(2, r.exitCode());
    assertEquals("gossip node: --key-file " + key + ": permission denied", r.err().strip());
  }

  @Test
  void anUnsetKeyVariableIsReportedAsNotSet() {
    String variable = "GOSSIP_NODE_TEST_UNSET_" + Long.toHexString(System.nanoTime());
    assumeTrue(System.getenv(variable) == null);
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0", "--key-env", variable);
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("gossip node: --key-env " + variable + ": environment variable "
        + variable + " is not set;"), r.err());
  }

  @Test
  @Timeout(60)
  void anEmptyKeyVariableIsReportedAsEmptyNotAsUnset() throws Exception {
    // The environment of this JVM cannot be changed: a child process gets GKE set to "".
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), "io.gossipkit.cli.Main", "node", "--id", "a",
        "--bind", "127.0.0.1:0", "--key-env", "GKE");
    pb.environment().put("GKE", "");
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile())
        .start();
    assertTrue(p.waitFor(50, TimeUnit.SECONDS), "the node should refuse at once");
    assertEquals(2, p.exitValue());
    assertEquals("gossip node: --key-env GKE: environment variable GKE is empty; it must hold the"
        + " cluster keys, e.g. \"1 <base64 of 32 bytes>\"", Files.readString(err).strip());
  }

  @Test
  void aUdpPortInUseIsRefusedWithTheAddressAndTheCause() throws IOException {
    Path key = keyFile();
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      String bind = "127.0.0.1:" + taken.getLocalPort();
      CliRun.Result r = gossip("node", "--id", "a", "--bind", bind, "--key-file", key.toString(),
          "--run-for-ms", "1");
      assertEquals(2, r.exitCode());
      assertEquals("gossip node: cannot bind " + bind + ": address already in use",
          r.err().strip());
      assertEquals("", r.out(), "nothing started");
    }
  }

  @Test
  void aTcpPortInUseIsRefusedNamingTcp() throws IOException {
    Path key = keyFile();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String bind = "127.0.0.1:" + taken.getLocalPort();
      CliRun.Result r = gossip("node", "--id", "a", "--bind", bind, "--key-file", key.toString(),
          "--tcp", "--run-for-ms", "1");
      assertEquals(2, r.exitCode());
      assertEquals("gossip node: cannot bind TCP " + bind + " (--tcp): address already in use",
          r.err().strip());
    }
  }

  @Test
  void anAddressOfAnotherMachineIsRefusedAsNotOfThisMachine() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never assigned to a machine.
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "192.0.2.1:7001", "--protector",
        "plaintext", "--run-for-ms", "1");
    assertEquals(2, r.exitCode());
    assertEquals("gossip node: cannot bind 192.0.2.1:7001: not an address of this machine",
        r.err().strip());
  }

  @Test
  void anUnknownBindHostIsRefusedNamingTheFlagAndTheHost() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "nohost.invalid:1", "--protector",
        "plaintext", "--run-for-ms", "1");
    assertEquals(2, r.exitCode());
    assertEquals("gossip node: --bind nohost.invalid:1: unknown host nohost.invalid",
        r.err().strip());
  }

  @Test
  void anUnresolvablePeerIsRefusedAtStartRatherThanNeverReached() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0", "--protector",
        "plaintext", "--peer", "b@nohost.invalid:1", "--run-for-ms", "1");
    assertEquals(2, r.exitCode());
    assertEquals("gossip node: --peer b@nohost.invalid:1: unknown host nohost.invalid",
        r.err().strip());
    assertEquals("", r.out(), "nothing started");
  }

  @Test
  void helpListsEveryProtectorWithTheDefaultAndTheExitCodes() {
    String help = gossip("node", "--help").out().replaceAll("\\s+", " ");
    for (String name : PacketProtectors.NAMES) {
      assertTrue(help.contains(name), "help lacks " + name + ": " + help);
    }
    assertTrue(help.contains("Default: aes-256-gcm."), help);
    assertTrue(help.contains("Exit codes: 0 "), help);
  }

  @Test
  void theDatagramLimitTheTcpHelpStatesIsTheOneANodeEnforces() throws IOException {
    Path key = keyFile();
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0", "--key-file",
        key.toString(), "--put", "k=" + "v".repeat(2_000), "--run-for-ms", "1");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("holds at most 1339 bytes of message"), r.err());
    String help = gossip("node", "--help").out().replaceAll("\\s+", " ");
    assertTrue(help.contains("over 1,339 bytes"), help);
  }

  @Test
  void aPlaintextNodeStartsPrintsItsAddressAndStopsWithItsCounters() {
    CliRun.Result r = gossip("node", "--id", "solo", "--bind", "127.0.0.1:0", "--protector", "plaintext",
        "--put", "k=v", "--run-for-ms", "300");
    assertEquals(0, r.exitCode(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertTrue(lines[0].startsWith("{\"event\":\"started\",\"id\":\"solo\",\"address\":\"127.0.0.1:"),
        lines[0]);
    assertTrue(r.out().contains("{\"event\":\"change\",\"key\":\"k\",\"value\":\"v\""), r.out());
    assertTrue(lines[lines.length - 1].startsWith("{\"event\":\"stopped\",\"id\":\"solo\",\"keys\":1"),
        lines[lines.length - 1]);
  }

  @Test
  void tcpWithoutAKeyIsRefusedBecauseItsSessionsAreAlwaysAuthenticated() {
    CliRun.Result r = gossip("node", "--id", "a", "--bind", "127.0.0.1:0", "--protector",
        "plaintext", "--tcp", "--run-for-ms", "1");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--tcp needs --key-file or --key-env"), r.err());
  }

  @Test
  void aValueTooLargeForADatagramIsRefusedWithTheWayOutAndTheNodeGoesOn() {
    CliRun.Result r = gossip("node", "--id", "solo", "--bind", "127.0.0.1:0", "--protector",
        "plaintext", "--put", "big=" + "v".repeat(5_000), "--put", "small=v", "--run-for-ms", "300");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("gossip node: --put big: value of 5000 bytes")
        && r.err().contains("run every node with --tcp"), r.err());
    assertTrue(r.out().contains("\"key\":\"small\""), r.out());
  }
}
