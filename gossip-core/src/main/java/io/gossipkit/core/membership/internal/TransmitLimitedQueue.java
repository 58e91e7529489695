package io.gossipkit.core.membership.internal;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.MemberUpdate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

/**
 * Internal: may change at any time. The pending member updates of one node, each sent at most a
 * retransmit limit of times (hashicorp/memberlist {@code queue.go}): at most one update per member
 * (a newer one replaces the older), handed out least-sent first and, among equals, newest first.
 * Its size is bounded by the number of members the node keeps, plus one for itself.
 */
public final class TransmitLimitedQueue implements MembershipBroadcasts {
  private static final Comparator<Item> ORDER =
      Comparator.<Item>comparingInt(i -> i.transmits).thenComparing(i -> -i.seq);

  private final ToIntFunction<MemberUpdate> sizeOf;
  private final IntSupplier limit;
  private final int maxCount;
  private final TreeSet<Item> queue = new TreeSet<>(ORDER);
  private final Map<NodeId, Item> byMember = new HashMap<>();
  private long nextSeq;
  /**
   * The smallest size of any update ever queued: no item now queued is smaller, so a drain whose
   * room has fallen below it can stop instead of walking the rest of the queue (thousands of
   * items while a large cluster joins) for one that fits.
   */
  private int minBytes = Integer.MAX_VALUE;

  private static final class Item {
    final MemberUpdate update;
    final long seq;
    final int bytes;
    int transmits;

    Item(MemberUpdate update, long seq, int bytes) {
      this.update = update;
      this.seq = seq;
      this.bytes = bytes;
    }
  }

  /**
   * A queue sizing updates with {@code sizeOf}, dropping each after {@code limit} transmissions
   * (read at each drain, since it grows with the cluster), at most {@code maxCount} per drain.
   */
  public TransmitLimitedQueue(ToIntFunction<MemberUpdate> sizeOf, IntSupplier limit, int maxCount) {
    this.sizeOf = sizeOf;
    this.limit = limit;
    this.maxCount = maxCount;
  }

  /** Queues {@code update}, replacing any pending update about the same member. */
  public void add(MemberUpdate update) {
    Item old = byMember.remove(update.id());
    if (old != null) {
      queue.remove(old);
    }
    Item item = new Item(update, nextSeq++, sizeOf.applyAsInt(update));
    minBytes = Math.min(minBytes, item.bytes);
    byMember.put(update.id(), item);
    queue.add(item);
  }

  @Override
  public List<MemberUpdate> drain(int maxBytes) {
    List<Item> taken = new ArrayList<>();
    int used = 0;
    for (Item item : queue) {
      if (taken.size() >= maxCount || maxBytes - used < Math.max(4, minBytes)) {
        break;
      }
      if (used + item.bytes <= maxBytes) {
        taken.add(item);
        used += item.bytes;
      }
    }
    int max = Math.max(1, limit.getAsInt());
    List<MemberUpdate> out = new ArrayList<>(taken.size());
    for (Item item : taken) {
      queue.remove(item);
      out.add(item.update);
      item.transmits++;
      if (item.transmits >= max) {
        byMember.remove(item.update.id());
      } else {
        queue.add(item);
      }
    }
    return out;
  }

  @Override
  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Updates pending. */
  public int size() {
    return queue.size();
  }
}
