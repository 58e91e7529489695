package io.gossipkit.crypto.internal;

import io.gossipkit.api.AuthenticationException;
import io.gossipkit.api.Clock;
import io.gossipkit.api.NodeId;
import io.gossipkit.crypto.AeadAlgorithm;
import io.gossipkit.crypto.AeadPacketProtector;
import io.gossipkit.crypto.OpenedPacket;
import io.gossipkit.crypto.ProtectorMetrics;
import io.gossipkit.crypto.ProtectorMetrics.Rejection;
import io.gossipkit.crypto.ReplayPolicy;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Internal: may change at any time. The AEAD packet protector behind {@link
 * io.gossipkit.crypto.PacketProtectors}; the wire layout and nonce scheme are documented in
 * {@code docs/security.md} and summed up here.
 *
 * <pre>
 *  0       1       2               6                              22              30
 * +-------+-------+---------------+------------------------------+---------------+
 * |version| alg   | key id        | session id                   | counter       |  header,
 * | 0x01  | 1..4  | u32 BE        | 16 random bytes              | u64 BE        |  in the clear
 * +-------+-------+---------------+------------------------------+---------------+
 * | id len| sender id (UTF-8) | sent at (ms, i64 BE) | payload   | tag (16)      |  sealed
 * +-------+-------------------+----------------------+-----------+---------------+
 * AEAD key   = HKDF-SHA256(ikm = keyring key, salt = session id,
 *                          info = "gossipkit packet v1 " + algorithm name),
 *              16 bytes for AES-128-GCM, else 32
 *              (XChaCha20: then HChaCha20(that key, session id), once per session)
 * AEAD nonce = 0x00000000 || counter (12 bytes); for XChaCha20 the 24-byte nonce is
 *              session id || counter, whose first 16 bytes went into the subkey
 * AEAD AD    = header || caller's associated data
 * </pre>
 *
 * <p>Each instance seals under sessions of its own: a random 128-bit id, a key derived for it
 * and a counter from 0. A (key, nonce) pair can repeat only if two sessions draw the same id.
 * A new session starts when the primary key changes and after 2^32 packets.
 *
 * <p>The ciphers are the JDK's ({@link JdkAead}, one per thread), so seal and open cost what the
 * JDK's AEAD costs plus a header, a session lookup and one copy of the payload out of the opened
 * packet; {@code docs/benchmarks.md} measures the difference.
 */
public final class AeadProtector implements AeadPacketProtector {
  /** The only header format written and read. */
  public static final int VERSION = 1;
  /** Bytes of the clear header. */
  public static final int HEADER_BYTES = 30;
  /** Bytes of the tag. */
  public static final int TAG_BYTES = 16;
  /** Overhead besides the sender id: header, tag, id length byte, timestamp. */
  public static final int FIXED_OVERHEAD_BYTES = HEADER_BYTES + TAG_BYTES + 1 + 8;
  /** Packets sealed per session before a new one starts; also the largest counter accepted. */
  public static final long SESSION_PACKETS = 1L << 32;

  private static final int SESSION_ID_BYTES = 16;
  private static final int OWN_SESSIONS_REMEMBERED = 8;
  private static final int MIN_PACKET_BYTES = FIXED_OVERHEAD_BYTES + 1;

  private final AeadAlgorithm algorithm;
  private final Supplier<KeySet> keys;
  private final NodeId self;
  private final byte[] selfBytes;
  private final Clock clock;
  private final ReplayPolicy policy;
  private final long maxAgeMillis;
  private final long maxFutureMillis;
  private final byte[] hkdfInfo;
  private final SecureRandom random = new SecureRandom();
  private final SessionTable sessions;
  private final Counters counters;
  private final ThreadLocal<JdkAead> ciphers;
  private final Object sendLock = new Object();
  private final long sessionPackets;
  private volatile SendSession sending;
  private volatile SessionKey[] ownSessions = new SessionKey[0];

  /**
   * A protector sealing as {@code self} with the primary of {@code keys.get()}, reading time from
   * {@code clock} and enforcing {@code policy}.
   */
  public AeadProtector(AeadAlgorithm algorithm, Supplier<KeySet> keys, NodeId self, Clock clock,
      ReplayPolicy policy) {
    this(algorithm, keys, self, clock, policy, SESSION_PACKETS);
  }

  /** As above, starting a new session every {@code sessionPackets} packets: for tests. */
  AeadProtector(AeadAlgorithm algorithm, Supplier<KeySet> keys, NodeId self, Clock clock,
      ReplayPolicy policy, long sessionPackets) {
    if (sessionPackets < 1 || sessionPackets > SESSION_PACKETS) {
      throw new IllegalArgumentException("sessionPackets must be from 1 to 2^32");
    }
    this.sessionPackets = sessionPackets;
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.self = Objects.requireNonNull(self, "self");
    this.selfBytes = self.value().getBytes(StandardCharsets.UTF_8);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.maxAgeMillis = saturatedMillis(policy.maxAge());
    this.maxFutureMillis = saturatedMillis(policy.maxFutureSkew());
    this.hkdfInfo = ("gossipkit packet v1 " + algorithm.wireName()).getBytes(StandardCharsets.UTF_8);
    this.sessions = new SessionTable(policy.maxSessions(), policy.windowPackets());
    this.counters = new Counters(sessions::evicted);
    this.ciphers = ThreadLocal.withInitial(() -> new JdkAead(algorithm));
  }

  private static long saturatedMillis(java.time.Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  @Override
  public String name() {
    return algorithm.wireName();
  }

  @Override
  public AeadAlgorithm algorithm() {
    return algorithm;
  }

  @Override
  public ProtectorMetrics metrics() {
    return counters;
  }

  @Override
  public ReplayPolicy policy() {
    return policy;
  }

  @Override
  public int overheadBytes() {
    return FIXED_OVERHEAD_BYTES + NodeId.MAX_UTF8_BYTES;
  }

  // ------------------------------------------------------------------ seal

  /**
   * Seals {@code plaintext} under the primary key.
   *
   * @throws IllegalArgumentException if the packet would exceed the policy's {@code
   *     maxPacketBytes}, which a receiver with the same policy would refuse
   */
  @Override
  public byte[] seal(byte[] plaintext, byte[] associatedData) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(associatedData, "associatedData");
    int innerBytes = 1 + selfBytes.length + 8;
    long total = (long) HEADER_BYTES + innerBytes + plaintext.length + TAG_BYTES;
    if (total > policy.maxPacketBytes()) {
      throw new IllegalArgumentException("a plaintext of " + plaintext.length + " bytes seals to "
          + total + " bytes, more than maxPacketBytes " + policy.maxPacketBytes()
          + ", which receivers refuse");
    }
    SendSession s;
    long counter;
    do {
      s = sendSession();
      counter = s.counter.getAndIncrement();
    } while (counter >= sessionPackets);

    byte[] out = new byte[(int) total];
    out[0] = VERSION;
    out[1] = (byte) algorithm.id();
    putInt(out, 2, s.keyId);
    System.arraycopy(s.sessionId, 0, out, 6, SESSION_ID_BYTES);
    putLong(out, 22, counter);

    // The sealed part is assembled in place and encrypted in one call: one pass, no buffering.
    out[HEADER_BYTES] = (byte) selfBytes.length;
    System.arraycopy(selfBytes, 0, out, HEADER_BYTES + 1, selfBytes.length);
    putLong(out, HEADER_BYTES + 1 + selfBytes.length, clock.millis());
    System.arraycopy(plaintext, 0, out, HEADER_BYTES + innerBytes, plaintext.length);

    try {
      ciphers.get().sealInPlace(s.cipherKey, counter, out, HEADER_BYTES,
          innerBytes + plaintext.length, associatedData);
    } catch (GeneralSecurityException | RuntimeException e) {
      // Sizes are computed above, so this is a bug, not bad input.
      throw new IllegalStateException(algorithm + " failed to seal: " + e, e);
    }
    counters.sealed1();
    return out;
  }

  private SendSession sendSession() {
    KeySet ks = keys.get();
    SendSession s = sending;
    if (s != null && s.source == ks.primary() && s.counter.get() < sessionPackets) {
      return s;
    }
    synchronized (sendLock) {
      while (true) {
        ks = keys.get();
        s = sending;
        if (s != null && s.source == ks.primary() && s.counter.get() < sessionPackets) {
          return s;
        }
        byte[] sessionId = new byte[SESSION_ID_BYTES];
        random.nextBytes(sessionId);
        SecretKey key = deriveCipherKey(ks.primary(), sessionId, 0);
        if (key == null) {
          continue; // the primary was replaced and zeroed meanwhile: read the keys again
        }
        s = new SendSession(ks.primary(), sessionId, key);
        rememberOwn(new SessionKey(s.keyId, getLong(sessionId, 0), getLong(sessionId, 8)));
        sending = s;
        return s;
      }
    }
  }

  private void rememberOwn(SessionKey k) {
    SessionKey[] old = ownSessions;
    int keep = Math.min(old.length, OWN_SESSIONS_REMEMBERED - 1);
    SessionKey[] now = new SessionKey[keep + 1];
    now[0] = k;
    System.arraycopy(old, 0, now, 1, keep);
    ownSessions = now;
  }

  private boolean isOwn(SessionKey k) {
    for (SessionKey own : ownSessions) {
      if (own.equals(k)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The cipher key for {@code source} and the session id at {@code sessionId[off..off+16]}, or
   * {@code null} if the key was zeroed.
   */
  private SecretKey deriveCipherKey(KeyEntry source, byte[] sessionId, int off) {
    byte[] ikm = source.copyKey();
    if (ikm == null) {
      return null;
    }
    byte[] salt = Arrays.copyOfRange(sessionId, off, off + SESSION_ID_BYTES);
    byte[] derived = new byte[algorithm.cipherKeyBytes()];
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(SHA256Digest.newInstance());
      hkdf.init(new HKDFParameters(ikm, salt, hkdfInfo));
      hkdf.generateBytes(derived, 0, derived.length);
      if (algorithm == AeadAlgorithm.XCHACHA20_POLY1305) {
        // The first 16 nonce bytes are the session id, constant for the session: the HChaCha20
        // subkey is computed once here instead of once per packet.
        byte[] sub = HChaCha20.subkey(derived, salt, 0);
        Arrays.fill(derived, (byte) 0);
        derived = sub;
      }
      return JdkAead.key(algorithm, derived); // a copy: the bytes here are zeroed below
    } finally {
      Arrays.fill(ikm, (byte) 0);
      Arrays.fill(derived, (byte) 0);
    }
  }

  // ------------------------------------------------------------------ open

  @Override
  public byte[] open(byte[] packet, byte[] associatedData) throws AuthenticationException {
    return openPacket(packet, associatedData).payload();
  }

  @Override
  public OpenedPacket openPacket(byte[] packet, byte[] associatedData)
      throws AuthenticationException {
    try {
      return openChecked(packet, associatedData);
    } catch (AuthenticationException e) {
      throw e;
    } catch (RuntimeException e) {
      // Defence in depth: every input is checked above, so this is a bug; still, network input
      // must never throw anything else into the node.
      throw reject(Rejection.MALFORMED, "could not open packet: " + e.getClass().getSimpleName());
    }
  }

  private OpenedPacket openChecked(byte[] packet, byte[] ad) throws AuthenticationException {
    if (packet == null) {
      throw reject(Rejection.MALFORMED, "no packet (null)");
    }
    if (ad == null) {
      throw reject(Rejection.MALFORMED, "no associated data (null)");
    }
    int len = packet.length;
    if (len > policy.maxPacketBytes()) {
      throw reject(Rejection.MALFORMED, "oversized: " + len + " bytes, more than maxPacketBytes "
          + policy.maxPacketBytes());
    }
    if (len > 0 && packet[0] != VERSION) {
      throw reject(Rejection.MALFORMED, "unsupported format version " + (packet[0] & 0xff));
    }
    if (len < MIN_PACKET_BYTES) {
      throw reject(Rejection.MALFORMED, "truncated: " + len + " bytes");
    }
    int algId = packet[1] & 0xff;
    if (algId != algorithm.id()) {
      AeadAlgorithm other = AeadAlgorithm.byId(algId);
      throw reject(Rejection.MALFORMED, other == null ? "unknown algorithm id " + algId
          : "packet sealed with " + other + ", this protector opens " + algorithm);
    }
    int keyId = getInt(packet, 2);
    KeyEntry source = keyId < 0 ? null : keys.get().get(keyId);
    if (source == null) {
      throw reject(Rejection.UNKNOWN_KEY, "unknown key id " + Integer.toUnsignedString(keyId));
    }
    SessionKey sk = new SessionKey(keyId, getLong(packet, 6), getLong(packet, 14));
    long counter = getLong(packet, 22);
    if (counter < 0 || counter >= SESSION_PACKETS) {
      // No honest sender gets here: it starts a new session first.
      throw reject(Rejection.MALFORMED, "counter out of range: " + Long.toUnsignedString(counter));
    }

    SecretKey key;
    SessionTable.Session known = sessions.find(sk, source);
    if (known != null) {
      // Refuse replays before paying for decryption; the window is updated only after it.
      ReplayWindow.Verdict v = sessions.check(known, counter);
      if (v != ReplayWindow.Verdict.ACCEPTED) {
        throw replay(v == ReplayWindow.Verdict.DUPLICATE, sk, counter);
      }
      key = known.cipherKey();
    } else {
      key = deriveCipherKey(source, packet, 6);
      if (key == null) {
        throw reject(Rejection.UNKNOWN_KEY, "unknown key id " + keyId + " (just removed)");
      }
    }

    // The plaintext lands in this thread's scratch buffer, valid until its next packet.
    byte[] inner;
    try {
      inner = ciphers.get().open(key, counter, packet, HEADER_BYTES, ad);
    } catch (AEADBadTagException e) {
      throw reject(Rejection.AUTH, "authentication failed");
    } catch (GeneralSecurityException | RuntimeException e) {
      throw reject(Rejection.AUTH, "authentication failed (" + e.getClass().getSimpleName() + ")");
    }
    int innerLen = len - HEADER_BYTES - TAG_BYTES;

    // Authentic from here on: a key holder wrote it. Still check every length.
    int idLen = inner[0] & 0xff;
    if (idLen == 0 || 1 + idLen + 8 > innerLen) {
      throw reject(Rejection.MALFORMED, "malformed sealed part: sender id of " + idLen
          + " bytes in " + innerLen);
    }
    // A session's packets nearly always carry one sender id: compare bytes, decode once.
    SessionTable.Sender sender = known == null ? null : known.sender(inner, 1, idLen);
    if (sender == null) {
      sender = decodeSender(inner, idLen);
    }
    long sentAt = getLong(inner, 1 + idLen);
    long now = clock.millis();
    if (sentAt < saturatedAdd(now, -maxAgeMillis)) {
      throw reject(Rejection.STALE, "packet too old: sealed at " + sentAt + " by " + sender
          + ", now " + now + ", maxAge " + maxAgeMillis + " ms");
    }
    if (sentAt > saturatedAdd(now, maxFutureMillis)) {
      throw reject(Rejection.STALE, "packet from the future: sealed at " + sentAt + " by "
          + sender + ", now " + now + ", maxFutureSkew " + maxFutureMillis + " ms");
    }
    if (isOwn(sk) || sender.id().equals(self)) {
      // The session check alone forgets: a packet this node sealed before a restart, or more
      // than a few primary-key changes ago, names a session it no longer knows. No honest peer
      // seals under this node's id, so the id settles it.
      throw reject(Rejection.REPLAY, "reflected packet: sealed by this protector or under"
          + " this node's id");
    }
    switch (sessions.accept(sk, source, key, sender, counter, sentAt)) {
      case DUPLICATE:
        throw replay(true, sk, counter);
      case TOO_OLD:
        throw replay(false, sk, counter);
      case BEFORE_HORIZON:
        throw reject(Rejection.STALE, "packet too old: sealed at " + sentAt + " by " + sender
            + ", before a forgotten replay window's newest packet (raise maxSessions if this "
            + "recurs)");
      default:
        break;
    }
    counters.opened1();
    return new OpenedPacket(sender.id(), sentAt,
        Arrays.copyOfRange(inner, 1 + idLen + 8, innerLen));
  }

  /** The sender id at {@code inner[1, 1 + idLen)}, which must be UTF-8 and a valid node id. */
  private SessionTable.Sender decodeSender(byte[] inner, int idLen)
      throws AuthenticationException {
    try {
      String id = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(inner, 1, idLen)).toString();
      return new SessionTable.Sender(NodeId.of(id), Arrays.copyOfRange(inner, 1, 1 + idLen));
    } catch (CharacterCodingException | IllegalArgumentException e) {
      throw reject(Rejection.MALFORMED, "malformed sealed part: sender id is not valid UTF-8");
    }
  }

  private AuthenticationException replay(boolean duplicate, SessionKey sk, long counter) {
    if (duplicate) {
      return reject(Rejection.REPLAY, "replayed packet: counter " + counter + " of session "
          + sk.shortId() + " already opened");
    }
    return reject(Rejection.REPLAY, "replayed packet: counter " + counter + " of session "
        + sk.shortId() + " is behind the replay window (newest " + sessions.highest(sk)
        + ", window " + policy.windowPackets() + ")");
  }

  private AuthenticationException reject(Rejection reason, String message) {
    counters.rejected1(reason);
    return new AuthenticationException(message);
  }

  /** Algorithm, node and counters; never keys. */
  @Override
  public String toString() {
    return "AeadPacketProtector[" + algorithm + ", self=" + self + ", " + counters + "]";
  }

  // ------------------------------------------------------------------ helpers

  /** One sending session: its key, id and next counter. */
  private static final class SendSession {
    final KeyEntry source;
    final int keyId;
    final byte[] sessionId;
    final SecretKey cipherKey;
    final AtomicLong counter = new AtomicLong();

    SendSession(KeyEntry source, byte[] sessionId, SecretKey cipherKey) {
      this.source = source;
      this.keyId = source.id();
      this.sessionId = sessionId;
      this.cipherKey = cipherKey;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    // Overflow only if both have the same sign and the result's sign differs.
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  static void putInt(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }

  static int getInt(byte[] b, int i) {
    return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
  }

  static void putLong(byte[] b, int i, long v) {
    putInt(b, i, (int) (v >>> 32));
    putInt(b, i + 4, (int) v);
  }

  static long getLong(byte[] b, int i) {
    return (long) getInt(b, i) << 32 | (getInt(b, i + 4) & 0xffffffffL);
  }
}
