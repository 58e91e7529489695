package io.gossipkit.core.internal.wire;

import io.gossipkit.api.NodeId;
import io.gossipkit.core.internal.WireEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal: may change at any time. Packs a node's outgoing messages into compound packets: one
 * queue per destination and {@link TrafficClass}; {@link #flush} turns the queues into packets of
 * at most {@code maxPacketBytes} plaintext bytes, each sealed once by the caller.
 *
 * <p>Not thread-safe: used on the node's executor only. The node flushes at the end of every
 * executor task, so messages produced by one event for one peer share a datagram and none waits
 * for a timer: packing adds no latency. A peer with a full packet's worth queued gets it at once
 * ({@link #flushFull}).
 *
 * <p>Budgets. Every class is guaranteed its share of each packet ({@link TrafficClass}: 10% acks,
 * 40% user broadcasts, 25% membership, 25% anti-entropy by default); room a class leaves unused is
 * lent to the others in the order the enum declares them. A message larger than its class's share
 * still goes out: each packet gives one class, in turn, the right to put its first message in
 * before anyone else. A flush sends at most {@code maxPacketsPerFlush} packets to one destination;
 * what is left goes in the next flush, which the caller runs as its own task at once. So a flood
 * of one class takes at most its share of the packets while others have traffic, and fills
 * whatever they leave. Each class queue holds at most {@code queueCapacityBytes} per destination;
 * beyond that its oldest messages are dropped (reported as {@code dropped.queue_full}), never
 * another class's.
 *
 * <p>Room left in a packet after the queues is offered to the {@link Piggyback}, if any
 * (membership updates ride along this way, like memberlist's piggybacked broadcasts).
 */
public final class PacketAssembler {
  /** Where finished packets go, to be sealed and sent. */
  @FunctionalInterface
  public interface PacketSink {
    /**
     * One packet for {@code to}.
     *
     * @param plaintext the envelope, ready to seal; the sink's to keep
     * @param messages number of messages in it
     */
    void send(NodeId to, byte[] plaintext, int messages);
  }

  /**
   * Encoded messages that may ride along in room a packet has left, such as membership updates
   * retransmitted a few times each. The source chooses which (newest and least sent first).
   */
  @FunctionalInterface
  public interface Piggyback {
    /**
     * Encoded messages for {@code to} whose lengths plus {@value WireEnvelope#FRAME_BYTES} bytes
     * each add up to at most {@code maxBytes}; empty if none. A message that does not fit is
     * dropped and reported.
     */
    List<byte[]> drain(NodeId to, int maxBytes);
  }

  /** Told of every message dropped here. */
  @FunctionalInterface
  public interface Drops {
    /** {@code count} messages were dropped for {@code reason} (a counter name). */
    void dropped(String reason, int count, String detail);
  }

  private static final TrafficClass[] CLASSES = TrafficClass.all();
  /** Idle outboxes kept for reuse; beyond this many peers, idle ones are dropped. */
  private static final int MAX_IDLE_OUTBOXES = 1024;

  private final byte[] senderId;
  private final int headerBytes;
  private final int maxPacketBytes;
  private final int[] shareBytes = new int[CLASSES.length];
  private final long queueCapacityBytes;
  private final int maxPacketsPerFlush;
  private final Drops drops;
  private final Map<NodeId, Outbox> outboxes = new HashMap<>();
  private final ArrayDeque<Outbox> pending = new ArrayDeque<>();
  private final List<byte[]> picks = new ArrayList<>();
  private Piggyback piggyback;

  /** The messages queued for one destination, one queue per class. */
  private static final class Outbox {
    final NodeId to;
    @SuppressWarnings("unchecked")
    final ArrayDeque<byte[]>[] queues = new ArrayDeque[CLASSES.length];
    final long[] queuedBytes = new long[CLASSES.length];
    int turn;
    boolean isPending;

    Outbox(NodeId to) {
      this.to = to;
      for (int i = 0; i < queues.length; i++) {
        queues[i] = new ArrayDeque<>(4);
      }
    }

    boolean isEmpty() {
      for (ArrayDeque<byte[]> q : queues) {
        if (!q.isEmpty()) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * An assembler with the default shares of {@link TrafficClass}.
   *
   * @param sender this node, written into every packet's envelope
   * @param maxPacketBytes most plaintext bytes of one packet (the transport's limit minus what
   *     sealing adds)
   * @param queueCapacityBytes most bytes queued per destination and class
   * @param maxPacketsPerFlush most packets sent to one destination per flush
   * @param drops told of every drop
   */
  public PacketAssembler(NodeId sender, int maxPacketBytes, long queueCapacityBytes,
      int maxPacketsPerFlush, Drops drops) {
    this(sender, maxPacketBytes, queueCapacityBytes, maxPacketsPerFlush, drops,
        Arrays.stream(CLASSES).mapToInt(TrafficClass::defaultPercent).toArray());
  }

  /**
   * An assembler with its own shares.
   *
   * @param percent each class's guaranteed share of a packet, in {@link TrafficClass} order, in
   *     percent, adding up to at most 100
   */
  public PacketAssembler(NodeId sender, int maxPacketBytes, long queueCapacityBytes,
      int maxPacketsPerFlush, Drops drops, int[] percent) {
    this.senderId = sender.value().getBytes(StandardCharsets.UTF_8);
    this.headerBytes = 2 + senderId.length;
    if (maxPacketBytes < headerBytes + WireEnvelope.FRAME_BYTES + 1) {
      throw new IllegalArgumentException("a packet of " + maxPacketBytes + " plaintext bytes"
          + " cannot hold the " + headerBytes + "-byte envelope of " + sender + " and a message");
    }
    if (queueCapacityBytes < maxPacketBytes || maxPacketsPerFlush < 1) {
      throw new IllegalArgumentException("queueCapacityBytes must be >= maxPacketBytes and"
          + " maxPacketsPerFlush >= 1, were " + queueCapacityBytes + ", " + maxPacketsPerFlush);
    }
    if (percent.length != CLASSES.length || Arrays.stream(percent).anyMatch(p -> p < 0)
        || Arrays.stream(percent).sum() > 100) {
      throw new IllegalArgumentException("shares must be " + CLASSES.length
          + " percentages >= 0 adding up to at most 100, were " + Arrays.toString(percent));
    }
    this.maxPacketBytes = maxPacketBytes;
    this.queueCapacityBytes = queueCapacityBytes;
    this.maxPacketsPerFlush = maxPacketsPerFlush;
    this.drops = drops;
    int room = maxPacketBytes - headerBytes;
    for (int i = 0; i < CLASSES.length; i++) {
      shareBytes[i] = (int) ((long) room * percent[i] / 100);
    }
  }

  /** Sets the source of filler for room left in packets; null for none. */
  public void piggyback(Piggyback source) {
    this.piggyback = source;
  }

  /** The largest encoded message that fits one packet; larger ones must be split or streamed. */
  public int maxMessageBytes() {
    return maxPacketBytes - headerBytes - WireEnvelope.FRAME_BYTES;
  }

  /** True if any message waits for a flush. */
  public boolean hasQueued() {
    return !pending.isEmpty();
  }

  /** Messages waiting for a flush, over every peer and class. */
  public int queuedMessages() {
    int n = 0;
    for (Outbox box : pending) {
      for (ArrayDeque<byte[]> q : box.queues) {
        n += q.size();
      }
    }
    return n;
  }

  /**
   * Queues {@code message} for {@code to}. If the class's queue for {@code to} would pass its
   * capacity, its oldest messages are dropped to make room.
   *
   * @return true if {@code to} now has at least a full packet's worth queued: the caller should
   *     {@link #flushFull} it rather than let one task's output pile up
   * @throws IllegalArgumentException if the message is empty or larger than {@link
   *     #maxMessageBytes()}
   */
  public boolean offer(NodeId to, TrafficClass traffic, byte[] message) {
    if (message.length == 0 || message.length > maxMessageBytes()) {
      throw new IllegalArgumentException("message of " + message.length + " bytes does not fit"
          + " a packet (1 to " + maxMessageBytes() + " bytes)");
    }
    Outbox box = outboxes.computeIfAbsent(to, Outbox::new);
    int c = traffic.ordinal();
    ArrayDeque<byte[]> q = box.queues[c];
    int evicted = 0;
    while (!q.isEmpty() && box.queuedBytes[c] + message.length > queueCapacityBytes) {
      box.queuedBytes[c] -= q.pollFirst().length;
      evicted++;
    }
    if (evicted > 0) {
      drops.dropped("dropped.queue_full", evicted, evicted + " " + traffic + " messages for " + to
          + " (its queue holds " + queueCapacityBytes + " bytes; the oldest go first)");
    }
    q.addLast(message);
    box.queuedBytes[c] += message.length;
    if (!box.isPending) {
      box.isPending = true;
      pending.addLast(box);
    }
    // A message that must travel alone is a packet by itself: it can leave at once.
    return isFull(box) || isAlone(message);
  }

  /**
   * Sends every full packet queued for {@code to}, leaving a partial one to be packed with what
   * comes later; a long burst for one peer (a split anti-entropy reply) thus leaves as it is
   * produced instead of waiting, and overflowing its queue, until the task ends.
   */
  public void flushFull(NodeId to, PacketSink sink) {
    Outbox box = outboxes.get(to);
    while (box != null && (isFull(box) || holdsAlone(box))) {
      sendOne(box, sink);
    }
  }

  /** True if a message that must travel alone heads one of {@code box}'s queues. */
  private static boolean holdsAlone(Outbox box) {
    for (int c = 0; c < CLASSES.length; c++) {
      if (!box.queues[c].isEmpty() && isAlone(box.queues[c].peekFirst())) {
        return true;
      }
    }
    return false;
  }

  /** True if the frames queued for {@code box} would fill a packet. */
  private boolean isFull(Outbox box) {
    long bytes = 0;
    for (int c = 0; c < CLASSES.length; c++) {
      bytes += box.queuedBytes[c] + (long) WireEnvelope.FRAME_BYTES * box.queues[c].size();
    }
    return bytes >= maxPacketBytes - headerBytes;
  }

  /**
   * Packs what is queued into packets for {@code sink}: up to {@code maxPacketsPerFlush} per
   * destination.
   *
   * @return true if messages are still queued, so another flush should follow at once
   */
  public boolean flush(PacketSink sink) {
    for (int n = pending.size(); n > 0; n--) {
      Outbox box = pending.pollFirst();
      for (int p = 0; p < maxPacketsPerFlush && !box.isEmpty(); p++) {
        sendOne(box, sink);
      }
      if (box.isEmpty()) {
        box.isPending = false;
        if (outboxes.size() > MAX_IDLE_OUTBOXES) {
          // Many peers come and go: forget idle ones so the map stays bounded. Below the bound
          // an outbox is kept, so steady traffic to a peer allocates no new queues per flush.
          outboxes.remove(box.to);
        }
      } else {
        pending.addLast(box);
      }
    }
    return !pending.isEmpty();
  }

  private void sendOne(Outbox box, PacketSink sink) {
    picks.clear();
    int room = maxPacketBytes - headerBytes;
    // 1. The class holding the turn may put a message larger than its share in first, so no
    // class's large messages wait forever behind the others' shares.
    int turn = box.turn;
    box.turn = (turn + 1) % CLASSES.length;
    ArrayDeque<byte[]> turnQueue = box.queues[turn];
    if (!turnQueue.isEmpty() && cost(turnQueue.peekFirst()) > shareBytes[turn]) {
      room -= take(box, turn);
    }
    // A message too long for a compound frame (only a stream transport's budget allows one)
    // leaves alone: first in line if nothing was picked, else in a later packet.
    if (picks.isEmpty()) {
      for (int c = 0; c < CLASSES.length; c++) {
        ArrayDeque<byte[]> q = box.queues[c];
        if (!q.isEmpty() && isAlone(q.peekFirst())) {
          take(box, c);
          sink.send(box.to, packet(), 1);
          return;
        }
      }
    } else if (isAlone(picks.get(0))) {
      sink.send(box.to, packet(), 1);
      return;
    }
    // 2. Every class up to its guaranteed share.
    for (int c = 0; c < CLASSES.length; c++) {
      ArrayDeque<byte[]> q = box.queues[c];
      int used = 0;
      while (!q.isEmpty() && picks.size() < WireEnvelope.MAX_MESSAGES) {
        int cost = cost(q.peekFirst());
        if (cost > room || used + cost > shareBytes[c]) {
          break;
        }
        used += cost;
        room -= take(box, c);
      }
    }
    // 3. Unused room, lent in class order.
    for (int c = 0; c < CLASSES.length; c++) {
      ArrayDeque<byte[]> q = box.queues[c];
      while (!q.isEmpty() && cost(q.peekFirst()) <= room
          && picks.size() < WireEnvelope.MAX_MESSAGES) {
        room -= take(box, c);
      }
    }
    // 4. Piggybacked filler, only in room nobody queued for.
    if (piggyback != null && room > WireEnvelope.FRAME_BYTES
        && picks.size() < WireEnvelope.MAX_MESSAGES) {
      List<byte[]> extra = piggyback.drain(box.to, room);
      int refused = 0;
      for (int i = 0; i < extra.size(); i++) {
        byte[] m = extra.get(i);
        if (m.length == 0 || cost(m) > room || picks.size() >= WireEnvelope.MAX_MESSAGES) {
          refused++;
          continue;
        }
        picks.add(m);
        room -= cost(m);
      }
      if (refused > 0) {
        drops.dropped("dropped.oversized_out", refused, refused + " piggybacked messages for "
            + box.to + " did not fit the room they were drained for, or the "
            + WireEnvelope.MAX_MESSAGES + " messages a packet may hold");
      }
    }
    sink.send(box.to, packet(), picks.size());
  }

  private int take(Outbox box, int c) {
    byte[] m = box.queues[c].pollFirst();
    box.queuedBytes[c] -= m.length;
    picks.add(m);
    return cost(m);
  }

  private static int cost(byte[] message) {
    // A message that must go alone never fits beside others.
    return isAlone(message) ? Integer.MAX_VALUE : WireEnvelope.FRAME_BYTES + message.length;
  }

  private static boolean isAlone(byte[] message) {
    return message.length > WireEnvelope.MAX_FRAMED_BYTES;
  }

  private byte[] packet() {
    // One message goes as a version-1 envelope, as nodes without compound packets write it.
    return WireEnvelope.wrapAll(senderId, picks);
  }
}
