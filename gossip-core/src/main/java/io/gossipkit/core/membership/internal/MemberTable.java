package io.gossipkit.core.membership.internal;

import io.gossipkit.api.Member;
import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Internal: may change at any time. The members one node knows, itself excluded, and the {@link
 * PeerView} of the live ones that its dissemination strategy gossips with.
 *
 * <p>The view lists ALIVE and SUSPECT members in ring order starting at this node's successor,
 * and calls only ALIVE ones live, so selectors pass over suspects. It is rebuilt lazily after a
 * change, on the node's executor; a view never changes during one call.
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
  private boolean dirty = true;

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
    dirty = true;
    return r;
  }

  /** Removes {@code id}. */
  public void remove(NodeId id) {
    if (records.remove(id) != null) {
      dirty = true;
    }
  }

  /** Tells the table a record's state changed, so the view is rebuilt. */
  public void changed() {
    dirty = true;
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
    refresh();
    return view.ids.length;
  }

  /** The live members as a peer view. */
  public PeerView view() {
    return view;
  }

  private void refresh() {
    if (!dirty) {
      return;
    }
    dirty = false;
    ArrayList<Record> live = new ArrayList<>();
    for (Record r : records.values()) {
      if (r.state.isLive()) {
        live.add(r);
      }
    }
    live.sort((a, b) -> a.id.compareTo(b.id));
    int n = live.size();
    // The ring starts at this node's successor: the first id greater than its own.
    int start = 0;
    while (start < n && live.get(start).id.compareTo(self) < 0) {
      start++;
    }
    NodeId[] ids = new NodeId[n];
    boolean[] alive = new boolean[n];
    for (int i = 0; i < n; i++) {
      Record r = live.get((start + i) % n);
      ids[i] = r.id;
      alive[i] = r.state == MemberState.ALIVE;
    }
    view.ids = ids;
    view.alive = alive;
  }

  /** The live peers, rebuilt on first use after a change. */
  private final class View implements PeerView {
    NodeId[] ids = new NodeId[0];
    boolean[] alive = new boolean[0];

    @Override
    public int size() {
      refresh();
      return ids.length;
    }

    @Override
    public NodeId get(int index) {
      refresh();
      return ids[index];
    }

    @Override
    public boolean isLive(int index) {
      refresh();
      return alive[index];
    }

    @Override
    public String toString() {
      refresh();
      return Arrays.toString(ids);
    }
  }
}
