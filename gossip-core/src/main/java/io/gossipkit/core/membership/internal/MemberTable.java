package io.gossipkit.core.membership.internal;

import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Internal: may change at any time. The members one node knows, itself excluded, and the {@link
 * PeerView} of the live ones that its dissemination strategy gossips with.
 *
 * <p>The view lists ALIVE and SUSPECT members in ring order starting at this node's successor,
 * and calls only ALIVE ones live, so selectors pass over suspects. It follows the table as it
 * changes, on the node's executor, so it never changes during one call.
 */
public final class MemberTable {
  /** One member's record. Mutable; owned by the table's node. */
  public static final class Record {
    /** The member. */
    public final NodeId id;
    /** Where it receives packets. */
    public InetSocketAddress address;
    /** Its state as this node believes it. */
    public MemberState state;
    /** Its incarnation as this node knows it. */
    public long incarnation;
    /** Clock time of the last state change. */
    public long changedAt;
    /** The running suspicion while SUSPECT, else null. */
    public Suspicion suspicion;

    Record(NodeId id, InetSocketAddress address, MemberState state, long incarnation, long now) {
      this.id = id;
      this.address = address;
      this.state = state;
      this.incarnation = incarnation;
      this.changedAt = now;
    }

    /** An immutable copy. */
    public Member toMember() {
      return new Member(id, address, state, incarnation);
    }
  }

  private final NodeId self;
  private final Map<NodeId, Record> records = new HashMap<>();
  private final View view = new View();
  /**
   * The ALIVE and SUSPECT members in id order (the first {@code live} slots), and which of them
   * are ALIVE. Kept in place as members come, go and change state: a binary search and a short
   * array move per change, where rebuilding the view from the whole table after every change cost
   * O(n log n) each time a node that had heard news picked gossip targets (measured: a quarter of
   * a 1,000-node SWIM simulation while it joined).
   */
  private NodeId[] liveIds = new NodeId[8];
  private boolean[] liveAlive = new boolean[8];
  private int live;
  /** Live members with ids below this node's: the view starts after them, at the successor. */
  private int before;

  /** An empty table of the node {@code self}. */
  public MemberTable(NodeId self) {
    this.self = self;
  }

  /** The record of {@code id}, or null. */
  public Record get(NodeId id) {
    return records.get(id);
  }

  /** Adds a new member; the caller has checked it is unknown and not this node. */
  public Record add(NodeId id, InetSocketAddress address, MemberState state, long incarnation,
      long now) {
    Record r = new Record(id, address, state, incarnation, now);
    records.put(id, r);
    if (state.isLive()) {
      insertLive(r);
    }
    return r;
  }

  /** Removes {@code id}. */
  public void remove(NodeId id) {
    Record r = records.remove(id);
    if (r != null && r.state.isLive()) {
      removeLive(r.id);
    }
  }

  /** Tells the table that {@code r}'s state changed from {@code before}, so the view follows. */
  public void changed(MemberState before, Record r) {
    boolean wasLive = before.isLive();
    boolean isLive = r.state.isLive();
    if (wasLive && !isLive) {
      removeLive(r.id);
    } else if (!wasLive && isLive) {
      insertLive(r);
    } else if (isLive) {
      liveAlive[position(r.id)] = r.state == MemberState.ALIVE;
    }
  }

  private void insertLive(Record r) {
    int at = -position(r.id) - 1;
    if (live == liveIds.length) {
      liveIds = Arrays.copyOf(liveIds, live * 2);
      liveAlive = Arrays.copyOf(liveAlive, live * 2);
    }
    System.arraycopy(liveIds, at, liveIds, at + 1, live - at);
    System.arraycopy(liveAlive, at, liveAlive, at + 1, live - at);
    liveIds[at] = r.id;
    liveAlive[at] = r.state == MemberState.ALIVE;
    live++;
    if (r.id.compareTo(self) < 0) {
      before++;
    }
  }

  private void removeLive(NodeId id) {
    int at = position(id);
    System.arraycopy(liveIds, at + 1, liveIds, at, live - at - 1);
    System.arraycopy(liveAlive, at + 1, liveAlive, at, live - at - 1);
    live--;
    liveIds[live] = null;
    if (id.compareTo(self) < 0) {
      before--;
    }
  }

  /** Index of {@code id} among the live ids, or -(insertion point) - 1. */
  private int position(NodeId id) {
    return Arrays.binarySearch(liveIds, 0, live, id);
  }

  /** Members known, dead ones included. */
  public int size() {
    return records.size();
  }

  /** Every record, in no particular order; do not modify the table while iterating. */
  public Collection<Record> records() {
    return records.values();
  }

  /** ALIVE and SUSPECT members, this node excluded. */
  public int liveCount() {
    return live;
  }

  /** The live members as a peer view. */
  public PeerView view() {
    return view;
  }

  /** The live peers in ring order from this node's successor; follows the table as it changes. */
  private final class View implements PeerView {
    @Override
    public int size() {
      return live;
    }

    @Override
    public NodeId get(int index) {
      return liveIds[ringSlot(index)];
    }

    @Override
    public boolean isLive(int index) {
      return liveAlive[ringSlot(index)];
    }

    private int ringSlot(int index) {
      Objects.checkIndex(index, live);
      int slot = before + index;
      return slot < live ? slot : slot - live;
    }

    @Override
    public String toString() {
      NodeId[] ring = new NodeId[live];
      for (int i = 0; i < live; i++) {
        ring[i] = get(i);
      }
      return Arrays.toString(ring);
    }
  }
}
