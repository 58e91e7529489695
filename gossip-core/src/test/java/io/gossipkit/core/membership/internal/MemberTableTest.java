package io.gossipkit.core.membership.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gossipkit.api.MemberState;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerView;
import io.gossipkit.core.membership.internal.MemberTable.Record;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The live view a {@link MemberTable} keeps in place as members come, go and change state. */
class MemberTableTest {
  private static final InetSocketAddress A = InetSocketAddress.createUnresolved("h", 1);

  /** The view as it should be: live members sorted by id, rotated to start after {@code self}. */
  private static List<String> expectedRing(MemberTable t, NodeId self) {
    List<NodeId> live = new ArrayList<>();
    for (Record r : t.records()) {
      if (r.state.isLive()) {
        live.add(r.id);
      }
    }
    live.sort(null);
    int start = 0;
    while (start < live.size() && live.get(start).compareTo(self) < 0) {
      start++;
    }
    List<String> ring = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) {
      NodeId id = live.get((start + i) % live.size());
      ring.add(id + "=" + t.get(id).state);
    }
    return ring;
  }

  private static List<String> ring(PeerView v, MemberTable t) {
    List<String> ring = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      NodeId id = v.get(i);
      // isLive must say ALIVE for exactly the ALIVE ones: SUSPECT members are listed, not live.
      assertEquals(t.get(id).state == MemberState.ALIVE, v.isLive(i), id.toString());
      ring.add(id + "=" + t.get(id).state);
    }
    return ring;
  }

  @Test
  void theViewStartsAtTheSuccessorAndListsSuspectsAsNotLive() {
    NodeId self = NodeId.of("m");
    MemberTable t = new MemberTable(self);
    t.add(NodeId.of("a"), A, MemberState.ALIVE, 0, 0);
    t.add(NodeId.of("z"), A, MemberState.ALIVE, 0, 0);
    Record p = t.add(NodeId.of("p"), A, MemberState.ALIVE, 0, 0);
    t.add(NodeId.of("d"), A, MemberState.DEAD, 0, 0);
    assertEquals(List.of("p=ALIVE", "z=ALIVE", "a=ALIVE"), ring(t.view(), t));

    p.state = MemberState.SUSPECT;
    t.changed(MemberState.ALIVE, p);
    assertEquals(List.of("p=SUSPECT", "z=ALIVE", "a=ALIVE"), ring(t.view(), t));
    assertEquals(3, t.liveCount());

    p.state = MemberState.DEAD;
    t.changed(MemberState.SUSPECT, p);
    assertEquals(List.of("z=ALIVE", "a=ALIVE"), ring(t.view(), t));
    assertEquals(2, t.liveCount());
    assertThrows(IndexOutOfBoundsException.class, () -> t.view().get(2));
  }

  @Test
  void theViewMatchesASortedRebuildAfterEveryOneOfThousandsOfRandomChanges() {
    Random random = new Random(42);
    NodeId self = NodeId.of("n050");
    MemberTable t = new MemberTable(self);
    MemberState[] states = MemberState.values();
    for (int step = 0; step < 5_000; step++) {
      NodeId id = NodeId.of(String.format("n%03d", random.nextInt(100)));
      if (id.equals(self)) {
        continue;
      }
      Record r = t.get(id);
      int op = random.nextInt(10);
      if (r == null) {
        t.add(id, A, states[random.nextInt(states.length)], 0, step);
      } else if (op == 0) {
        t.remove(id);
      } else {
        MemberState before = r.state;
        r.state = states[random.nextInt(states.length)];
        t.changed(before, r);
      }
      assertEquals(expectedRing(t, self), ring(t.view(), t), "after step " + step);
      assertEquals(expectedRing(t, self).size(), t.liveCount());
    }
  }
}
