package io.gossipkit.testkit.sim;

/** The dissemination strategy an {@link Experiment} runs on every node. */
public enum Mode {
  /** Anti-entropy every round. */
  ANTI_ENTROPY("anti-entropy"),
  /** Rumor mongering. */
  RUMOR("rumor"),
  /** Direct mail with acknowledgements and a bounded retry queue. */
  DIRECT_MAIL("direct-mail"),
  /** Rumor mongering backed by push-pull anti-entropy. */
  COMPOSITE("composite");

  private final String flag;

  Mode(String flag) {
    this.flag = flag;
  }

  /** The command-line spelling, such as {@code anti-entropy}. */
  public String flag() {
    return flag;
  }

  /** The mode spelled {@code flag} on the command line. */
  public static Mode fromFlag(String flag) {
    for (Mode m : values()) {
      if (m.flag.equals(flag)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "mode must be one of anti-entropy, rumor, direct-mail, composite; was '" + flag + "'");
  }
}
