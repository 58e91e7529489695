package io.gossipkit.crypto.handshake;

import java.lang.management.ManagementFactory;

/**
 * Measures heap bytes allocated by the current thread, with HotSpot's per-thread counter
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}); fuzz targets use it to prove
 * that no input makes one call allocate without bound.
 */
public final class AllocationMeter {
  private static final com.sun.management.ThreadMXBean BEAN = bean();

  private AllocationMeter() {}

  private static com.sun.management.ThreadMXBean bean() {
    java.lang.management.ThreadMXBean b = ManagementFactory.getThreadMXBean();
    if (!(b instanceof com.sun.management.ThreadMXBean)) {
      return null;
    }
    com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) b;
    if (!sun.isThreadAllocatedMemorySupported()) {
      return null;
    }
    sun.setThreadAllocatedMemoryEnabled(true);
    return sun;
  }

  /** Whether this JVM can measure (HotSpot can; the checks are skipped elsewhere). */
  public static boolean supported() {
    return BEAN != null;
  }

  /** Bytes the current thread has allocated so far, or 0 where unsupported. */
  @SuppressWarnings("deprecation") // Thread.getId() is the only id this bean takes on Java 17.
  public static long allocatedBytes() {
    return BEAN == null ? 0 : BEAN.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  /** Fails if {@code used} exceeds {@code limit}, naming {@code what}. */
  public static void check(long used, long limit, String what) {
    if (used > limit) {
      throw new AssertionError(
          what + " allocated " + used + " bytes, more than the bound of " + limit);
    }
  }
}
