package io.gossipkit.api.message;

import io.gossipkit.api.Entry;
import io.gossipkit.api.KeyVersion;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a rumor contact: feedback on the rumors received and, for a pull, the replier's
 * own hot rumors.
 *
 * <p>{@code acked} lists the rumors the replier received in the message it answers; bit {@code i}
 * of {@code newMask} is set if {@code acked.get(i)} was new to it (a necessary contact). At most
 * {@value #MAX_ACKED} rumors are acknowledged per reply.
 *
 * @param entries the replier's hot rumors (pull), or empty
 * @param acked rumors the replier received, for feedback; empty if none was asked
 * @param newMask bit i set if acked[i] was new to the replier
 * @param wantFeedback true if the initiator should in turn say which of {@code entries} it knew
 */
public record RumorReply(
    List<Entry> entries, List<KeyVersion> acked, long newMask, boolean wantFeedback)
    implements GossipMessage {
  /** Most rumors one reply acknowledges: one bit each in {@code newMask}. */
  public static final int MAX_ACKED = 64;

  /** Copies the lists and checks the feedback fits the mask. */
  public RumorReply {
    entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    acked = List.copyOf(Objects.requireNonNull(acked, "acked"));
    if (acked.size() > MAX_ACKED) {
      throw new IllegalArgumentException(
          "acked must hold at most " + MAX_ACKED + " rumors, was " + acked.size());
    }
  }

  /** True if {@code acked.get(i)} was new to the replier. */
  public boolean wasNew(int i) {
    return (newMask & (1L << i)) != 0;
  }

  @Override
  public int entryCount() {
    return entries.size();
  }
}
