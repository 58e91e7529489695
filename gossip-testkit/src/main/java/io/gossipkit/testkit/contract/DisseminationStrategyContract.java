package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gossipkit.api.DisseminationStrategy;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.core.GossipEngine;
import io.gossipkit.testkit.sim.NetworkModel;
import io.gossipkit.testkit.sim.Simulation;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The rules every {@link DisseminationStrategy} obeys, checked on the real engine in the
 * simulator (rules R2.x of docs/contracts.md). Extend it and supply {@link #newStrategy()}:
 *
 * <pre>{@code
 * class MyStrategyContractTest extends DisseminationStrategyContract {
 *   protected Supplier<DisseminationStrategy> newStrategy() { return MyStrategy::new; }
 * }
 * }</pre>
 *
 * <p>A failing rule names the seed of the simulation that shows it.
 */
public abstract class DisseminationStrategyContract {
  /** Supplies one strategy instance per node. */
  protected abstract Supplier<DisseminationStrategy> newStrategy();

  /**
   * True if every live node eventually holds every write on a perfect network (anti-entropy,
   * direct mail, composites with anti-entropy). Pure rumor mongering may leave a residue, so it
   * says false and skips R2.3, R2.4 and R2.8.
   */
  protected boolean guaranteesConvergence() {
    return true;
  }

  /**
   * True if convergence also survives 20% message loss. Defaults to
   * {@link #guaranteesConvergence()}; direct mail says false, since it retries a bounded number of
   * times and then drops (and counts) the mail.
   */
  protected boolean convergesDespiteLoss() {
    return guaranteesConvergence();
  }

  /** The seed of every simulation here. */
  protected long seed() {
    return 20_240_601L;
  }

  /** Cycles a rule may run before it fails. */
  protected int cycleLimit() {
    return 500;
  }

  private Simulation simulation(int nodes, double loss) {
    return Simulation.builder()
        .nodes(nodes)
        .seed(seed())
        .config(GossipConfig.lan().toBuilder().eagerPush(false).fanout(2).build())
        .strategy(newStrategy())
        .network(NetworkModel.PERFECT.withLoss(loss))
        .build();
  }

  private String where() {
    return " (seed " + seed() + ")";
  }

  /** R2.1: a message type the strategy does not know is ignored without an exception. */
  @Test
  public void required_r2_1_ignoresUnknownMessages() {
    Simulation sim = simulation(4, 0);
    GossipEngine node = sim.node(0);
    long root = node.store().rootHash();
    GossipMessage unknown = new GossipMessage() {};
    assertDoesNotThrow(() -> node.receive(sim.id(1), unknown), "unknown message threw" + where());
    assertEquals(root, node.store().rootHash(), "unknown message changed the replica" + where());
  }

  /** R2.2: a local write on a perfect network reaches at least one other node. */
  @Test
  public void required_r2_2_localWriteLeavesTheNode() {
    Simulation sim = simulation(50, 0);
    sim.put(0, "k", new byte[] {1});
    for (int i = 0; i < cycleLimit() && sim.updates().get(0).reachedCount() < 2; i++) {
      sim.step();
    }
    assertTrue(
        sim.updates().get(0).reachedCount() >= 2,
        "no other node received the write within " + cycleLimit() + " cycles" + where());
  }

  /** R2.3: on a perfect network every node converges to the same replica. */
  @Test
  public void optional_r2_3_convergesOnAPerfectNetwork() {
    assumeTrue(guaranteesConvergence(), "the strategy does not guarantee convergence");
    Simulation sim = simulation(100, 0);
    for (int w = 0; w < 10; w++) {
      sim.put(w * 7 % 100, "k" + w, new byte[] {(byte) w});
    }
    runToConvergence(sim);
  }

  /** R2.4: with 20% message loss every node still converges. */
  @Test
  public void optional_r2_4_convergesDespiteLoss() {
    assumeTrue(convergesDespiteLoss(), "the strategy does not promise convergence under loss");
    Simulation sim = simulation(100, 0.2);
    for (int w = 0; w < 10; w++) {
      sim.put(w * 13 % 100, "k" + w, new byte[] {(byte) w});
    }
    runToConvergence(sim);
  }

  private void runToConvergence(Simulation sim) {
    for (int i = 0; i < cycleLimit() && !(sim.converged() && sim.allUpdatesReachedEveryone()); i++) {
      sim.step();
    }
    assertTrue(sim.converged(), "replicas still differ after " + cycleLimit() + " cycles" + where());
    for (Simulation.UpdateTrack t : sim.updates()) {
      assertEquals(0, sim.missing(t), "a write missed some node" + where());
    }
  }

  /** R2.5: whenever the strategy reports itself idle it is also quiescent. */
  @Test
  public void required_r2_5_idleImpliesQuiescent() {
    Simulation sim = simulation(30, 0.1);
    sim.put(0, "k", new byte[] {1});
    for (int i = 0; i < 60; i++) {
      sim.step();
      for (int n = 0; n < sim.size(); n++) {
        DisseminationStrategy s = sim.node(n).strategy();
        assertTrue(!s.isIdle() || s.isQuiescent(),
            "node " + n + " idle but not quiescent at cycle " + sim.cycle() + where());
      }
    }
  }

  /** R2.6: a node never sends a message to itself. */
  @Test
  public void required_r2_6_neverSendsToItself() {
    Simulation sim = simulation(20, 0);
    for (int w = 0; w < 5; w++) {
      sim.put(w, "k" + w, new byte[] {(byte) w});
    }
    for (int i = 0; i < 50; i++) {
      sim.step();
    }
    assertEquals(0, sim.selfSends(), "messages addressed to the sender itself" + where());
  }

  /** R2.7: the same seed gives the same run: the strategy draws randomness only from the node. */
  @Test
  public void required_r2_7_deterministicUnderOneSeed() {
    long[] first = fingerprint();
    long[] second = fingerprint();
    assertEquals(first[0], second[0], "message counts differ between identical runs" + where());
    assertEquals(first[1], second[1], "replicas differ between identical runs" + where());
  }

  private long[] fingerprint() {
    Simulation sim = simulation(40, 0.1);
    for (int w = 0; w < 5; w++) {
      sim.put(w * 3, "k" + w, new byte[] {(byte) w});
    }
    for (int i = 0; i < 30; i++) {
      sim.step();
    }
    long hash = 0;
    for (int n = 0; n < sim.size(); n++) {
      hash = hash * 31 + sim.node(n).store().rootHash();
    }
    return new long[] {sim.messages(), hash};
  }

  /** R2.8: a crashed peer does not stop the others from converging. */
  @Test
  public void optional_r2_8_survivesACrashedPeer() {
    assumeTrue(guaranteesConvergence(), "the strategy does not guarantee convergence");
    Simulation sim = simulation(50, 0);
    sim.crash(7);
    sim.put(0, "k", new byte[] {1});
    runToConvergence(sim);
    NodeId crashed = sim.id(7);
    assertNotNull(crashed);
  }
}
