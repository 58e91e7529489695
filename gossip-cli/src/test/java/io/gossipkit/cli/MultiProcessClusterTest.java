package io.gossipkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.crypto.AeadAlgorithm;
import io.gossipkit.crypto.KeyFiles;
import io.gossipkit.crypto.Keyring;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five nodes as five separate JVM processes ({@code gossip node}) on 127.0.0.1, encrypted under one
 * key file: a key written on one of them reaches all five.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MultiProcessClusterTest {
  private static final int NODES = 5;
  /** Generous: five JVMs start on a shared 2-core machine. */
  private static final long START_TIMEOUT_MS = 90_000;
  private static final long CONVERGE_TIMEOUT_MS = 60_000;

  /** Queued after a child's last line: its standard output ended (it exited). */
  private static final String END = new String("<end of output>");

  /** One child process and the JSON lines it printed. */
  private static final class Child {
    final String id;
    final Process process;
    final Path stderr;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> seen = new ArrayList<>();

    Child(String id, Process process, Path stderr) {
      this.id = id;
      this.process = process;
      this.stderr = stderr;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          // The process ended; what it printed is in the queue.
        } finally {
          lines.add(END);
        }
      }, "reader-" + id);
      reader.setDaemon(true);
      reader.start();
    }

    /** What a failed assertion should show: the lines seen, whether it exited, its stderr. */
    String report() {
      String err;
      try {
        err = Files.readString(stderr);
      } catch (IOException e) {
        err = "(unreadable: " + e + ")";
      }
      return seen + (process.isAlive() ? ", still running" : ", exited " + process.exitValue())
          + ", stderr:\n" + err;
    }

    /**
     * Waits for a line containing {@code needle}; null if none came in time or the process
     * exited without printing one.
     */
    String await(String needle, long timeoutMs) throws InterruptedException {
      for (String s : seen) {
        if (s.contains(needle)) {
          return s;
        }
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        String line = lines.poll(left, TimeUnit.NANOSECONDS);
        if (line == null) {
          return null;
        }
        if (line == END) {
          // Exited: nothing more will come, so no use waiting out the timeout.
          lines.add(END);
          return null;
        }
        seen.add(line);
        if (line.contains(needle)) {
          return line;
        }
      }
    }
  }

  @Test
  void aKeyWrittenOnOneOfFiveNodeProcessesReachesAllFive(@TempDir Path dir) throws Exception {
    writeOnOneAndSeeItEverywhere(dir, NODES, false, false, "hello-from-node-0");
  }

  @Test
  void aValueTooLargeForADatagramTravelsOverTcpBetweenThreeNodeProcesses(@TempDir Path dir)
      throws Exception {
    // 20,000 bytes: fifteen datagrams' worth, so it can only go over the nodes' TCP transports.
    String big = "v".repeat(20_000);
    List<Child> children = writeOnOneAndSeeItEverywhere(dir, 3, false, true, big);
    for (Child c : children) {
      String started = c.await("\"event\":\"started\"", 1);
      assertTrue(started.contains("\"tcp\":true"), started);
      String stopped = c.await("\"event\":\"stopped\"", 1);
      assertTrue(stopped.contains("\"large_transport.closed.handshake_failed\":0"), stopped);
      if (!c.id.equals("node-0")) {
        java.util.regex.Matcher in =
            java.util.regex.Pattern.compile("\"large_transport.bytes.in\":(\\d+)").matcher(stopped);
        assertTrue(in.find() && Long.parseLong(in.group(1)) > 20_000,
            c.id + " did not receive the value over TCP: " + stopped);
      }
    }
  }

  @Test
  void threeNodeProcessesJoinThroughOneSeedNamedByHostWithSwimAndShareAKey(@TempDir Path dir)
      throws Exception {
    List<Child> children = writeOnOneAndSeeItEverywhere(dir, 3, true, false, "hello-from-node-0");
    for (Child c : children) {
      String started = c.await("\"event\":\"started\"", 1);
      assertTrue(started.contains("\"membership\":\"swim\""), started);
    }
  }

  /**
   * Starts {@code n} node processes (node 0, the writer, last), waits until each printed the key
   * node 0 wrote, stops them through their standard input and checks each stopped cleanly.
   * With {@code swim} every node joins through node 1, named {@code localhost:PORT} (node 1 names
   * itself), instead of listing the others.
   */
  private List<Child> writeOnOneAndSeeItEverywhere(
      Path dir, int n, boolean swim, boolean tcp, String value) throws Exception {
    Path keyFile = dir.resolve("cluster.key");
    KeyFiles.writeNew(keyFile, 1, AeadAlgorithm.AES_256_GCM, Keyring.randomKey(), false);
    List<InetSocketAddress> addresses = freePorts(n);
    List<Child> children = new ArrayList<>();
    try {
      // The writer starts last, once every other process is listening, so that its first push
      // is not lost to a JVM still starting (the rounds would repair it, only later).
      for (int i = 1; i < n; i++) {
        children.add(start(i, addresses, keyFile, dir, null, swim, tcp));
      }
      for (Child c : children) {
        assertNotNull(c.await("\"event\":\"started\"", START_TIMEOUT_MS),
            c.id + " did not start: " + c.report());
      }
      Child writer = start(0, addresses, keyFile, dir, "greeting=" + value, swim, tcp);
      children.add(writer);
      assertNotNull(writer.await("\"event\":\"started\"", START_TIMEOUT_MS), "writer did not start: " + writer.report());

      for (Child c : children) {
        String change = c.await("\"key\":\"greeting\"", CONVERGE_TIMEOUT_MS);
        assertNotNull(change, c.id + " never saw the key; it printed " + c.seen);
        assertTrue(change.contains("\"value\":\"" + value + "\""), c.id + " printed another value");
        assertTrue(change.contains("\"origin\":\"node-0\""), change);
      }

      for (Child c : children) {
        c.process.getOutputStream().close(); // --stop-on-eof: a clean stop
      }
      for (Child c : children) {
        String stopped = c.await("\"event\":\"stopped\"", 30_000);
        assertNotNull(stopped, c.id + " did not stop cleanly: " + c.seen);
        assertFalse(stopped.contains("dropped.auth"), "no packet failed authentication: " + stopped);
        assertTrue(c.process.waitFor(30, TimeUnit.SECONDS), c.id + " did not exit");
        assertEquals(0, c.process.exitValue(), c.id + " exit code");
      }
      return children;
    } finally {
      for (Child c : children) {
        c.process.destroyForcibly();
      }
    }
  }

  private static Child start(
      int i, List<InetSocketAddress> addresses, Path keyFile, Path dir, String put, boolean swim,
      boolean tcp) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(
        java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "io.gossipkit.cli.Main", "node",
        "--id", "node-" + i,
        "--bind", "127.0.0.1:" + addresses.get(i).getPort(),
        "--key-file", keyFile.toString(),
        "--label", "multi-process-test",
        "--stop-on-eof"));
    if (swim) {
      // By name: each process resolves it (hosts file) through its DNS seed provider.
      cmd.add("--seed");
      cmd.add("localhost:" + addresses.get(1).getPort());
    } else {
      for (int j = 0; j < addresses.size(); j++) {
        if (j != i) {
          cmd.add("--peer");
          cmd.add("node-" + j + "@127.0.0.1:" + addresses.get(j).getPort());
        }
      }
    }
    if (tcp) {
      cmd.add("--tcp");
    }
    if (put != null) {
      cmd.add("--put");
      cmd.add(put);
    }
    Path stderr = dir.resolve("node-" + i + ".err");
    Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
    return new Child("node-" + i, p, stderr);
  }

  /**
   * Ports free right now on 127.0.0.1 for both UDP and TCP (a node with {@code --tcp} binds the
   * same port for both): the OS picks a UDP port and it is kept only if TCP can bind it too. A
   * node that could not bind failed the test once, after waiting out the start timeout.
   */
  private static List<InetSocketAddress> freePorts(int n) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<AutoCloseable> held = new ArrayList<>();
    List<InetSocketAddress> out = new ArrayList<>();
    try {
      for (int attempt = 0; out.size() < n && attempt < 100; attempt++) {
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
        held.add(udp);
        ServerSocket tcp = new ServerSocket();
        held.add(tcp);
        try {
          tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
        } catch (IOException taken) {
          continue;
        }
        out.add((InetSocketAddress) udp.getLocalSocketAddress());
      }
    } finally {
      for (AutoCloseable c : held) {
        try {
          c.close();
        } catch (Exception e) {
          // Closing a socket only we used: nothing to do.
        }
      }
    }
    if (out.size() < n) {
      throw new IOException("found " + out.size() + " of " + n + " ports free for UDP and TCP");
    }
    return out;
  }
}
