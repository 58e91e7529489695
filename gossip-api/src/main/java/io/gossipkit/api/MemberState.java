package io.gossipkit.api;

/** What a node believes about another member's liveness, in SWIM's terms. */
public enum MemberState {
  /** Answering probes, or recently heard from. */
  ALIVE,
  /** Missed a probe; will be declared dead unless it refutes the suspicion in time. */
  SUSPECT,
  /** Declared failed. */
  DEAD,
  /** Left the cluster on purpose. */
  LEFT;

  /** True for states in which the member takes part in gossip. */
  public boolean isLive() {
    return this == ALIVE || this == SUSPECT;
  }
}
