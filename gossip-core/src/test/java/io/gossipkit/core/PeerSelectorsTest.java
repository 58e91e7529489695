package io.gossipkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Focused checks of the built-in selectors' own promises (ring order, hot-path cost, round-robin
 * passes, the exclude wrapper). The shared rules R1.x are checked by the testkit's contract tests;
 * this test does not depend on the testkit.
 */
class PeerSelectorsTest {
  private static final NodeId STRANGER = NodeId.of("not-in-view");

  @Test
  void ringReturnsTheFirstSuccessorsInRingOrder() {
    PeerView view = new ListView(8);

    assertEquals(List.of(id(0)), PeerSelectors.ring().select(view, 1, null, seeded()));
    assertEquals(
        List.of(id(0), id(1), id(2)), PeerSelectors.ring().select(view, 3, null, seeded()));
  }

  @Test
  void ringSkipsDeadSuccessorSoOneFailureDoesNotStallTheRing() {
    ListView view = new ListView(8);
    view.kill(0);
    view.kill(2);

    assertEquals(List.of(id(1)), PeerSelectors.ring().select(view, 1, null, seeded()));
    assertEquals(List.of(id(1), id(3)), PeerSelectors.ring().select(view, 2, null, seeded()));
  }

  @Test
  void ringSkipsTheExcludedSuccessorAndTakesTheNextLivePeer() {
    ListView view = new ListView(5);
    view.kill(1);

    // An equal id, not the same instance: exclusion compares by value.
    NodeId exclude = NodeId.of(id(0).value());
    assertEquals(List.of(id(2)), PeerSelectors.ring().select(view, 1, exclude, seeded()));
    assertEquals(
        List.of(id(2), id(3), id(4)), PeerSelectors.ring().select(view, 10, exclude, seeded()));
  }

  @Test
  void ringReturnsEmptyWhenNoPeerIsLive() {
    ListView view = new ListView(4);
    for (int i = 0; i < 4; i++) {
      view.kill(i);
    }

    assertEquals(List.of(), PeerSelectors.ring().select(view, 1, null, seeded()));
    assertEquals(List.of(), PeerSelectors.ring().select(view, 3, null, seeded()));
  }

  @Test
  void randomWithCountOneNeverReturnsTheExcludedPeer() {
    PeerView view = new ListView(2);
    RandomSource random = seeded();
    for (int call = 0; call < 2_000; call++) {
      assertEquals(List.of(id(1)), PeerSelectors.random().select(view, 1, id(0), random));
    }
  }

  @Test
  void randomReturnsEmptyWhenTheOnlyPeerIsExcluded() {
    PeerView view = new ListView(1);

    assertEquals(List.of(), PeerSelectors.random().select(view, 1, id(0), seeded()));
    assertEquals(List.of(), PeerSelectors.random().select(view, 3, id(0), seeded()));
  }

  @Test
  void randomWithCountOneReadsOnlyOnePeerOfAHugeLiveView() {
    CountingView view = new CountingView(1_000_000);
    RandomSource random = seeded();
    for (int call = 0; call < 1_000; call++) {
      PeerSelectors.random().select(view, 1, null, random);
    }

    // One draw per call: a scan of a million-node view would show up as millions of reads.
    assertEquals(1_000, view.reads, "view reads for 1000 single picks");
  }

  @Test
  void randomWithCountOneFindsTheLastLivePeerByScanning() {
    ListView view = new ListView(1_000);
    for (int i = 0; i < 1_000; i++) {
      if (i != 617) {
        view.kill(i);
      }
    }
    RandomSource random = seeded();
    for (int call = 0; call < 20; call++) {
      assertEquals(List.of(id(617)), PeerSelectors.random().select(view, 1, null, random));
    }
  }

  @Test
  void randomSmallCountFallsBackToScanWhenMostPeersAreDead() {
    ListView view = new ListView(400);
    for (int i = 0; i < 400; i++) {
      if (i % 100 != 0) {
        view.kill(i);
      }
    }
    // 4 live peers of 400: rejection gives up and the shuffle path returns all four.
    List<NodeId> picked = PeerSelectors.random().select(view, 4, null, seeded());

    assertEquals(Set.of(id(0), id(100), id(200), id(300)), new HashSet<>(picked));
  }

  @Test
  void randomWithCountAtLeastTheViewReturnsEveryEligiblePeerOnce() {
    ListView view = new ListView(10);
    view.kill(3);
    List<NodeId> picked = PeerSelectors.random().select(view, 50, id(0), seeded());

    Set<NodeId> expected = new HashSet<>();
    for (int i = 1; i < 10; i++) {
      if (i != 3) {
        expected.add(id(i));
      }
    }
    assertEquals(expected.size(), picked.size(), "picked " + picked);
    assertEquals(expected, new HashSet<>(picked));
  }

  @Test
  void randomIsOneSharedStatelessInstance() {
    assertSame(PeerSelectors.random(), PeerSelectors.random());
    assertSame(PeerSelectors.ring(), PeerSelectors.ring());
  }

  @Test
  void shuffledRoundRobinPicksEveryLivePeerOncePerPass() {
    ListView view = new ListView(10);
    view.kill(4);
    PeerSelector selector = PeerSelectors.shuffledRoundRobin();
    RandomSource random = seeded();
    for (int pass = 0; pass < 3; pass++) {
      Set<NodeId> seen = new HashSet<>();
      for (int call = 0; call < 9; call++) {
        List<NodeId> picked = selector.select(view, 1, null, random);
        assertEquals(1, picked.size());
        assertTrue(seen.add(picked.get(0)), "pass " + pass + " repeated " + picked);
      }
      assertFalse(seen.contains(id(4)), "dead peer picked in pass " + pass);
    }
  }

  @Test
  void shuffledRoundRobinOrderDiffersBetweenPasses() {
    PeerView view = new ListView(20);
    PeerSelector selector = PeerSelectors.shuffledRoundRobin();
    RandomSource random = seeded();
    List<NodeId> firstPass = selector.select(view, 20, null, random);
    List<NodeId> secondPass = selector.select(view, 20, null, random);

    assertEquals(new HashSet<>(firstPass), new HashSet<>(secondPass));
    // Equal orders would mean no reshuffle; for 20 peers the chance is 1 in 20!.
    assertFalse(firstPass.equals(secondPass), "second pass reused the order " + firstPass);
  }

  @Test
  void shuffledRoundRobinStartsAtAnyPeerWithEqualChance() {
    PeerView view = new ListView(3);
    RandomSource random = seeded();
    int[] firstPicks = new int[3];
    for (int node = 0; node < 3_000; node++) {
      NodeId first = PeerSelectors.shuffledRoundRobin().select(view, 1, null, random).get(0);
      firstPicks[Integer.parseInt(first.value().substring(1))]++;
    }

    // A uniform shuffle gives about 1000 each; a cyclic one (Sattolo's) never starts at peer 0.
    for (int i = 0; i < 3; i++) {
      assertTrue(
          firstPicks[i] > 850 && firstPicks[i] < 1150,
          "first picks per peer " + Arrays.toString(firstPicks));
    }
  }

  @Test
  void shuffledRoundRobinReshufflesWhenTheViewShrinks() {
    PeerSelector selector = PeerSelectors.shuffledRoundRobin();
    RandomSource random = seeded();
    selector.select(new ListView(10), 1, null, random);

    // The old permutation holds indexes up to 9; a stale one would throw or read past the view.
    ListView smaller = new ListView(3);
    for (int call = 0; call < 10; call++) {
      List<NodeId> picked = selector.select(smaller, 2, null, random);
      assertEquals(2, picked.size());
      assertTrue(List.of(id(0), id(1), id(2)).containsAll(picked), "picked " + picked);
    }
  }

  @Test
  void shuffledRoundRobinPicksDistinctPeersAcrossTheEndOfAPass() {
    PeerView view = new ListView(5);
    PeerSelector selector = PeerSelectors.shuffledRoundRobin();
    RandomSource random = seeded();
    selector.select(view, 3, null, random);
    for (int call = 0; call < 50; call++) {
      // Two of the three picks come from a new permutation half of the time.
      List<NodeId> picked = selector.select(view, 3, null, random);
      assertEquals(3, new HashSet<>(picked).size(), "call " + call + " picked " + picked);
    }
  }

  @Test
  void shuffledRoundRobinGivesEachNodeItsOwnSelector() {
    assertNotSame(PeerSelectors.shuffledRoundRobin(), PeerSelectors.shuffledRoundRobin());
  }

  @Test
  void excludingSenderDropsTheSenderAndTopsUpFromTheDelegate() {
    PeerView view = new ListView(6);
    List<Integer> asked = new ArrayList<>();
    // Ignores exclude and always starts with peer 0.
    PeerSelector careless =
        (v, count, exclude, random) -> {
          asked.add(count);
          List<NodeId> peers = new ArrayList<>();
          for (int i = 0; i < count && i < v.size(); i++) {
            peers.add(v.get(i));
          }
          return peers;
        };

    List<NodeId> picked =
        PeerSelectors.excludingSender(careless).select(view, 2, id(0), seeded());

    assertEquals(List.of(id(1), id(2)), picked);
    assertEquals(List.of(2, 3), asked, "counts asked of the delegate");
  }

  @Test
  void excludingSenderReturnsTheDelegatesAnswerWhenItHasNoSender() {
    List<NodeId> answer = List.of(id(1), id(2));
    PeerSelector fixed = (v, count, exclude, random) -> answer;

    PeerSelector wrapped = PeerSelectors.excludingSender(fixed);

    assertSame(answer, wrapped.select(new ListView(4), 2, id(0), seeded()));
    assertSame(answer, wrapped.select(new ListView(4), 2, STRANGER, seeded()));
  }

  @Test
  void excludingSenderDropsDuplicatesWhileToppingUp() {
    PeerSelector repetitive = (v, count, exclude, random) -> List.of(id(0), id(1), id(1), id(2));

    List<NodeId> picked =
        PeerSelectors.excludingSender(repetitive).select(new ListView(4), 3, id(0), seeded());

    assertEquals(List.of(id(1), id(2)), picked);
  }

  @Test
  void excludingSenderRejectsANullDelegate() {
    assertThrows(NullPointerException.class, () -> PeerSelectors.excludingSender(null));
  }

  @Test
  void everySelectorRejectsACountBelowOne() {
    PeerView view = new ListView(3);
    for (PeerSelector selector :
        List.of(
            PeerSelectors.random(),
            PeerSelectors.ring(),
            PeerSelectors.shuffledRoundRobin(),
            PeerSelectors.excludingSender(PeerSelectors.random()))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> selector.select(view, 0, null, seeded()),
              selector.toString());
      assertEquals("count must be >= 1, was 0", e.getMessage());
    }
  }

  private static RandomSource seeded() {
    return RandomSource.seeded(20240611L);
  }

  private static NodeId id(int index) {
    return NodeId.of(String.format("n%07d", index));
  }

  /** A view of peers {@code n0000000, n0000001, ...}, all live until killed. */
  private static final class ListView implements PeerView {
    private final List<NodeId> peers = new ArrayList<>();
    private final Set<Integer> dead = new HashSet<>();

    ListView(int size) {
      for (int i = 0; i < size; i++) {
        peers.add(id(i));
      }
    }

    void kill(int index) {
      dead.add(index);
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
      return !dead.contains(index);
    }
  }

  /** A huge all-live view that makes ids on demand and counts how many peers were read. */
  private static final class CountingView implements PeerView {
    private final int size;
    long reads;

    CountingView(int size) {
      this.size = size;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public NodeId get(int index) {
      reads++;
      return id(index);
    }

    @Override
    public boolean isLive(int index) {
      return true;
    }
  }
}
