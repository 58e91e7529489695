package io.gossipkit.testkit.contract;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Builds fixed {@link PeerView}s for tests: N peers in a given ring order, some marked dead.
 *
 * <p>The views are immutable, cheap to build, and print their peers and dead indexes in {@code
 * toString()} so that an assertion message shows the exact view that failed.
 *
 * <pre>{@code
 * PeerView view = TestViews.withDead(10, 2, 5);        // peer-000 .. peer-009, 2 and 5 dead
 * PeerView zones = TestViews.of(List.of(NodeId.of("eu-1"), NodeId.of("us-1")), Set.of());
 * }</pre>
 */
public final class TestViews {
  private TestViews() {}

  /**
   * The id {@code TestViews} gives the peer at {@code index}: {@code peer-000}, {@code peer-001},
   * ... Zero-padded to three digits so that ids sort in index order up to 1000 peers, as in a real
   * ring.
   */
  public static NodeId defaultId(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    return NodeId.of(String.format("peer-%03d", index));
  }

  /** A view with no peers: a node alone in its cluster. */
  public static PeerView empty() {
    return new FixedView(List.of(), new BitSet());
  }

  /** A view of {@code size} live peers named by {@link #defaultId(int)}. */
  public static PeerView allLive(int size) {
    return withDead(size);
  }

  /**
   * A view of {@code size} peers named by {@link #defaultId(int)}, those at {@code deadIndexes}
   * not live.
   *
   * @throws IllegalArgumentException if {@code size} is negative or an index is out of range
   */
  public static PeerView withDead(int size, int... deadIndexes) {
    return withDead(size, TestViews::defaultId, deadIndexes);
  }

  /**
   * A view of {@code size} peers named by {@code ids}, those at {@code deadIndexes} not live. Use
   * it when a selector cares about the ids (zones, say).
   *
   * @param ids the id of the peer at each index; must give distinct ids
   * @throws IllegalArgumentException if {@code size} is negative, an index is out of range, or two
   *     ids are equal
   */
  public static PeerView withDead(int size, IntFunction<NodeId> ids, int... deadIndexes) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
    Objects.requireNonNull(ids, "ids");
    List<NodeId> peers = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      peers.add(Objects.requireNonNull(ids.apply(i), "id of peer " + i));
    }
    BitSet dead = new BitSet(size);
    for (int index : deadIndexes) {
      if (index < 0 || index >= size) {
        throw new IllegalArgumentException(
            "dead index must be in [0, " + size + "), was " + index);
      }
      dead.set(index);
    }
    return new FixedView(peers, dead);
  }

  /**
   * A view of {@code peers} in the given ring order, those in {@code dead} not live.
   *
   * @throws IllegalArgumentException if {@code peers} repeats an id or {@code dead} names a peer
   *     not in {@code peers}
   */
  public static PeerView of(List<NodeId> peers, Set<NodeId> dead) {
    List<NodeId> copy = List.copyOf(peers);
    BitSet deadBits = new BitSet(copy.size());
    for (int i = 0; i < copy.size(); i++) {
      if (dead.contains(copy.get(i))) {
        deadBits.set(i);
      }
    }
    for (NodeId id : dead) {
      if (!copy.contains(id)) {
        throw new IllegalArgumentException("dead peer " + id + " is not in the view " + copy);
      }
    }
    return new FixedView(copy, deadBits);
  }

  /** The peers of {@code view}, in view order. */
  public static List<NodeId> peers(PeerView view) {
    List<NodeId> out = new ArrayList<>(view.size());
    for (int i = 0; i < view.size(); i++) {
      out.add(view.get(i));
    }
    return out;
  }

  /** The live peers of {@code view} other than {@code exclude} (which may be null). */
  public static Set<NodeId> eligiblePeers(PeerView view, NodeId exclude) {
    Set<NodeId> out = new HashSet<>();
    for (int i = 0; i < view.size(); i++) {
      if (view.isLive(i) && !view.get(i).equals(exclude)) {
        out.add(view.get(i));
      }
    }
    return out;
  }

  /** An immutable view over a list; checks ids are distinct, since a view lists each peer once. */
  private static final class FixedView implements PeerView {
    private final List<NodeId> peers;
    private final BitSet dead;

    FixedView(List<NodeId> peers, BitSet dead) {
      if (new HashSet<>(peers).size() != peers.size()) {
        throw new IllegalArgumentException("peer ids must be distinct, were " + peers);
      }
      this.peers = List.copyOf(peers);
      this.dead = (BitSet) dead.clone();
    }

    @Override
    public int size() {
      return peers.size();
    }

    @Override
    public NodeId get(int index) {
      return peers.get(index);
    }

    @Override
    public boolean isLive(int index) {
      Objects.checkIndex(index, peers.size());
      return !dead.get(index);
    }

    @Override
    public String toString() {
      // Large views print their shape only; the ids follow from the naming rule.
      String shown =
          peers.size() <= 20
              ? peers.toString()
              : "[" + peers.get(0) + " .. " + peers.get(peers.size() - 1) + "]";
      return "TestView{size=" + peers.size() + ", peers=" + shown + ", dead="
          + Arrays.toString(dead.stream().toArray()) + "}";
    }
  }
}
