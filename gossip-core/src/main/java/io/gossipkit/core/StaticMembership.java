package io.gossipkit.core;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import java.util.BitSet;
import java.util.Objects;

/**
 * A fixed member list shared by many engines, each seeing it as a {@link PeerView} that starts at
 * its own successor.
 *
 * <p>Used where membership is known in advance: simulations of very large clusters (one list for
 * a million engines instead of a million lists) and small static deployments. Liveness comes from
 * a shared set of down members that the owner updates (a simulator's oracle); a ring selector
 * skips them.
 */
public final class StaticMembership {
  private final NodeId[] members;
  private final BitSet down = new BitSet();

  /** A membership of exactly {@code members}, in ring order. */
  public StaticMembership(NodeId[] members) {
    this.members = Objects.requireNonNull(members, "members").clone();
  }

  /**
   * Replaces the member at ring position {@code index}; lets a simulator allocate each id next
   * to its engine. Views see the change at once.
   */
  public void setMember(int index, NodeId id) {
    members[index] = Objects.requireNonNull(id, "id");
  }

  /** Number of members. */
  public int size() {
    return members.length;
  }

  /** The member at ring position {@code index}. */
  public NodeId member(int index) {
    return members[index];
  }

  /** Marks a member down (true) or up (false). */
  public void setDown(int index, boolean isDown) {
    down.set(index, isDown);
  }

  /** True if the member at {@code index} is marked down. */
  public boolean isDown(int index) {
    return down.get(index);
  }

  /** The view of the member at ring position {@code selfIndex}. */
  public PeerView viewOf(int selfIndex) {
    if (selfIndex < 0 || selfIndex >= members.length) {
      throw new IndexOutOfBoundsException("selfIndex " + selfIndex + " of " + members.length);
    }
    return new View(this, selfIndex);
  }

  /** One member's view: everyone else, starting at its successor. */
  private static final class View implements PeerView {
    private final StaticMembership m;
    private final int self;

    View(StaticMembership m, int self) {
      this.m = m;
      this.self = self;
    }

    @Override
    public int size() {
      return m.members.length - 1;
    }

    private int slot(int index) {
      if (index < 0 || index >= m.members.length - 1) {
        throw new IndexOutOfBoundsException("index " + index + " of " + size());
      }
      int s = self + 1 + index;
      return s >= m.members.length ? s - m.members.length : s;
    }

    @Override
    public NodeId get(int index) {
      return m.members[slot(index)];
    }

    @Override
    public boolean isLive(int index) {
      return !m.down.get(slot(index));
    }
  }
}
