package io.gossipkit.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gossipkit.api.FailureDetector;
import io.gossipkit.api.NodeId;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link FailureDetector} must pass: rules R7.1 to R7.7 of {@code
 * docs/contracts.md}. A node with a static member list feeds its detector a heartbeat per message
 * a member sends and stops gossiping with members it finds unavailable, so a detector must never
 * give up on a member that keeps talking, must give up on one that falls silent, and must take
 * back one that talks again.
 *
 * <p>Time is virtual: every call gets an explicit millisecond time, starting at {@link #START}.
 * Heartbeats come every {@link #heartbeatIntervalMillis()} with seeded jitter of up to a tenth of
 * it; {@link #seed()} is printed by every failure.
 *
 * <pre>{@code
 * class MyDetectorContractTest extends FailureDetectorContract {
 *   @Override
 *   protected FailureDetector newDetector() {
 *     return new MyDetector();
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class FailureDetectorContract {
  /** The virtual time of the first heartbeat, far from zero like a real clock's. */
  protected static final long START = 1_700_000_000_000L;

  private static final NodeId A = NodeId.of("member-a");
  private static final NodeId B = NodeId.of("member-b");

  private FailureDetector detector;

  /** Creates the detector under test; called once per rule. */
  protected abstract FailureDetector newDetector();

  /** Mean time between two heartbeats of a member in these rules; default 1 s. */
  protected long heartbeatIntervalMillis() {
    return 1_000;
  }

  /**
   * How long after a regular member's last heartbeat the detector must have given up on it;
   * default 60 heartbeat intervals.
   */
  protected long maxDetectionMillis() {
    return 60 * heartbeatIntervalMillis();
  }

  /** The root seed of the heartbeat jitter; override to explore, print it to replay. */
  protected long seed() {
    return 0x7F41_1DE7L;
  }

  /** Builds the detector under test once per rule. */
  @BeforeEach
  public void setUpDetector() {
    detector = newDetector();
  }

  /**
   * Feeds {@code beats} heartbeats of {@code member} from {@code start}, jittered; returns the
   * time of the last.
   */
  private long beat(NodeId member, long start, int beats, Random random) {
    long interval = heartbeatIntervalMillis();
    long t = start;
    for (int i = 0; i < beats; i++) {
      detector.heartbeat(member, t);
      t += interval - interval / 10 + (long) (random.nextDouble() * interval / 5);
    }
    return t - interval;
  }

  private String seedNote() {
    return " (seed " + seed() + ", heartbeat interval " + heartbeatIntervalMillis() + " ms)";
  }

  /**
   * R7.1: a member never heard from is available: a node with a static list starts gossiping
   * with every member before any has answered.
   */
  @Test
  public void required_r7_1_aMemberNeverHeardFromIsAvailable() {
    assertTrue(detector.isAvailable(A, START), "an unknown member was judged unavailable");
    assertTrue(detector.isAvailable(A, START + 1_000_000_000L),
        "an unknown member was judged unavailable later on");
  }

  /**
   * R7.2: a member heard from regularly stays available, checked right after each heartbeat and
   * halfway to the next.
   */
  @Test
  public void required_r7_2_aMemberHeardFromRegularlyStaysAvailable() {
    Random random = new Random(seed());
    long interval = heartbeatIntervalMillis();
    long t = START;
    for (int i = 0; i < 500; i++) {
      detector.heartbeat(A, t);
      if (!detector.isAvailable(A, t) || !detector.isAvailable(A, t + interval / 2)) {
        fail("a member beating every ~" + interval + " ms was judged unavailable after beat " + i
            + seedNote());
      }
      t += interval - interval / 10 + (long) (random.nextDouble() * interval / 5);
    }
  }

  /**
   * R7.3: a member that falls silent becomes unavailable within {@link #maxDetectionMillis()}
   * of its last heartbeat, and stays so while the silence lasts.
   */
  @Test
  public void required_r7_3_aMemberThatFallsSilentBecomesUnavailableAndStaysSo() {
    long last = beat(A, START, 100, new Random(seed()));
    long deadline = last + maxDetectionMillis();
    long step = Math.max(1, heartbeatIntervalMillis() / 10);
    long detectedAt = -1;
    for (long t = last; t <= deadline; t += step) {
      if (!detector.isAvailable(A, t)) {
        detectedAt = t;
        break;
      }
    }
    if (detectedAt < 0) {
      fail("still available " + maxDetectionMillis() + " ms after its last heartbeat" + seedNote());
    }
    for (long t = detectedAt; t <= detectedAt + 100 * heartbeatIntervalMillis(); t += step * 7) {
      assertFalse(detector.isAvailable(A, t),
          "available again at +" + (t - last) + " ms of silence after unavailable at +"
              + (detectedAt - last) + seedNote());
    }
  }

  /** R7.4: a heartbeat from a member judged unavailable makes it available again at once. */
  @Test
  public void required_r7_4_aHeartbeatTakesASilentMemberBack() {
    long last = beat(A, START, 100, new Random(seed()));
    long later = last + maxDetectionMillis() + 1;
    assertFalse(detector.isAvailable(A, later), "not unavailable after a long silence" + seedNote());

    detector.heartbeat(A, later);

    assertTrue(detector.isAvailable(A, later), "unavailable right after a heartbeat" + seedNote());
  }

  /** R7.5: members are judged on their own heartbeats: one falling silent affects no other. */
  @Test
  public void required_r7_5_membersAreJudgedIndependently() {
    Random random = new Random(seed());
    long interval = heartbeatIntervalMillis();
    long last = beat(A, START, 100, random);
    long t = START;
    for (int i = 0; i < 100; i++) {
      detector.heartbeat(B, t);
      t += interval;
    }
    // A falls silent; B keeps beating until well past A's detection.
    long end = last + maxDetectionMillis() + 1;
    for (; t <= end; t += interval) {
      detector.heartbeat(B, t);
      assertTrue(detector.isAvailable(B, t), "B judged unavailable while beating" + seedNote());
    }
    assertFalse(detector.isAvailable(A, end), "A still available after its silence" + seedNote());
  }

  /** R7.6: {@code remove} forgets a member: it is then as if never heard from (R7.1). */
  @Test
  public void required_r7_6_removeForgetsTheMember() {
    long last = beat(A, START, 100, new Random(seed()));
    long later = last + maxDetectionMillis() + 1;

    detector.remove(A);

    assertTrue(detector.isAvailable(A, later), "unavailable after remove" + seedNote());
    detector.remove(NodeId.of("never-heard-of"));
  }

  /**
   * R7.7: times out of order (a duplicated or reordered message, a clock stepped back) neither
   * throw nor make a regular member unavailable, and questions about a time before the last
   * heartbeat are answered.
   */
  @Test
  public void required_r7_7_toleratesTimesOutOfOrder() {
    Random random = new Random(seed());
    long interval = heartbeatIntervalMillis();
    long t = START;
    for (int i = 0; i < 200; i++) {
      detector.heartbeat(A, t);
      detector.heartbeat(A, t - (long) (random.nextDouble() * 3 * interval));
      detector.heartbeat(A, t);
      assertTrue(detector.isAvailable(A, t), "unavailable after beat " + i + seedNote());
      assertTrue(detector.isAvailable(A, t - interval),
          "unavailable at a time before its last heartbeat" + seedNote());
      t += interval;
    }
  }
}
