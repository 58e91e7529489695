package io.gossipkit.transport.tcp;

import io.gossipkit.crypto.handshake.Handshake;
import io.gossipkit.crypto.handshake.HandshakeConfig;
import io.gossipkit.crypto.handshake.HandshakeException;
import io.gossipkit.crypto.handshake.SecureChannel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A hand-driven peer on a plain blocking socket, to play attacker or broken client against a real
 * {@link TcpTransport}: it writes whatever bytes a test wants, and can run a genuine handshake with
 * the library's {@link Handshake} so the test reaches the phases after authentication.
 */
final class RawPeer implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private SecureChannel channel;

  private RawPeer(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  /** Connects; a receive buffer of {@code receiveBuffer} bytes (0: the system's). */
  static RawPeer connect(InetSocketAddress to, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(to, 5_000);
    s.setSoTimeout(5_000);
    return new RawPeer(s);
  }

  static RawPeer connect(InetSocketAddress to) throws IOException {
    return connect(to, 0);
  }

  void writeBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void writeFrame(byte[] body) throws IOException {
    out.writeInt(body.length);
    out.write(body);
    out.flush();
  }

  byte[] readFrame(int max) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > max) {
      throw new IOException("frame of " + n + " bytes, expected at most " + max);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  /** Runs the initiator side of the handshake; returns the session's channel. */
  SecureChannel handshake(HandshakeConfig config) throws IOException, HandshakeException {
    Handshake hs = Handshake.initiator(config);
    writeFrame(hs.start());
    byte[] finish = hs.receive(readFrame(Handshake.MAX_MESSAGE_BYTES)).orElseThrow();
    writeFrame(finish);
    channel = hs.channel();
    return channel;
  }

  /** Handshake, then a genuine hello claiming {@code advertised}. */
  SecureChannel join(HandshakeConfig config, InetSocketAddress advertised)
      throws IOException, HandshakeException {
    handshake(config);
    writeSealed(Hello.encode(advertised));
    return channel;
  }

  void writeSealed(byte[] plaintext) throws IOException {
    writeFrame(channel.seal(plaintext));
  }

  byte[] readSealed(int max) throws Exception {
    return channel.open(readFrame((int) SecureChannel.sealedLength(max)));
  }

  /**
   * Reads (and discards) until the other side closes; true if it did within {@code millis}, false
   * if the socket was still open then.
   */
  boolean closedByPeerWithin(long millis) throws IOException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    InputStream raw = socket.getInputStream();
    byte[] sink = new byte[8192];
    while (System.nanoTime() < deadline) {
      socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
      try {
        if (raw.read(sink) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true; // reset by the peer
      }
    }
    return false;
  }

  InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
