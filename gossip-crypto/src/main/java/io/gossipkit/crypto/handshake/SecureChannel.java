package io.gossipkit.crypto.handshake;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Seals and opens the frames of one established session, one key per direction, after a {@link
 * Handshake}. Meant for an ordered stream (TCP): frames must be opened in the order they were
 * sealed.
 *
 * <p>Frame layout ({@value #OVERHEAD_BYTES} bytes of overhead):
 *
 * <pre>
 * +----------------------+-------------------------------+-----------+
 * | counter (8, BE u64)  | AES-256-GCM ciphertext        | tag (16)  |
 * +----------------------+-------------------------------+-----------+
 * nonce = 0x00000000 || counter; associated data = the 8 counter bytes
 * </pre>
 *
 * <p>Rules: R1 a counter is used once per direction and never reset, so no (key, nonce) pair
 * repeats. R2 {@link #open} accepts only the next counter: a lower one is a replay, a higher one a
 * loss or reordering, both refused before any decryption. R3 a refused frame changes nothing, so
 * the channel stays usable and the next genuine frame opens. R4 after {@link
 * RekeyPolicy#maxFrames()} frames or {@link RekeyPolicy#maxBytes()} plaintext bytes under one key,
 * each side replaces the
 * direction's key by {@code HKDF(salt=sessionId, ikm=key, info="GossipKit channel rekey" ||
 * direction || epoch)} and wipes the old one; both sides do so after the same frame, so no rekey
 * message is needed, and a key leaked later cannot open earlier frames. R5 {@link #open} throws
 * {@link AuthenticationException} and nothing else for any input, and counts the reason.
 *
 * <p><b>Threading:</b> {@link #seal} and {@link #open} may run on different threads at once (each
 * direction has its own lock); calls in one direction are serialized.
 *
 * <pre>{@code
 * byte[] frame = channel.seal(payload);   // write with a length prefix
 * byte[] payload = peerChannel.open(frame); // throws AuthenticationException on any bad frame
 * }</pre>
 */
public final class SecureChannel {
  /** Length of the counter header. */
  public static final int HEADER_BYTES = 8;
  /** Bytes {@link #seal} adds to a plaintext: header and tag. */
  public static final int OVERHEAD_BYTES = HEADER_BYTES + Primitives.TAG_BYTES;
  /** Length of {@link #sessionId()}. */
  public static final int SESSION_ID_BYTES = 16;

  private static final byte[] REKEY_INFO =
      "GossipKit channel rekey".getBytes(StandardCharsets.US_ASCII);

  private final NodeId peer;
  private final AuthMode mode;
  private final byte[] sessionId;
  private final RekeyPolicy policy;
  private final int maxFrameBytes;
  private final Direction send;
  private final Direction receive;
  private final AtomicLongArray rejections = new AtomicLongArray(ChannelFailure.values().length);

  SecureChannel(
      NodeId peer, AuthMode mode, byte[] sessionId, boolean initiator, byte[] sendKey,
      byte[] receiveKey, RekeyPolicy policy, int maxFrameBytes) {
    this.peer = peer;
    this.mode = mode;
    this.sessionId = sessionId.clone();
    this.policy = Objects.requireNonNull(policy, "policy");
    this.maxFrameBytes = maxFrameBytes;
    // Direction names are by who sends, so both ends derive the same ratchet for one direction.
    this.send = new Direction(initiator ? "i2r" : "r2i", sendKey.clone());
    this.receive = new Direction(initiator ? "r2i" : "i2r", receiveKey.clone());
  }

  /** The authenticated peer (in PSK mode, the id it claimed as a holder of the cluster key). */
  public NodeId peer() {
    return peer;
  }

  /** How the peer was authenticated. */
  public AuthMode mode() {
    return mode;
  }

  /** A public identifier of this session, equal on both ends; for logs and correlation. */
  public byte[] sessionId() {
    return sessionId.clone();
  }

  /** The largest plaintext {@link #seal} takes and {@link #open} accepts. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** How many times the sending key has been ratcheted. */
  public long sendEpoch() {
    synchronized (send) {
      return send.epoch;
    }
  }

  /** How many times the receiving key has been ratcheted. */
  public long receiveEpoch() {
    synchronized (receive) {
      return receive.epoch;
    }
  }

  /** How many frames were refused for {@code reason}. */
  public long rejections(ChannelFailure reason) {
    return rejections.get(reason.ordinal());
  }

  /**
   * Seals {@code plaintext} as the next frame.
   *
   * @throws IllegalArgumentException if {@code plaintext} is longer than {@link #maxFrameBytes()}
   * @throws IllegalStateException if 2^63-1 frames were sent (start a new handshake)
   */
  public byte[] seal(byte[] plaintext) {
    Objects.requireNonNull(plaintext, "plaintext");
    if (plaintext.length > maxFrameBytes) {
      throw new IllegalArgumentException(
          "frame is " + plaintext.length + " bytes, limit " + maxFrameBytes);
    }
    synchronized (send) {
      long counter = send.next;
      if (counter == Long.MAX_VALUE) {
        throw new IllegalStateException("send counter exhausted; start a new handshake");
      }
      byte[] out = new byte[OVERHEAD_BYTES + plaintext.length];
      writeCounter(out, counter);
      byte[] ad = Arrays.copyOf(out, HEADER_BYTES);
      Primitives.sealInto(send.key, counter, ad, plaintext, 0, plaintext.length, out, HEADER_BYTES);
      send.advance(plaintext.length);
      return out;
    }
  }

  /**
   * Opens the next frame from the peer.
   *
   * @throws AuthenticationException if the frame is malformed, oversized, replayed, out of order
   *     or fails authentication; the channel is unchanged and the next genuine frame still opens
   */
  public byte[] open(byte[] frame) throws AuthenticationException {
    Objects.requireNonNull(frame, "frame");
    if (frame.length < OVERHEAD_BYTES) {
      throw reject(
          ChannelFailure.MALFORMED,
          "frame is " + frame.length + " bytes, shorter than the " + OVERHEAD_BYTES
              + "-byte overhead");
    }
    if (frame.length - OVERHEAD_BYTES > maxFrameBytes) {
      throw reject(
          ChannelFailure.OVERSIZED,
          "frame carries " + (frame.length - OVERHEAD_BYTES) + " bytes, limit " + maxFrameBytes);
    }
    long counter = readCounter(frame);
    synchronized (receive) {
      long expected = receive.next;
      if (counter != expected) {
        if (counter >= 0 && counter < expected) {
          throw reject(
              ChannelFailure.REPLAYED,
              "frame counter " + counter + " already used; expected " + expected);
        }
        throw reject(
            ChannelFailure.OUT_OF_ORDER,
            "frame counter " + Long.toUnsignedString(counter) + " but expected " + expected);
      }
      byte[] ad = Arrays.copyOf(frame, HEADER_BYTES);
      byte[] plain =
          Primitives.open(
              receive.key, counter, ad, frame, HEADER_BYTES, frame.length - HEADER_BYTES);
      if (plain == null) {
        throw reject(
            ChannelFailure.AUTHENTICATION_FAILED, "frame " + counter + " failed authentication");
      }
      receive.advance(plain.length);
      return plain;
    }
  }

  /** A copy of the current sending key; tests use it to show that rekeying changes keys. */
  byte[] sendKeyForTesting() {
    synchronized (send) {
      return send.key.clone();
    }
  }

  /** A copy of the current receiving key. */
  byte[] receiveKeyForTesting() {
    synchronized (receive) {
      return receive.key.clone();
    }
  }

  private AuthenticationException reject(ChannelFailure reason, String message) {
    rejections.incrementAndGet(reason.ordinal());
    return new AuthenticationException(reason + ": " + message);
  }

  private static void writeCounter(byte[] out, long counter) {
    for (int i = 0; i < HEADER_BYTES; i++) {
      out[i] = (byte) (counter >>> (8 * (HEADER_BYTES - 1 - i)));
    }
  }

  private static long readCounter(byte[] in) {
    long c = 0;
    for (int i = 0; i < HEADER_BYTES; i++) {
      c = (c << 8) | (in[i] & 0xff);
    }
    return c;
  }

  /** The key and counters of one direction; guarded by its own monitor. */
  private final class Direction {
    private final byte[] name;
    private byte[] key;
    private long next;
    private long epoch;
    private long framesInEpoch;
    private long bytesInEpoch;

    Direction(String name, byte[] key) {
      this.name = name.getBytes(StandardCharsets.US_ASCII);
      this.key = key;
    }

    /** Counts one frame of {@code plaintextBytes} and turns the ratchet when the policy says. */
    void advance(int plaintextBytes) {
      next++;
      framesInEpoch++;
      bytesInEpoch += plaintextBytes;
      if (framesInEpoch >= policy.maxFrames() || bytesInEpoch >= policy.maxBytes()) {
        byte[] info = new byte[REKEY_INFO.length + name.length + 8];
        System.arraycopy(REKEY_INFO, 0, info, 0, REKEY_INFO.length);
        System.arraycopy(name, 0, info, REKEY_INFO.length, name.length);
        long nextEpoch = epoch + 1;
        for (int i = 0; i < 8; i++) {
          info[info.length - 1 - i] = (byte) (nextEpoch >>> (8 * i));
        }
        byte[] newKey = Primitives.hkdf(sessionId, key, info, Primitives.KEY_BYTES);
        Arrays.fill(key, (byte) 0);
        key = newKey;
        epoch = nextEpoch;
        framesInEpoch = 0;
        bytesInEpoch = 0;
      }
    }
  }

  @Override
  public String toString() {
    return "SecureChannel{peer=" + peer + ", mode=" + mode + '}';
  }
}
