package io.gossipkit.crypto.handshake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fuzz target for the handshake parser and state machine: it feeds arbitrary bytes as each
 * message in each state, from snapshots prepared once, and checks the contract on every call.
 *
 * <p>Input: selector byte (bit 0 picks the {@link AuthMode}, the rest a {@link Stage}), then up to
 * {@value #MAX_MESSAGES} messages in {@link FuzzInput} layout, fed in order to one copy of the
 * stage's snapshot. Entropy is reseeded and the replay cache cleared before each input, so an
 * input always does the same thing, and the valid messages that {@link #validSequence} returns
 * stay valid: seeds built from them drive the state machine all the way to ESTABLISHED.
 *
 * <p>Checked on every {@link Handshake#receive} call: it returns or throws {@link
 * HandshakeException}, nothing else; a rejection leaves the handshake FAILED (or ESTABLISHED, for
 * a stray message after success); {@link HandshakeFailure#INTERNAL_ERROR} never happens; and the
 * call allocates at most {@link #ALLOCATION_LIMIT} bytes.
 */
public final class HandshakeFuzzHarness {
  /** Messages per input; enough to walk a whole handshake and then some. */
  public static final int MAX_MESSAGES = 6;
  /** Per-call allocation bound: 4 × the largest message plus 64 KiB. */
  public static final long ALLOCATION_LIMIT = 4L * Handshake.MAX_MESSAGE_BYTES + 64 * 1024;

  private static final long SEED_INITIATOR = 0x1111;
  private static final long SEED_RESPONDER = 0x2222;
  private static final long NOW = 1_000_000;

  /** Which prepared state an input starts from. */
  public enum Stage {
    /** A responder waiting for INIT. */
    RESPONDER_AWAIT_INIT,
    /** An initiator that sent INIT, waiting for RESPONSE. */
    INITIATOR_AWAIT_RESPONSE,
    /** A responder that sent RESPONSE, waiting for FINISH. */
    RESPONDER_AWAIT_FINISH,
    /** An initiator not yet started. */
    INITIATOR_INITIAL,
    /** A responder that completed a handshake. */
    ESTABLISHED,
    /** A responder that already rejected a message. */
    FAILED,
    /** A responder waiting for FINISH whose deadline has passed. */
    TIMED_OUT
  }

  private final ManualClock clock = new ManualClock(NOW);
  private final Snapshots[] snapshots = new Snapshots[AuthMode.values().length];

  /** Snapshots of every stage in one mode, plus the valid messages between them. */
  private final class Snapshots {
    final DeterministicRandom randomI = new DeterministicRandom(SEED_INITIATOR);
    final DeterministicRandom randomR = new DeterministicRandom(SEED_RESPONDER);
    final HandshakeConfig cfgI;
    final HandshakeConfig cfgR;
    final Handshake[] byStage = new Handshake[Stage.values().length];
    final byte[] init;
    final byte[] response;
    final byte[] finish;

    Snapshots(AuthMode mode) {
      cfgI = mode == AuthMode.PSK
          ? Fixtures.psk(Fixtures.A, clock, b -> b.random(randomI))
          : Fixtures.identity(Fixtures.A, clock, b -> b.random(randomI));
      cfgR = mode == AuthMode.PSK
          ? Fixtures.psk(Fixtures.B, clock, b -> b.random(randomR))
          : Fixtures.identity(Fixtures.B, clock, b -> b.random(randomR));
      try {
        reset();
        Handshake initial = Handshake.initiator(cfgI);
        Handshake awaitResponse = initial.copy();
        init = awaitResponse.start();
        Handshake awaitInit = Handshake.responder(cfgR);
        // Reseeded exactly as run() does, so RESPONSE here equals RESPONSE there.
        reset();
        Handshake awaitFinish = awaitInit.copy();
        response = awaitFinish.receive(init).orElseThrow();
        finish = awaitResponse.copy().receive(response).orElseThrow();
        Handshake established = awaitFinish.copy();
        established.receive(finish);
        Handshake failed = Handshake.responder(cfgR);
        try {
          failed.receive(new byte[] {0});
        } catch (HandshakeException expected) {
          // The stage is defined by this rejection.
        }
        byStage[Stage.RESPONDER_AWAIT_INIT.ordinal()] = awaitInit;
        byStage[Stage.INITIATOR_AWAIT_RESPONSE.ordinal()] = awaitResponse;
        byStage[Stage.RESPONDER_AWAIT_FINISH.ordinal()] = awaitFinish;
        byStage[Stage.INITIATOR_INITIAL.ordinal()] = initial;
        byStage[Stage.ESTABLISHED.ordinal()] = established;
        byStage[Stage.FAILED.ordinal()] = failed;
        byStage[Stage.TIMED_OUT.ordinal()] = awaitFinish;
        if (established.state() != HandshakeState.ESTABLISHED) {
          throw new IllegalStateException("snapshot handshake did not establish");
        }
      } catch (HandshakeException e) {
        throw new IllegalStateException("snapshot handshake failed", e);
      }
    }

    void reset() {
      randomI.reseed(SEED_INITIATOR);
      randomR.reseed(SEED_RESPONDER);
      cfgR.replayCache().clear();
      cfgI.replayCache().clear();
      clock.set(NOW);
    }
  }

  /** Prepares snapshots of every stage in both modes (a few handshakes; also warms the JIT). */
  public HandshakeFuzzHarness() {
    for (AuthMode m : AuthMode.values()) {
      snapshots[m.ordinal()] = new Snapshots(m);
    }
    // Warm every path once so class loading and lazy tables are not charged to a fuzz input.
    for (AuthMode m : AuthMode.values()) {
      for (Stage s : Stage.values()) {
        run(FuzzInput.encode(selector(m, s), validSequence(m, s)));
        run(FuzzInput.encode(selector(m, s), List.of(new byte[] {1, 1, 1, 0})));
      }
    }
  }

  /** The selector byte for {@code mode} and {@code stage}. */
  public static int selector(AuthMode mode, Stage stage) {
    return (stage.ordinal() << 1) | (mode == AuthMode.PSK ? 0 : 1);
  }

  /** The messages that drive {@code stage} in {@code mode} to ESTABLISHED, where there are any. */
  public List<byte[]> validSequence(AuthMode mode, Stage stage) {
    Snapshots s = snapshots[mode.ordinal()];
    List<byte[]> out = new ArrayList<>();
    switch (stage) {
      case RESPONDER_AWAIT_INIT:
        out.add(s.init.clone());
        out.add(s.finish.clone());
        break;
      case INITIATOR_AWAIT_RESPONSE:
        out.add(s.response.clone());
        break;
      case RESPONDER_AWAIT_FINISH:
      case TIMED_OUT:
      case ESTABLISHED:
      case FAILED:
        out.add(s.finish.clone());
        break;
      case INITIATOR_INITIAL:
        out.add(s.response.clone());
        break;
      default:
        throw new IllegalArgumentException(stage.toString());
    }
    return out;
  }

  /** All three valid messages of {@code mode}'s snapshot handshake: INIT, RESPONSE, FINISH. */
  public List<byte[]> validMessages(AuthMode mode) {
    Snapshots s = snapshots[mode.ordinal()];
    return List.of(s.init.clone(), s.response.clone(), s.finish.clone());
  }

  /** The metrics of both sides in {@code mode}, for tests that check counters. */
  public List<HandshakeMetrics> metrics(AuthMode mode) {
    Snapshots s = snapshots[mode.ordinal()];
    return List.of(s.cfgI.metrics(), s.cfgR.metrics());
  }

  /**
   * Runs one input and checks the contract.
   *
   * <p>Allocation is checked on a warm path: the first time an input takes a new path, the JVM
   * loads classes (and, under Jazzer, instruments them) on this thread, which the thread's
   * allocation counter also charges. So an input over the bound runs once more, and only if it is
   * over the bound again (nothing left to load) is that a finding.
   *
   * @return the final state, for tests that want to see a seed reach ESTABLISHED
   * @throws AssertionError on a contract violation (a fuzz finding)
   */
  public HandshakeState run(byte[] data) {
    worstAllocation = 0;
    HandshakeState state = runOnce(data);
    if (worstAllocation > ALLOCATION_LIMIT) {
      worstAllocation = 0;
      runOnce(data);
      AllocationMeter.check(worstAllocation, ALLOCATION_LIMIT, worstCall);
    }
    return state;
  }

  private long worstAllocation;
  private String worstCall;

  private void record(long used, String call) {
    if (used > worstAllocation) {
      worstAllocation = used;
      worstCall = call;
    }
  }

  private HandshakeState runOnce(byte[] data) {
    if (data.length == 0) {
      return HandshakeState.INITIAL;
    }
    int sel = data[0] & 0xff;
    AuthMode mode = (sel & 1) == 0 ? AuthMode.PSK : AuthMode.ED25519;
    Stage stage = Stage.values()[(sel >>> 1) % Stage.values().length];
    Snapshots s = snapshots[mode.ordinal()];
    s.reset();
    Handshake hs = s.byStage[stage.ordinal()].copy();
    if (stage == Stage.TIMED_OUT) {
      clock.set(hs.deadlineMillis());
    }
    for (byte[] msg : FuzzInput.messages(data, 1, MAX_MESSAGES)) {
      HandshakeState before = hs.state();
      long start = AllocationMeter.allocatedBytes();
      Optional<byte[]> reply;
      try {
        reply = hs.receive(msg);
      } catch (HandshakeException e) {
        record(AllocationMeter.allocatedBytes() - start, "rejected receive in " + before);
        checkRejection(hs, before, e);
        continue;
      } catch (RuntimeException | Error e) {
        throw new AssertionError(
            "receive in " + before + " let " + e.getClass().getName() + " escape", e);
      }
      record(AllocationMeter.allocatedBytes() - start, "accepted receive in " + before);
      checkAcceptance(hs, before, reply);
    }
    return hs.state();
  }

  private static void checkRejection(Handshake hs, HandshakeState before, HandshakeException e) {
    if (e.failure() == HandshakeFailure.INTERNAL_ERROR) {
      throw new AssertionError("internal error in " + before, e);
    }
    if (before == HandshakeState.ESTABLISHED) {
      if (hs.state() != HandshakeState.ESTABLISHED || e.failure() != HandshakeFailure.WRONG_STATE) {
        throw new AssertionError("a stray message changed an established handshake", e);
      }
    } else if (hs.state() != HandshakeState.FAILED) {
      throw new AssertionError("rejection left the handshake in " + hs.state(), e);
    }
    if (e.getMessage() == null || e.getMessage().isEmpty()) {
      throw new AssertionError("rejection without a message", e);
    }
  }

  private static void checkAcceptance(
      Handshake hs, HandshakeState before, Optional<byte[]> reply) {
    HandshakeState after = hs.state();
    boolean ok;
    switch (before) {
      case AWAIT_INIT:
        ok = after == HandshakeState.AWAIT_FINISH && reply.isPresent()
            && reply.get().length <= Handshake.MAX_MESSAGE_BYTES;
        break;
      case AWAIT_RESPONSE:
        ok = after == HandshakeState.ESTABLISHED && reply.isPresent()
            && reply.get().length <= Handshake.MAX_MESSAGE_BYTES;
        break;
      case AWAIT_FINISH:
        ok = after == HandshakeState.ESTABLISHED && reply.isEmpty();
        break;
      default:
        ok = false;
    }
    if (!ok) {
      throw new AssertionError(
          "accepted a message in " + before + " and moved to " + after + " reply=" + reply);
    }
    if (after == HandshakeState.ESTABLISHED && hs.channel() == null) {
      throw new AssertionError("established without a channel");
    }
  }
}
