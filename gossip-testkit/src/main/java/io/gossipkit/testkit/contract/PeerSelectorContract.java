package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link PeerSelector} must pass: rules R1.x of
 * docs/contracts.md, one test per rule.
 *
 * <p>Extend it, implement {@link #newPeerSelector()}, and override a capability method where your
 * selector legitimately differs from the strict default; the rules that depend on it are then
 * skipped with the reason, not silently passed. Every test is deterministic: it draws from {@link
 * RandomSource#seeded(long)} with {@link #seed()}, and every failure message names the selector,
 * the view, the count, the excluded peer and the seed. Every test runs under a timeout in its own
 * thread, so a selector that loops forever fails instead of hanging the build.
 *
 * <pre>{@code
 * class MyPeerSelectorContractTest extends PeerSelectorContract {
 *   @Override
 *   protected PeerSelector newPeerSelector() {
 *     return new MyPeerSelector();
 *   }
 *
 *   @Override
 *   protected boolean isUniform() {
 *     return true; // claims R1.6: every eligible peer equally likely
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class PeerSelectorContract {
  /** An id that no view built by this contract contains, for calls whose exclude is elsewhere. */
  private static final NodeId STRANGER = NodeId.of("stranger-not-in-any-view");

  /**
   * Creates the selector under test, as a node would when it starts: a stateful selector must
   * return a fresh instance on every call, a stateless one may return a shared instance.
   */
  protected abstract PeerSelector newPeerSelector();

  /**
   * Whether the selector returns only live peers ({@link PeerView#isLive}); default true. Return
   * false only for a selector that deliberately contacts dead peers (to detect recoveries, say):
   * R1.5 is then skipped and R1.3 and R1.7 use views where every peer is live.
   */
  protected boolean selectsOnlyLivePeers() {
    return true;
  }

  /**
   * Whether every eligible peer is equally likely to be selected over many calls; default false.
   * Return true to have R1.6 check it.
   */
  protected boolean isUniform() {
    return false;
  }

  /**
   * Whether repeated calls with {@code count == 1} eventually reach every eligible peer; default
   * true. Return false only for a selector that by design talks to fixed neighbours (a ring's
   * successor, say), which covers the cluster only together with the other nodes' selectors: R1.7
   * is then skipped.
   */
  protected boolean reachesEveryLivePeer() {
    return true;
  }

  /**
   * The id of the peer at {@code index} in the views this contract builds; default {@link
   * TestViews#defaultId(int)}. Override it when your selector treats ids differently (by zone
   * prefix, say) so the contract exercises those paths. Ids must be distinct.
   */
  protected NodeId peerId(int index) {
    return TestViews.defaultId(index);
  }

  /** The seed of every random source the contract creates; override it to explore other runs. */
  protected long seed() {
    return 0x60551FL;
  }

  /**
   * R1.1: the selector never returns {@code exclude}, the sender of the message being relayed.
   *
   * <p>On failure check that the selector compares ids with {@code equals}, not {@code ==} (this
   * test passes an equal but distinct {@code NodeId}), and that every sampling path (single pick,
   * small count, count near the view size, fallback scan) skips {@code exclude}.
   */
  @Test
  public void required_r1_1_neverSelectsExcludedPeer() {
    RandomSource random = newRandom();
    for (int size : new int[] {1, 2, 3, 10, 100}) {
      for (PeerView view : List.of(view(size), view(size, deadEveryThird(size)))) {
        PeerSelector selector = newSelector();
        int repetitions = size <= 10 ? 20 : 2;
        for (int excluded = 0; excluded < size; excluded++) {
          NodeId exclude = NodeId.of(view.get(excluded).value());
          for (int count : counts(1, 2, size)) {
            for (int rep = 0; rep < repetitions; rep++) {
              List<NodeId> picked = select(selector, view, count, exclude, random);
              assertFalse(
                  picked.contains(exclude),
                  () -> "R1.1 returned the excluded peer: " + picked + " from "
                      + describe(selector, view, count, exclude));
            }
          }
        }
      }
    }
  }

  /**
   * R1.2: one call never returns the same peer twice, and never a null.
   *
   * <p>On failure check the duplicate check of the sampler (rejection sampling must compare each
   * draw with the earlier picks) and, for a stateful selector, calls that cross the end of one
   * pass: the next pass may start with a peer already picked in this call.
   */
  @Test
  public void required_r1_2_neverSelectsTheSamePeerTwiceInOneCall() {
    RandomSource random = newRandom();
    for (int size : new int[] {2, 3, 5, 10, 100}) {
      for (PeerView view : List.of(view(size), view(size, deadEveryThird(size)))) {
        PeerSelector selector = newSelector();
        int repetitions = size <= 10 ? 20 : 5;
        for (NodeId exclude : new NodeId[] {null, view.get(1)}) {
          for (int count : counts(2, 3, size / 2, size - 1, size, size + 1)) {
            for (int rep = 0; rep < repetitions; rep++) {
              List<NodeId> picked = select(selector, view, count, exclude, random);
              // Not picked.contains(null): List.of(...) lists throw on a null argument.
              assertTrue(
                  picked.stream().allMatch(peer -> peer != null),
                  () -> "R1.2 returned a null peer: " + picked + " from "
                      + describe(selector, view, count, exclude));
              assertEquals(
                  picked.size(),
                  new HashSet<>(picked).size(),
                  () -> "R1.2 returned a peer twice: " + picked + " from "
                      + describe(selector, view, count, exclude));
            }
          }
        }
      }
    }
  }

  /**
   * R1.3: the selector returns exactly {@code min(count, eligible)} peers, where eligible means
   * live (unless {@link #selectsOnlyLivePeers()} is false) and not {@code exclude}.
   *
   * <p>One selector serves every call, across views of changing size, as a node's does while
   * members join and leave. On failure check that the sampler does not give up early (a bounded
   * number of random draws must fall back to a scan, not return fewer peers), that it returns all
   * eligible peers when {@code count} exceeds them, and that a stateful selector notices a view
   * of another size.
   */
  @Test
  public void required_r1_3_selectsMinOfCountAndEligiblePeers() {
    RandomSource random = newRandom();
    PeerSelector selector = newSelector();
    for (int size : new int[] {1, 2, 3, 5, 16, 100, 7, 1}) {
      List<PeerView> views = new ArrayList<>(List.of(view(size)));
      if (selectsOnlyLivePeers()) {
        views.add(view(size, deadEveryThird(size)));
      }
      for (PeerView view : views) {
        for (NodeId exclude : new NodeId[] {null, NodeId.of(view.get(0).value()), STRANGER}) {
          int eligible = TestViews.eligiblePeers(view, exclude).size();
          for (int count : counts(1, 2, 3, size - 1, size, size + 1)) {
            for (int rep = 0; rep < 3; rep++) {
              List<NodeId> picked = select(selector, view, count, exclude, random);
              assertEquals(
                  Math.min(count, eligible),
                  picked.size(),
                  () -> "R1.3 returned " + picked + " (" + eligible + " eligible) from "
                      + describe(selector, view, count, exclude));
            }
          }
        }
      }
    }
  }

  /**
   * R1.4: an empty view gives an empty list, not null and not an exception, whatever the count
   * and exclude, even for a selector that has already walked a larger view.
   *
   * <p>On failure check for a division or {@code nextInt(0)} on the view size, and for state left
   * from the previous view (a stale permutation, a cursor past the end).
   */
  @Test
  public void required_r1_4_emptyViewGivesEmptySelection() {
    RandomSource random = newRandom();
    PeerView empty = TestViews.empty();
    for (NodeId exclude : new NodeId[] {null, STRANGER}) {
      for (int count : new int[] {1, 2, 5}) {
        PeerSelector fresh = newSelector();
        List<NodeId> picked = select(fresh, empty, count, exclude, random);
        assertTrue(
            picked.isEmpty(),
            () -> "R1.4 returned " + picked + " from " + describe(fresh, empty, count, exclude));

        PeerSelector used = newSelector();
        select(used, view(10), count, exclude, random);
        List<NodeId> afterUse = select(used, empty, count, exclude, random);
        assertTrue(
            afterUse.isEmpty(),
            () -> "R1.4 returned " + afterUse + " after a call on a 10-peer view, from "
                + describe(used, empty, count, exclude));
      }
    }
  }

  /**
   * R1.5: the selector returns only live peers, and an empty list when none is live.
   *
   * <p>Skipped when {@link #selectsOnlyLivePeers()} is false. On failure check every sampling
   * path for a missing {@code view.isLive(i)} test, the fallback scan in particular (it runs when
   * random draws keep hitting dead peers, as in the mostly dead views here).
   */
  @Test
  public void required_r1_5_selectsOnlyLivePeers() {
    Assumptions.assumeTrue(
        selectsOnlyLivePeers(),
        "selectsOnlyLivePeers() is false: the selector may pick dead peers");
    RandomSource random = newRandom();
    List<PeerView> views =
        List.of(
            view(10, 0, 2, 4, 6, 8),
            view(10, 0, 1, 2, 3, 4, 5, 6, 7, 8),
            view(30, range(1, 29)),
            view(5, 0, 1, 2, 3, 4));
    for (PeerView view : views) {
      PeerSelector selector = newSelector();
      Map<NodeId, Integer> index = indexOf(view);
      for (NodeId exclude : new NodeId[] {null, view.get(view.size() - 1)}) {
        for (int count : new int[] {1, 2, 3, 10}) {
          for (int rep = 0; rep < 20; rep++) {
            List<NodeId> picked = select(selector, view, count, exclude, random);
            for (NodeId peer : picked) {
              Integer i = index.get(peer);
              assertTrue(
                  i != null && view.isLive(i),
                  () -> "R1.5 returned dead peer " + peer + " in " + picked + " from "
                      + describe(selector, view, count, exclude));
            }
          }
        }
      }
    }
  }

  /**
   * R1.6 (optional): over many calls every eligible peer is picked about equally often.
   *
   * <p>Skipped unless {@link #isUniform()} is true. The check is a chi-square statistic against
   * the uniform count with a bound of {@code dof + 10 * sqrt(2 * dof)}, far in the tail, so a
   * uniform selector passes with any seed and the seeded run is deterministic anyway. On failure
   * look at the printed counts: a peer picked far more often points at a biased index (the
   * {@code nextInt(n) % m} pattern, an off-by-one in a shuffle, or a fallback that always scans
   * from index 0).
   */
  @Test
  public void optional_r1_6_uniformOverManyDraws() {
    Assumptions.assumeTrue(isUniform(), "isUniform() is false: the selector does not claim R1.6");
    RandomSource random = newRandom();
    // One peer per call, the gossip hot path.
    checkUniform(view(20), 1, null, 8_000, random);
    // A few peers per call, some dead, the sender left out.
    PeerView withDead = selectsOnlyLivePeers() ? view(20, 3, 11) : view(20);
    checkUniform(withDead, 3, withDead.get(5), 4_000, random);
    // Most of the view per call: a sampler that shuffles too little favours the first peers.
    checkUniform(view(12), 9, null, 2_000, random);
    // One live peer in twenty: random draws keep missing, so a fallback scan must stay uniform.
    PeerView mostlyDead = selectsOnlyLivePeers() ? view(200, allBut(200, 20)) : view(200);
    checkUniform(mostlyDead, 1, null, 4_000, random);
  }

  /**
   * R1.7: repeated calls with {@code count == 1} reach every eligible peer within a bounded
   * number of calls, so no live peer is starved of gossip.
   *
   * <p>Skipped when {@link #reachesEveryLivePeer()} is false. The bound is 64 calls per eligible
   * peer: a uniform selector misses a given peer in that many calls with probability about
   * {@code e^-64}. On failure the message lists the peers never picked: check for a selector that
   * sticks to the first eligible peers, or a walk that never wraps around.
   */
  @Test
  public void required_r1_7_everyLivePeerIsEventuallySelected() {
    Assumptions.assumeTrue(
        reachesEveryLivePeer(),
        "reachesEveryLivePeer() is false: the selector talks to fixed neighbours by design");
    RandomSource random = newRandom();
    PeerView small = selectsOnlyLivePeers() ? view(16, 3, 7) : view(16);
    checkReachesAll(small, 1, null, random);
    checkReachesAll(small, 1, small.get(0), random);
    PeerView large = selectsOnlyLivePeers() ? view(200, deadEveryThird(200)) : view(200);
    checkReachesAll(large, 1, large.get(198), random);
  }

  /**
   * R1.8: every returned peer is a peer of the view (so never this node, which the view does not
   * list), whatever {@code exclude} is.
   *
   * <p>On failure check for ids cached from an earlier view or built rather than read with {@code
   * view.get(i)}, and for an index read past {@code view.size()}.
   */
  @Test
  public void required_r1_8_selectsOnlyPeersOfTheView() {
    RandomSource random = newRandom();
    PeerSelector selector = newSelector();
    for (int size : new int[] {1, 3, 10, 100, 4}) {
      PeerView view = view(size);
      Set<NodeId> members = new HashSet<>(TestViews.peers(view));
      for (NodeId exclude : new NodeId[] {null, STRANGER, view.get(size / 2)}) {
        for (int count : counts(1, 2, size, size + 1)) {
          for (int rep = 0; rep < 5; rep++) {
            List<NodeId> picked = select(selector, view, count, exclude, random);
            for (NodeId peer : picked) {
              assertTrue(
                  members.contains(peer),
                  () -> "R1.8 returned " + peer + ", not a peer of the view, in " + picked
                      + " from " + describe(selector, view, count, exclude));
            }
          }
        }
      }
    }
  }

  private void checkUniform(
      PeerView view, int count, NodeId exclude, int calls, RandomSource random) {
    PeerSelector selector = newSelector();
    Set<NodeId> eligible = TestViews.eligiblePeers(view, exclude);
    Map<NodeId, Integer> hits = new HashMap<>();
    for (NodeId peer : eligible) {
      hits.put(peer, 0);
    }
    for (int call = 0; call < calls; call++) {
      for (NodeId peer : select(selector, view, count, exclude, random)) {
        hits.merge(peer, 1, Integer::sum);
      }
    }
    double expected = (double) calls * Math.min(count, eligible.size()) / eligible.size();
    double chiSquare = 0;
    for (int observed : hits.values()) {
      chiSquare += (observed - expected) * (observed - expected) / expected;
    }
    int dof = eligible.size() - 1;
    double bound = dof + 10 * Math.sqrt(2.0 * dof);
    if (hits.size() != eligible.size() || chiSquare > bound) {
      fail(
          String.format(
              "R1.6 not uniform: chi-square %.1f > bound %.1f (%d dof), expected %.1f hits per"
                  + " peer, got %s over %d calls of %s",
              chiSquare, bound, dof, expected, new TreeMap<>(hits), calls,
              describe(selector, view, count, exclude)));
    }
  }

  private void checkReachesAll(PeerView view, int count, NodeId exclude, RandomSource random) {
    PeerSelector selector = newSelector();
    Set<NodeId> eligible = TestViews.eligiblePeers(view, exclude);
    Set<NodeId> seen = new LinkedHashSet<>();
    int maxCalls = 64 * eligible.size();
    for (int call = 0; call < maxCalls && seen.size() < eligible.size(); call++) {
      seen.addAll(select(selector, view, count, exclude, random));
    }
    Set<NodeId> missing = new TreeSet<>(eligible);
    missing.removeAll(seen);
    assertTrue(
        missing.isEmpty(),
        () -> "R1.7 never picked " + missing + " in " + maxCalls + " calls of "
            + describe(selector, view, count, exclude));
  }

  private PeerSelector newSelector() {
    PeerSelector selector = newPeerSelector();
    assertNotNull(selector, "newPeerSelector() returned null");
    return selector;
  }

  private RandomSource newRandom() {
    return RandomSource.seeded(seed());
  }

  private List<NodeId> select(
      PeerSelector selector, PeerView view, int count, NodeId exclude, RandomSource random) {
    List<NodeId> picked = selector.select(view, count, exclude, random);
    assertNotNull(picked, () -> "returned null instead of a list from "
        + describe(selector, view, count, exclude));
    return picked;
  }

  private String describe(PeerSelector selector, PeerView view, int count, NodeId exclude) {
    return selector + ".select(" + view + ", count=" + count + ", exclude=" + exclude
        + ") with seed() " + seed();
  }

  private PeerView view(int size, int... dead) {
    return TestViews.withDead(size, this::peerId, dead);
  }

  private static Map<NodeId, Integer> indexOf(PeerView view) {
    Map<NodeId, Integer> index = new HashMap<>();
    for (int i = 0; i < view.size(); i++) {
      index.put(view.get(i), i);
    }
    return index;
  }

  /** Every third peer from index 1 dead: dead peers both first-adjacent and spread out. */
  private static int[] deadEveryThird(int size) {
    return IntStream.range(0, size).filter(i -> i % 3 == 1).toArray();
  }

  /** The indexes in {@code [0, size)} that are not multiples of {@code step}. */
  private static int[] allBut(int size, int step) {
    return IntStream.range(0, size).filter(i -> i % step != 0).toArray();
  }

  private static int[] range(int fromInclusive, int toExclusive) {
    return IntStream.range(fromInclusive, toExclusive).toArray();
  }

  /** The distinct counts among {@code candidates} that are at least 1 (the API's minimum). */
  private static int[] counts(int... candidates) {
    return Arrays.stream(candidates).filter(c -> c >= 1).distinct().toArray();
  }
}
