package io.gossipkit.crypto.handshake;

import io.gossipkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * One side of a mutually authenticated three-message handshake, as a state machine over {@code
 * byte[]} messages; on success it yields a {@link SecureChannel}.
 *
 * <pre>
 * initiator                                   responder
 * start()        -- INIT (e_i, id_i) -->      receive(INIT)
 * receive(RESP)  &lt;-- RESPONSE (e_r, id_r, {sig_r}) --
 *                -- FINISH ({sig_i}) -->      receive(FINISH)
 * ESTABLISHED                                 ESTABLISHED
 * </pre>
 *
 * <p>Both sides contribute a fresh X25519 ephemeral key; the shared secret, the cluster label, the
 * protocol version, the mode, the rekey policy, both node ids and (in {@link AuthMode#PSK} mode)
 * the pre-shared key all enter the key schedule and transcript hash (see {@code
 * docs/handshake.md}). In PSK mode every message after the first key is authenticated by an AEAD
 * tag keyed by the PSK; in {@link AuthMode#ED25519} mode RESPONSE and FINISH carry Ed25519
 * signatures over the transcript hash, encrypted under the ephemeral key.
 *
 * <p><b>Threading:</b> not thread-safe; confine each handshake to one thread (the connection's
 * event loop). It never blocks, sleeps, reads the wall clock or starts threads: time comes from
 * the config's {@link io.gossipkit.api.Clock}, entropy from its {@link java.security.SecureRandom}.
 *
 * <p><b>Failures:</b> {@link #receive} rejects bad input with a {@link HandshakeException} and
 * nothing else (R1); the handshake is then {@link HandshakeState#FAILED} (R2), counts the reason
 * in {@link HandshakeConfig#metrics()} (R3) and wipes its secrets. The transport should close the
 * connection. A message after {@link HandshakeState#ESTABLISHED} is rejected but does not undo it.
 * A transport MUST call {@link #checkDeadline()} from a timer, so that a half-open handshake is
 * closed by {@link #deadlineMillis()} even if the peer goes silent (R4).
 *
 * <pre>{@code
 * Handshake hs = Handshake.initiator(config, NodeId.of("node-2"));
 * send(hs.start());
 * Optional<byte[]> reply = hs.receive(readMessage()); // FINISH
 * reply.ifPresent(this::send);
 * SecureChannel ch = hs.channel();
 * }</pre>
 */
public final class Handshake {
  /** Longest handshake message; a transport may refuse longer length prefixes before reading. */
  public static final int MAX_MESSAGE_BYTES = 512;
  /** The protocol version this build speaks; bound into every message header. */
  public static final int PROTOCOL_VERSION = HandshakeCodec.VERSION;

  private static final byte[] RESPONDER_SIG_CONTEXT =
      "GossipKit handshake v1 responder signature".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] INITIATOR_SIG_CONTEXT =
      "GossipKit handshake v1 initiator signature".getBytes(StandardCharsets.US_ASCII);

  private final HandshakeConfig config;
  private final boolean initiator;
  private final NodeId expectedPeer;
  private final long deadlineMillis;

  private HandshakeState state;
  private HandshakeFailure failure;
  private SymmetricState symmetric;
  private X25519PrivateKeyParameters ephemeral;
  private NodeId peer;
  private Ed25519PublicKeyParameters peerSigningKey;
  private SecureChannel channel;

  private Handshake(
      HandshakeConfig config, boolean initiator, NodeId expectedPeer, HandshakeState state) {
    this.config = Objects.requireNonNull(config, "config");
    this.initiator = initiator;
    this.expectedPeer = expectedPeer;
    this.state = state;
    this.deadlineMillis = saturatedAdd(config.clock().millis(), config.timeoutMillis());
    this.symmetric = SymmetricState.initialize(config.labelBytes(), config.channelCipher());
    if (config.mode() == AuthMode.PSK) {
      // Noise psk0: the PSK enters the chaining key before anything else, so every key derived
      // afterwards, including the first message's tag key, depends on it.
      symmetric.mixKey(config.psk());
    }
  }

  private Handshake(Handshake o) {
    this.config = o.config;
    this.initiator = o.initiator;
    this.expectedPeer = o.expectedPeer;
    this.deadlineMillis = o.deadlineMillis;
    this.state = o.state;
    this.failure = o.failure;
    this.symmetric = o.symmetric == null ? null : o.symmetric.copy();
    this.ephemeral = o.ephemeral; // immutable
    this.peer = o.peer;
    this.peerSigningKey = o.peerSigningKey; // immutable
    this.channel = o.channel;
  }

  /** An initiator that accepts any responder its config authenticates. */
  public static Handshake initiator(HandshakeConfig config) {
    return new Handshake(config, true, null, HandshakeState.INITIAL);
  }

  /**
   * An initiator that also requires the responder to be {@code expectedPeer} (the node it dialled);
   * another id fails with {@link HandshakeFailure#UNEXPECTED_PEER}.
   */
  public static Handshake initiator(HandshakeConfig config, NodeId expectedPeer) {
    return new Handshake(
        config, true, Objects.requireNonNull(expectedPeer, "expectedPeer"), HandshakeState.INITIAL);
  }

  /** A responder, waiting for an INIT. */
  public static Handshake responder(HandshakeConfig config) {
    return new Handshake(config, false, null, HandshakeState.AWAIT_INIT);
  }

  /** Where this handshake stands. */
  public HandshakeState state() {
    return state;
  }

  /** Whether this side is the initiator. */
  public boolean isInitiator() {
    return initiator;
  }

  /** The reason this handshake failed, if it did. */
  public Optional<HandshakeFailure> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * The peer's node id, once a message naming it was accepted; authenticated only when the
   * handshake is {@link HandshakeState#ESTABLISHED}.
   */
  public Optional<NodeId> peer() {
    return Optional.ofNullable(peer);
  }

  /** Clock time (of the config's clock) by which the handshake must be established. */
  public long deadlineMillis() {
    return deadlineMillis;
  }

  /**
   * Fails the handshake with {@link HandshakeFailure#TIMEOUT} if its deadline has passed and it
   * has not ended; a transport calls this from a timer to close half-open handshakes.
   *
   * @return whether the handshake is now {@link HandshakeState#FAILED}
   */
  public boolean checkDeadline() {
    if (!state.isTerminal() && config.clock().millis() >= deadlineMillis) {
      fail(HandshakeFailure.TIMEOUT);
    }
    return state == HandshakeState.FAILED;
  }

  /**
   * Starts an initiator: returns the INIT message to send.
   *
   * @throws IllegalStateException if this is a responder or was already started
   */
  public byte[] start() {
    if (!initiator || state != HandshakeState.INITIAL) {
      throw new IllegalStateException("start() needs an initiator in INITIAL, state is " + state);
    }
    ephemeral = Primitives.newEphemeral(config.random());
    byte[] e = Primitives.publicKey(ephemeral);
    byte[] prefix =
        HandshakeCodec.initPrefix(
            config.mode(), config.rekeyPolicy(), e, utf8(config.localNode()));
    symmetric.mixHash(prefix);
    if (config.mode() == AuthMode.PSK) {
      // As Noise does for every 'e' in a psk handshake: keys depend on the ephemeral too.
      symmetric.mixKey(e);
    }
    byte[] sealed = symmetric.encryptAndHash(new byte[0]);
    state = HandshakeState.AWAIT_RESPONSE;
    return HandshakeCodec.concat(prefix, sealed);
  }

  /**
   * Takes the peer's next handshake message.
   *
   * @param message the bytes of one message, as framed by the transport; not retained
   * @return the reply to send, if this step has one (RESPONSE for a responder's INIT, FINISH for an
   *     initiator's RESPONSE)
   * @throws HandshakeException if the message is malformed, oversized, of the wrong version, mode
   *     or type for this state, fails authentication, names an unknown or unexpected peer, is
   *     replayed, or arrives after the deadline; the handshake is then FAILED (unless it was
   *     already ESTABLISHED)
   */
  public Optional<byte[]> receive(byte[] message) throws HandshakeException {
    Objects.requireNonNull(message, "message");
    if (state == HandshakeState.ESTABLISHED) {
      // The session is already authenticated; a replayed or stray message must not tear it down.
      config.metrics().recordFailure(HandshakeFailure.WRONG_STATE);
      throw new HandshakeException(
          HandshakeFailure.WRONG_STATE, "handshake already established; message ignored");
    }
    try {
      return Optional.ofNullable(step(message));
    } catch (HandshakeException e) {
      fail(e.failure());
      throw e;
    } catch (RuntimeException e) {
      // A bug, not an input problem; kept from escaping into the transport (fuzz tests fail on it).
      fail(HandshakeFailure.INTERNAL_ERROR);
      throw new HandshakeException(
          HandshakeFailure.INTERNAL_ERROR, "unexpected " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * The secure channel agreed by this handshake.
   *
   * @throws IllegalStateException unless the handshake is {@link HandshakeState#ESTABLISHED}
   */
  public SecureChannel channel() {
    if (state != HandshakeState.ESTABLISHED) {
      throw new IllegalStateException("no channel: handshake is " + state);
    }
    return channel;
  }

  /** An independent copy in the same state; lets fuzz harnesses replay inputs from one state. */
  Handshake copy() {
    return new Handshake(this);
  }

  private byte[] step(byte[] message) throws HandshakeException {
    if (state == HandshakeState.FAILED) {
      throw new HandshakeException(
          HandshakeFailure.WRONG_STATE, "handshake already failed (" + failure + ")");
    }
    if (state == HandshakeState.INITIAL) {
      throw new HandshakeException(
          HandshakeFailure.WRONG_STATE, "initiator got a message before start()");
    }
    if (config.clock().millis() >= deadlineMillis) {
      throw new HandshakeException(
          HandshakeFailure.TIMEOUT, "message arrived after the deadline " + deadlineMillis);
    }
    switch (state) {
      case AWAIT_INIT:
        return onInit(message);
      case AWAIT_RESPONSE:
        return onResponse(message);
      case AWAIT_FINISH:
        onFinish(message);
        return null;
      default:
        throw new IllegalStateException("unreachable state " + state);
    }
  }

  private byte[] onInit(byte[] msg) throws HandshakeException {
    AuthMode mode = config.mode();
    HandshakeCodec.checkHeader(msg, HandshakeCodec.TYPE_INIT, mode);
    HandshakeCodec.Init init = HandshakeCodec.parseInit(msg, mode);
    RekeyPolicy local = config.rekeyPolicy();
    if (init.rekeyMaxBytes() != local.maxBytes() || init.rekeyMaxFrames() != local.maxFrames()) {
      throw new HandshakeException(
          HandshakeFailure.POLICY_MISMATCH,
          "peer rekeys after " + init.rekeyMaxBytes() + " bytes or " + init.rekeyMaxFrames()
              + " frames, this node after " + local.maxBytes() + " or " + local.maxFrames());
    }
    Ed25519PublicKeyParameters peerKey = checkPeer(init.node());
    byte[] eI = Arrays.copyOfRange(msg, init.ephemeralOffset(), init.ephemeralOffset() + 32);
    symmetric.mixHash(msg, 0, init.prefixLength());
    if (mode == AuthMode.PSK) {
      symmetric.mixKey(eI);
    }
    byte[] payload =
        symmetric.decryptAndHash(msg, init.prefixLength(), msg.length - init.prefixLength());
    if (payload == null) {
      throw new HandshakeException(
          HandshakeFailure.AUTHENTICATION_FAILED,
          "INIT tag did not verify: wrong pre-shared key, wrong cluster label, another channel"
              + " cipher or altered message");
    }
    if (!config.replayCache().firstSighting(eI)) {
      throw new HandshakeException(
          HandshakeFailure.REPLAYED, "INIT from " + init.node() + " was seen before");
    }

    // Write RESPONSE.
    ephemeral = Primitives.newEphemeral(config.random());
    byte[] eR = Primitives.publicKey(ephemeral);
    byte[] prefix = HandshakeCodec.responsePrefix(mode, eR, utf8(config.localNode()));
    symmetric.mixHash(prefix);
    if (mode == AuthMode.PSK) {
      symmetric.mixKey(eR);
    }
    byte[] ee = Primitives.x25519(ephemeral, msg, init.ephemeralOffset());
    if (ee == null) {
      throw new HandshakeException(
          HandshakeFailure.BAD_KEY, "INIT ephemeral key is a low-order point");
    }
    symmetric.mixKey(ee);
    Arrays.fill(ee, (byte) 0);
    byte[] body = new byte[0];
    if (mode == AuthMode.ED25519) {
      body =
          Primitives.sign(config.identityKey(), RESPONDER_SIG_CONTEXT, symmetric.handshakeHash());
    }
    byte[] sealed = symmetric.encryptAndHash(body);
    peer = init.node();
    peerSigningKey = peerKey;
    state = HandshakeState.AWAIT_FINISH;
    return HandshakeCodec.concat(prefix, sealed);
  }

  private byte[] onResponse(byte[] msg) throws HandshakeException {
    AuthMode mode = config.mode();
    HandshakeCodec.checkHeader(msg, HandshakeCodec.TYPE_RESPONSE, mode);
    HandshakeCodec.Response resp = HandshakeCodec.parseResponse(msg, mode);
    if (expectedPeer != null && !expectedPeer.equals(resp.node())) {
      throw new HandshakeException(
          HandshakeFailure.UNEXPECTED_PEER,
          "dialled " + expectedPeer + " but the responder is " + resp.node());
    }
    Ed25519PublicKeyParameters peerKey = checkPeer(resp.node());
    symmetric.mixHash(msg, 0, resp.prefixLength());
    if (mode == AuthMode.PSK) {
      int e = resp.ephemeralOffset();
      symmetric.mixKey(Arrays.copyOfRange(msg, e, e + Primitives.DH_PUBLIC_BYTES));
    }
    byte[] ee = Primitives.x25519(ephemeral, msg, resp.ephemeralOffset());
    if (ee == null) {
      throw new HandshakeException(
          HandshakeFailure.BAD_KEY, "RESPONSE ephemeral key is a low-order point");
    }
    symmetric.mixKey(ee);
    Arrays.fill(ee, (byte) 0);
    byte[] signedHash = symmetric.handshakeHash();
    byte[] body =
        symmetric.decryptAndHash(msg, resp.prefixLength(), msg.length - resp.prefixLength());
    if (body == null) {
      throw new HandshakeException(
          HandshakeFailure.AUTHENTICATION_FAILED,
          "RESPONSE tag did not verify: wrong pre-shared key, wrong cluster label, another"
              + " channel cipher, altered or replayed message");
    }
    if (mode == AuthMode.ED25519
        && !Primitives.verify(peerKey, RESPONDER_SIG_CONTEXT, signedHash, body)) {
      throw new HandshakeException(
          HandshakeFailure.BAD_SIGNATURE,
          "RESPONSE signature does not verify under the key of " + resp.node());
    }
    peer = resp.node();

    // Write FINISH.
    byte[] header = HandshakeCodec.header(HandshakeCodec.TYPE_FINISH, mode);
    symmetric.mixHash(header);
    byte[] finishBody = new byte[0];
    if (mode == AuthMode.ED25519) {
      finishBody =
          Primitives.sign(config.identityKey(), INITIATOR_SIG_CONTEXT, symmetric.handshakeHash());
    }
    byte[] sealed = symmetric.encryptAndHash(finishBody);
    establish();
    return HandshakeCodec.concat(header, sealed);
  }

  private void onFinish(byte[] msg) throws HandshakeException {
    AuthMode mode = config.mode();
    HandshakeCodec.checkHeader(msg, HandshakeCodec.TYPE_FINISH, mode);
    HandshakeCodec.parseFinish(msg, mode);
    symmetric.mixHash(msg, 0, HandshakeCodec.HEADER_BYTES);
    byte[] signedHash = symmetric.handshakeHash();
    byte[] body =
        symmetric.decryptAndHash(
            msg, HandshakeCodec.HEADER_BYTES, msg.length - HandshakeCodec.HEADER_BYTES);
    if (body == null) {
      throw new HandshakeException(
          HandshakeFailure.AUTHENTICATION_FAILED,
          "FINISH tag did not verify: wrong pre-shared key, altered or replayed message");
    }
    if (mode == AuthMode.ED25519
        && !Primitives.verify(peerSigningKey, INITIATOR_SIG_CONTEXT, signedHash, body)) {
      throw new HandshakeException(
          HandshakeFailure.BAD_SIGNATURE,
          "FINISH signature does not verify under the key of " + peer);
    }
    establish();
  }

  /**
   * Checks the id a peer claims: never this node's own (that would be a reflected handshake), and
   * in ED25519 mode one the directory knows.
   *
   * @return the peer's signing key in ED25519 mode, else {@code null}
   */
  private Ed25519PublicKeyParameters checkPeer(NodeId node) throws HandshakeException {
    if (node.equals(config.localNode())) {
      throw new HandshakeException(
          HandshakeFailure.UNEXPECTED_PEER, "peer claims this node's own id " + node);
    }
    if (config.mode() != AuthMode.ED25519) {
      return null;
    }
    Optional<byte[]> raw = config.directory().publicKey(node);
    if (raw == null || raw.isEmpty()) {
      throw new HandshakeException(
          HandshakeFailure.UNKNOWN_PEER, "no Ed25519 key for node " + node + " in the directory");
    }
    Ed25519PublicKeyParameters key = Primitives.ed25519Public(raw.get());
    if (key == null) {
      throw new HandshakeException(
          HandshakeFailure.UNKNOWN_PEER, "the directory's key for node " + node + " is invalid");
    }
    return key;
  }

  private void establish() {
    byte[][] keys = symmetric.split();
    byte[] sessionId =
        Arrays.copyOf(
            Primitives.sha256(
                "GossipKit session id".getBytes(StandardCharsets.US_ASCII),
                symmetric.handshakeHash()),
            SecureChannel.SESSION_ID_BYTES);
    // Each direction's key is the first keyBytes of its 32-byte split output (HKDF output is
    // uniform, so a prefix is as good a key of its length).
    int keyBytes = config.channelCipher().keyBytes();
    byte[] send = Arrays.copyOf(initiator ? keys[0] : keys[1], keyBytes);
    byte[] recv = Arrays.copyOf(initiator ? keys[1] : keys[0], keyBytes);
    Arrays.fill(keys[0], (byte) 0);
    Arrays.fill(keys[1], (byte) 0);
    channel =
        new SecureChannel(
            peer, config.mode(), sessionId, initiator, send, recv, config.rekeyPolicy(),
            config.maxFrameBytes());
    symmetric.destroy();
    symmetric = null;
    ephemeral = null;
    peerSigningKey = null;
    state = HandshakeState.ESTABLISHED;
    config.metrics().recordEstablished();
  }

  private void fail(HandshakeFailure reason) {
    config.metrics().recordFailure(reason);
    if (state == HandshakeState.FAILED) {
      return;
    }
    failure = reason;
    state = HandshakeState.FAILED;
    if (symmetric != null) {
      symmetric.destroy();
      symmetric = null;
    }
    ephemeral = null;
    peerSigningKey = null;
  }

  private static byte[] utf8(NodeId node) {
    return node.value().getBytes(StandardCharsets.UTF_8);
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  @Override
  public String toString() {
    return "Handshake{" + (initiator ? "initiator" : "responder") + ", " + state
        + (failure == null ? "" : ", " + failure) + (peer == null ? "" : ", peer=" + peer) + '}';
  }
}
