package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.core.PeerSelectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.TestAbortedException;

/**
 * Proves the contract can fail: each selector here breaks exactly one rule, and the test for that
 * rule must reject it. A rule that passed a broken selector would be an assert that cannot fail.
 */
class MisbehavingPeerSelectorContractTest {
  @Test
  void r1_1_rejectsSelectorThatIgnoresExclude() {
    PeerSelector ignoresExclude =
        (view, count, exclude, random) -> PeerSelectors.random().select(view, count, null, random);

    PeerSelectorContract contract = contractFor(ignoresExclude);
    assertFails("R1.1", contract::required_r1_1_neverSelectsExcludedPeer);
  }

  @Test
  void r1_1_rejectsSelectorThatComparesExcludeByIdentity() {
    PeerSelector byIdentity =
        (view, count, exclude, random) -> {
          List<NodeId> out = new ArrayList<>();
          for (int i = 0; i < view.size() && out.size() < count; i++) {
            if (view.isLive(i) && view.get(i) != exclude) {
              out.add(view.get(i));
            }
          }
          return out;
        };

    PeerSelectorContract contract = contractFor(byIdentity);
    assertFails("R1.1", contract::required_r1_1_neverSelectsExcludedPeer);
  }

  @Test
  void r1_2_rejectsSelectorThatRepeatsAPeer() {
    PeerSelector repeats =
        (view, count, exclude, random) -> {
          List<NodeId> out = new ArrayList<>(PeerSelectors.ring().select(view, count, exclude,
              random));
          if (out.size() >= 2) {
            out.set(1, out.get(0));
          }
          return out;
        };

    PeerSelectorContract contract = contractFor(repeats);
    assertFails("R1.2", contract::required_r1_2_neverSelectsTheSamePeerTwiceInOneCall);
  }

  @Test
  void r1_3_rejectsSelectorThatReturnsTooFewPeers() {
    PeerSelector atMostTwo =
        (view, count, exclude, random) ->
            PeerSelectors.random().select(view, Math.min(count, 2), exclude, random);

    PeerSelectorContract contract = contractFor(atMostTwo);
    assertFails("R1.3", contract::required_r1_3_selectsMinOfCountAndEligiblePeers);
  }

  @Test
  void r1_4_rejectsSelectorThatDrawsFromAnEmptyView() {
    PeerSelector drawsFirst =
        (view, count, exclude, random) -> {
          int first = random.nextInt(view.size()); // throws for size 0
          return PeerSelectors.random().select(view, count, exclude, random).isEmpty()
              ? List.of()
              : List.of(view.get(first));
        };

    assertThrows(
        IllegalArgumentException.class,
        () -> contractFor(drawsFirst).required_r1_4_emptyViewGivesEmptySelection());
  }

  @Test
  void r1_5_rejectsSelectorThatPicksDeadPeers() {
    PeerSelector ignoresLiveness =
        (view, count, exclude, random) -> PeerSelectors.random().select(allLive(view), count,
            exclude, random);

    PeerSelectorContract contract = contractFor(ignoresLiveness);
    assertFails("R1.5", contract::required_r1_5_selectsOnlyLivePeers);
  }

  @Test
  void r1_5_isSkippedWhenTheSelectorDeclaresItMayPickDeadPeers() {
    PeerSelectorContract contract =
        new PeerSelectorContract() {
          @Override
          protected PeerSelector newPeerSelector() {
            return PeerSelectors.random();
          }

          @Override
          protected boolean selectsOnlyLivePeers() {
            return false;
          }
        };

    assertThrows(TestAbortedException.class, contract::required_r1_5_selectsOnlyLivePeers);
  }

  @Test
  void r1_6_rejectsSelectorThatFavoursTheFirstEligiblePeer() {
    PeerSelector biased =
        (view, count, exclude, random) ->
            random.nextInt(4) == 0
                ? PeerSelectors.ring().select(view, count, exclude, random)
                : PeerSelectors.random().select(view, count, exclude, random);

    PeerSelectorContract contract = contractFor(biased);
    assertFails("R1.6", contract::optional_r1_6_uniformOverManyDraws);
  }

  @Test
  void r1_7_rejectsSelectorThatNeverLeavesItsFirstSuccessors() {
    PeerSelectorContract contract = contractFor(PeerSelectors.ring());
    assertFails("R1.7", contract::required_r1_7_everyLivePeerIsEventuallySelected);
  }

  @Test
  void r1_8_rejectsSelectorThatReturnsAPeerOutsideTheView() {
    PeerSelector addsIntruder =
        (view, count, exclude, random) -> {
          List<NodeId> out = new ArrayList<>(PeerSelectors.random().select(view, count, exclude,
              random));
          if (!out.isEmpty()) {
            out.set(0, NodeId.of("intruder"));
          }
          return out;
        };

    PeerSelectorContract contract = contractFor(addsIntruder);
    assertFails("R1.8", contract::required_r1_8_selectsOnlyPeersOfTheView);
  }

  @Test
  void rulesRejectASelectorThatReturnsNull() {
    PeerSelectorContract contract = contractFor((view, count, exclude, random) -> null);
    assertFails("returned null", contract::required_r1_1_neverSelectsExcludedPeer);
    assertFails("returned null", contract::required_r1_3_selectsMinOfCountAndEligiblePeers);
    assertFails("returned null", contract::required_r1_4_emptyViewGivesEmptySelection);
  }

  /** A contract that claims every capability, so every rule runs against {@code selector}. */
  private static PeerSelectorContract contractFor(PeerSelector selector) {
    return new PeerSelectorContract() {
      @Override
      protected PeerSelector newPeerSelector() {
        return selector;
      }

      @Override
      protected boolean isUniform() {
        return true;
      }
    };
  }

  /** Runs {@code rule} and checks that it fails with a message naming {@code expected}. */
  private static void assertFails(String expected, Executable rule) {
    AssertionError e = assertThrows(AssertionError.class, rule);
    assertTrue(
        e.getMessage() != null && e.getMessage().contains(expected),
        () -> "expected a failure naming " + expected + ", got: " + e.getMessage());
  }

  /** The same peers as {@code view}, all reported live: hides liveness from a selector. */
  private static PeerView allLive(PeerView view) {
    return new PeerView() {
      @Override
      public int size() {
        return view.size();
      }

      @Override
      public NodeId get(int index) {
        return view.get(index);
      }

      @Override
      public boolean isLive(int index) {
        return true;
      }
    };
  }
}
