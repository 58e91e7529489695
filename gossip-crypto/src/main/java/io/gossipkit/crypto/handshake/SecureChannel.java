package io.gossipkit.crypto.handshake;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Seals and opens the frames of one established session, one key per direction, after a {@link
 * Handshake}. Meant for an ordered stream (TCP): frames must be opened in the order they were
 * sealed.
 *
 * <p>A frame is one or more records, each sealing at most {@value #RECORD_BYTES} plaintext bytes
 * ({@value #OVERHEAD_BYTES} bytes of overhead per record):
 *
 * <pre>
 * +-----------------------------+-------------------------------+-----------+
 * | more (1 bit) counter (63)   | AES-GCM ciphertext            | tag (16)  |
 * +-----------------------------+-------------------------------+-----------+
 * nonce = 0x00000000 || counter; associated data = the 8 header bytes
 * </pre>
 *
 * <p>AES-128-GCM or AES-256-GCM, as the handshake's {@link ChannelCipher} chose (the key length
 * tells which); a rekey keeps the length.
 *
 * <p>Every record but the last is full and has the {@code more} bit set; a frame of at most
 * {@value #RECORD_BYTES} bytes is one record with the bit clear, the layout of a single sealed
 * message. Records, as in TLS, because the JIT compiles the JDK's AES-NI/CLMUL intrinsics only
 * after some hundreds of cipher calls: sealing 1 MiB frames in one call each ran at under 100 MB/s
 * for the first several hundred MiB, 16 KiB records at several GB/s after the first few MiB. The
 * {@code more} bit is authenticated, so a changed length prefix cannot join, split or truncate
 * frames: a frame whose records do not end exactly at its end is refused.
 *
 * <p>Rules: R1 a counter is used once per direction and never reset, so no (key, nonce) pair
 * repeats. R2 {@link #open} accepts only the next counter: a lower one is a replay, a higher one a
 * loss or reordering, both refused before any decryption. R3 a refused frame changes nothing, so
 * the channel stays usable and the next genuine frame opens. R4 after {@link
 * RekeyPolicy#maxFrames()} records or {@link RekeyPolicy#maxBytes()} plaintext bytes under one key,
 * each side replaces the
 * direction's key by {@code HKDF(salt=sessionId, ikm=key, info="GossipKit channel rekey" ||
 * direction || epoch)} and wipes the old one; both sides do so after the same record, so no rekey
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
  /** Most plaintext bytes one record seals. */
  public static final int RECORD_BYTES = 16 * 1024;
  /** Length of {@link #sessionId()}. */
  public static final int SESSION_ID_BYTES = 16;

  /** The header bit that says another record of the same frame follows. */
  private static final long MORE = Long.MIN_VALUE;

  private static final byte[] REKEY_INFO =
      "GossipKit channel rekey".getBytes(StandardCharsets.US_ASCII);

  private final NodeId peer;
  private final AuthMode mode;
  private final byte[] sessionId;
  private final RekeyPolicy policy;
  private final int maxFrameBytes;
  private final Direction send;
  private final Direction receive;

  /** Length of the sending key: 16 for AES-128-GCM, 32 for AES-256-GCM. For tests. */
  int keyBytes() {
    synchronized (send) {
      return send.key.length;
    }
  }
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
    byte[] out = new byte[(int) sealedLength(plaintext.length)];
    seal(plaintext, out);
    return out;
  }

  /**
   * Seals {@code plaintext} as the next frame into the front of {@code out}, which may be a reused
   * buffer, and returns the frame's length ({@link #sealedLength}).
   *
   * @throws IllegalArgumentException if {@code plaintext} is longer than {@link #maxFrameBytes()}
   *     or {@code out} is shorter than the frame
   * @throws IllegalStateException if 2^63-1 frames were sent (start a new handshake)
   */
  public int seal(byte[] plaintext, byte[] out) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(out, "out");
    if (plaintext.length > maxFrameBytes) {
      throw new IllegalArgumentException(
          "frame is " + plaintext.length + " bytes, limit " + maxFrameBytes);
    }
    int length = (int) sealedLength(plaintext.length);
    if (out.length < length) {
      throw new IllegalArgumentException(
          "out holds " + out.length + " bytes, the frame needs " + length);
    }
    int records = records(plaintext.length);
    synchronized (send) {
      if (send.next > Long.MAX_VALUE - 1 - records) {
        throw new IllegalStateException("send counter exhausted; start a new handshake");
      }
      byte[] ad = new byte[HEADER_BYTES];
      int in = 0;
      int at = 0;
      for (int r = 0; r < records; r++) {
        int n = Math.min(RECORD_BYTES, plaintext.length - in);
        long counter = send.next;
        writeHeader(ad, r < records - 1 ? counter | MORE : counter);
        System.arraycopy(ad, 0, out, at, HEADER_BYTES);
        Primitives.sealInto(send.key, counter, ad, plaintext, in, n, out, at + HEADER_BYTES);
        send.advance(n, null);
        in += n;
        at += n + OVERHEAD_BYTES;
      }
      return length;
    }
  }

  /** Records a plaintext of {@code length} bytes is sealed as. */
  private static int records(int length) {
    return Math.max(1, (length + RECORD_BYTES - 1) / RECORD_BYTES);
  }

  /**
   * Length of the frame {@link #seal} makes of a plaintext of {@code plaintextLength} bytes: what
   * a reader's length limit must allow.
   */
  public static long sealedLength(int plaintextLength) {
    if (plaintextLength < 0) {
      throw new IllegalArgumentException("plaintextLength must be >= 0, was " + plaintextLength);
    }
    return plaintextLength + (long) records(plaintextLength) * OVERHEAD_BYTES;
  }

  /**
   * Opens the next frame from the peer.
   *
   * @throws AuthenticationException if the frame is malformed, oversized, replayed, out of order
   *     or fails authentication; the channel is unchanged and the next genuine frame still opens
   */
  public byte[] open(byte[] frame) throws AuthenticationException {
    Objects.requireNonNull(frame, "frame");
    return open(frame, frame.length);
  }

  /**
   * Opens the next frame from the peer: the first {@code length} bytes of {@code frame}, which
   * may be a reused buffer (it is only read, and nothing refers to it afterwards).
   *
   * @throws AuthenticationException as {@link #open(byte[])}
   */
  public byte[] open(byte[] frame, int length) throws AuthenticationException {
    Objects.requireNonNull(frame, "frame");
    Objects.checkFromIndexSize(0, length, frame.length);
    if (length < OVERHEAD_BYTES) {
      throw reject(
          ChannelFailure.MALFORMED,
          "frame is " + length + " bytes, shorter than the " + OVERHEAD_BYTES
              + "-byte overhead");
    }
    if (length > sealedLength(maxFrameBytes)) {
      throw reject(
          ChannelFailure.OVERSIZED,
          "frame is " + length + " bytes, more than the " + sealedLength(maxFrameBytes)
              + " a " + maxFrameBytes + "-byte limit seals to");
    }
    int full = RECORD_BYTES + OVERHEAD_BYTES;
    int records = (length + full - 1) / full;
    int last = length - (records - 1) * full;
    if (last < OVERHEAD_BYTES || (records > 1 && last == OVERHEAD_BYTES)) {
      // seal never makes an empty last record after full ones, nor a record shorter than its
      // overhead: the length prefix was changed or the sender is broken.
      throw reject(
          ChannelFailure.MALFORMED,
          "frame of " + length + " bytes does not split into " + RECORD_BYTES
              + "-byte records");
    }
    synchronized (receive) {
      // Nothing changes unless every record opens (R3): the ratchet may turn mid-frame, so the
      // old keys are wiped only once the whole frame is in.
      long next0 = receive.next;
      long epoch0 = receive.epoch;
      long frames0 = receive.framesInEpoch;
      long bytes0 = receive.bytesInEpoch;
      byte[] key0 = receive.key;
      List<byte[]> retired = new ArrayList<>(0);
      byte[] plain = new byte[length - records * OVERHEAD_BYTES];
      byte[] ad = new byte[HEADER_BYTES];
      int at = 0;
      int out = 0;
      try {
        for (int r = 0; r < records; r++) {
          int n = (r < records - 1 ? full : last) - OVERHEAD_BYTES;
          System.arraycopy(frame, at, ad, 0, HEADER_BYTES);
          long header = readHeader(ad);
          long counter = header & ~MORE;
          long expected = receive.next;
          if (counter != expected) {
            if (counter < expected) {
              throw reject(
                  ChannelFailure.REPLAYED,
                  "frame counter " + counter + " already used; expected " + expected);
            }
            throw reject(
                ChannelFailure.OUT_OF_ORDER,
                "frame counter " + counter + " but expected " + expected);
          }
          if (!Primitives.openInto(
              receive.key, counter, ad, frame, at + HEADER_BYTES, n + Primitives.TAG_BYTES,
              plain, out)) {
            throw reject(
                ChannelFailure.AUTHENTICATION_FAILED,
                "frame " + counter + " failed authentication");
          }
          if ((header < 0) != (r < records - 1)) {
            throw reject(
                ChannelFailure.MALFORMED,
                "record " + counter + (header < 0 ? " says more follow" : " says it is the last")
                    + " but is record " + (r + 1) + " of the frame's " + records);
          }
          receive.advance(n, retired);
          at += full;
          out += n;
        }
      } catch (AuthenticationException refused) {
        for (byte[] k : retired) {
          if (k != key0) {
            Arrays.fill(k, (byte) 0);
          }
        }
        if (receive.key != key0) {
          Arrays.fill(receive.key, (byte) 0);
        }
        receive.key = key0;
        receive.next = next0;
        receive.epoch = epoch0;
        receive.framesInEpoch = frames0;
        receive.bytesInEpoch = bytes0;
        Arrays.fill(plain, (byte) 0);
        throw refused;
      }
      for (byte[] k : retired) {
        Arrays.fill(k, (byte) 0);
      }
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

  private static void writeHeader(byte[] out, long header) {
    for (int i = 0; i < HEADER_BYTES; i++) {
      out[i] = (byte) (header >>> (8 * (HEADER_BYTES - 1 - i)));
    }
  }

  private static long readHeader(byte[] in) {
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

    /**
     * Counts one record of {@code plaintextBytes} and turns the ratchet when the policy says; the
     * old key is wiped at once, or added to {@code retired} when given, to be wiped by the caller.
     */
    void advance(int plaintextBytes, List<byte[]> retired) {
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
        byte[] newKey = Primitives.hkdf(sessionId, key, info, key.length);
        if (retired == null) {
          Arrays.fill(key, (byte) 0);
        } else {
          retired.add(key);
        }
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
