package io.gossipkit.crypto.internal;

import io.gossipkit.api.NodeId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * Internal: may change at any time. A receiver's bounded memory of sender sessions: for each
 * (key id, session id), the AEAD key derived for it, its {@link ReplayWindow} and the sender id
 * its first packet carried, least recently used first out beyond {@code maxSessions}.
 *
 * <p>Forgetting a session would let its old packets be replayed into a fresh window. The eviction
 * horizon closes that hole: it is the newest timestamp of any session forgotten (or replaced), and
 * every session created afterwards refuses packets sealed at or before its creation-time horizon.
 * A forgotten session's packets all carry timestamps at or before the horizon, so none of them
 * opens again, whichever session they claim. Legitimate new sessions are at most delayed by clock
 * skew, and only after an eviction.
 *
 * <p>Sessions enter only after their first packet authenticated, so an outsider cannot flush the
 * table. One lock guards it; the work under it is a hash lookup and a few bit operations.
 */
public final class SessionTable {
  /**
   * A sender id as sealed in a packet, its UTF-8 bytes and the {@link NodeId} they decode to.
   * Sessions keep their first packet's, so later packets skip the decoding.
   */
  public static final class Sender {
    private final NodeId id;
    private final byte[] utf8;

    /** {@code id}, sealed as {@code utf8} (not copied: the caller hands it over). */
    public Sender(NodeId id, byte[] utf8) {
      this.id = id;
      this.utf8 = utf8;
    }

    /** The node id. */
    public NodeId id() {
      return id;
    }

    /** The node id, for messages. */
    @Override
    public String toString() {
      return id.toString();
    }
  }

  /** A session's state. */
  public static final class Session {
    final KeyEntry source;
    final SecretKey cipherKey;
    final Sender sender;
    final ReplayWindow window;
    final long floorMillis;
    long newestMillis = Long.MIN_VALUE;

    Session(KeyEntry source, SecretKey cipherKey, Sender sender, ReplayWindow window,
        long floorMillis) {
      this.source = source;
      this.cipherKey = cipherKey;
      this.sender = sender;
      this.window = window;
      this.floorMillis = floorMillis;
    }

    /** The cached cipher key, as given to {@link #accept}. */
    public SecretKey cipherKey() {
      return cipherKey;
    }

    /**
     * This session's remembered sender if its id is exactly {@code b[off, off + len)}, else
     * {@code null}. Immutable, so no lock is needed.
     */
    public Sender sender(byte[] b, int off, int len) {
      return Arrays.equals(sender.utf8, 0, sender.utf8.length, b, off, off + len) ? sender : null;
    }
  }

  /** What {@link #accept} decided. */
  public enum Outcome {
    /** Accepted and remembered. */
    ACCEPTED,
    /** Already seen. */
    DUPLICATE,
    /** Behind the window. */
    TOO_OLD,
    /** Sealed at or before the eviction horizon this session started with. */
    BEFORE_HORIZON
  }

  private final int maxSessions;
  private final int windowPackets;
  private final LinkedHashMap<SessionKey, Session> map;
  private long horizon = Long.MIN_VALUE;
  private long evicted;

  /** A table of at most {@code maxSessions} sessions with windows of {@code windowPackets}. */
  public SessionTable(int maxSessions, int windowPackets) {
    this.maxSessions = maxSessions;
    this.windowPackets = windowPackets;
    this.map = new LinkedHashMap<>(Math.min(maxSessions, 1024) * 2, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<SessionKey, Session> eldest) {
        if (size() <= SessionTable.this.maxSessions) {
          return false;
        }
        forget(eldest.getValue());
        return true;
      }
    };
  }

  /**
   * The session {@code key} derived from {@code source}, or {@code null} if unknown or derived
   * from another entry (the key was replaced since).
   */
  public synchronized Session find(SessionKey key, KeyEntry source) {
    Session s = map.get(key);
    return s != null && s.source == source ? s : null;
  }

  /** What {@code session}'s window would say about {@code counter}, changing nothing. */
  public synchronized ReplayWindow.Verdict check(Session session, long counter) {
    return session.window.check(counter);
  }

  /**
   * Records an authenticated, fresh packet: creates the session if needed (with {@code cipherKey}
   * and {@code sender} cached) and marks {@code counter} in its window.
   */
  public synchronized Outcome accept(SessionKey key, KeyEntry source, SecretKey cipherKey,
      Sender sender, long counter, long sentAtMillis) {
    Session s = map.get(key);
    if (s == null || s.source != source) {
      if (s != null) {
        // The key under this id changed: the old window goes, so its packets fall behind the
        // horizon like an evicted session's.
        forget(s);
      }
      if (sentAtMillis <= horizon) {
        return Outcome.BEFORE_HORIZON;
      }
      s = new Session(source, cipherKey, sender, new ReplayWindow(windowPackets), horizon);
      map.put(key, s);
    } else if (sentAtMillis <= s.floorMillis) {
      return Outcome.BEFORE_HORIZON;
    }
    switch (s.window.accept(counter)) {
      case DUPLICATE:
        return Outcome.DUPLICATE;
      case TOO_OLD:
        return Outcome.TOO_OLD;
      default:
        s.newestMillis = Math.max(s.newestMillis, sentAtMillis);
        return Outcome.ACCEPTED;
    }
  }

  /** The window's highest counter for {@code key}, or -1: for messages and tests. */
  public synchronized long highest(SessionKey key) {
    Session s = map.get(key);
    return s == null ? -1 : s.window.highest();
  }

  /** Sessions currently tracked. */
  public synchronized int size() {
    return map.size();
  }

  /** Sessions forgotten so far to stay within the bound. */
  public synchronized long evicted() {
    return evicted;
  }

  /** The eviction horizon: packets of new sessions must be sealed after it. */
  public synchronized long horizon() {
    return horizon;
  }

  private void forget(Session s) {
    evicted++;
    horizon = Math.max(horizon, s.newestMillis);
  }
}
