package io.gossipkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GossipConfigTest {
  @Test
  void collectedDeletesAreRememberedForSevenDaysUpToAMillionByDefaultInEveryPreset() {
    for (GossipConfig c : new GossipConfig[] {
        GossipConfig.lan(), GossipConfig.wan(), GossipConfig.local()}) {
      assertEquals(Duration.ofDays(7), c.deleteRecordRetention(), c.toString());
      assertEquals(1_000_000, c.maxDeleteRecords(), c.toString());
    }
  }

  @Test
  void toBuilderKeepsTheDeleteRecordSettings() {
    GossipConfig c = GossipConfig.builder().deleteRecordRetention(Duration.ofHours(5))
        .maxDeleteRecords(12).build();

    GossipConfig copy = c.toBuilder().build();

    assertEquals(Duration.ofHours(5), copy.deleteRecordRetention());
    assertEquals(12, copy.maxDeleteRecords());
    assertTrue(copy.toString().contains("deleteRecordRetention=PT5H"), copy.toString());
  }

  @Test
  void zeroTurnsDeleteRecordsOffAndNegativeValuesAreRefusedByName() {
    GossipConfig off = GossipConfig.builder().deleteRecordRetention(Duration.ZERO)
        .maxDeleteRecords(0).build();
    assertEquals(Duration.ZERO, off.deleteRecordRetention());
    assertEquals(0, off.maxDeleteRecords());

    IllegalArgumentException retention = assertThrows(IllegalArgumentException.class,
        () -> GossipConfig.builder().deleteRecordRetention(Duration.ofSeconds(-1)));
    assertTrue(retention.getMessage().contains("deleteRecordRetention"), retention.getMessage());
    IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
        () -> GossipConfig.builder().maxDeleteRecords(-1));
    assertTrue(max.getMessage().contains("maxDeleteRecords"), max.getMessage());
  }

  @Test
  void receivedTimestampsMayRunAnHourAheadAndSixtyFourMebibytesMayWaitByDefault() {
    for (GossipConfig c : new GossipConfig[] {
        GossipConfig.lan(), GossipConfig.wan(), GossipConfig.local()}) {
      assertEquals(Duration.ofHours(1), c.maxClockSkew(), c.toString());
      assertEquals(64L << 20, c.maxInboundBacklogBytes(), c.toString());
    }
    GossipConfig c = GossipConfig.builder().maxClockSkew(Duration.ofMinutes(5))
        .maxInboundBacklogBytes(1 << 20).build().toBuilder().build();
    assertEquals(Duration.ofMinutes(5), c.maxClockSkew(), "kept by toBuilder");
    assertEquals(1 << 20, c.maxInboundBacklogBytes(), "kept by toBuilder");
  }

  @Test
  void aSkewThatIsNotPositiveAndABacklogUnder64KibAreRefusedByName() {
    IllegalArgumentException skew = assertThrows(IllegalArgumentException.class,
        () -> GossipConfig.builder().maxClockSkew(Duration.ZERO));
    assertTrue(skew.getMessage().contains("maxClockSkew"), skew.getMessage());
    IllegalArgumentException backlog = assertThrows(IllegalArgumentException.class,
        () -> GossipConfig.builder().maxInboundBacklogBytes(65_535));
    assertTrue(backlog.getMessage().contains("maxInboundBacklogBytes"), backlog.getMessage());
  }

  @Test
  void timingsShorterThanAMillisecondAreRefusedRatherThanRoundedToZero() {
    // Kept in whole milliseconds: 500 ns would become a timer of 0 ms, a busy loop.
    for (String name : new String[] {"gossipInterval", "probeInterval", "probeTimeout"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
        GossipConfig.Builder b = GossipConfig.builder();
        Duration tiny = Duration.ofNanos(500);
        switch (name) {
          case "gossipInterval" -> b.gossipInterval(tiny);
          case "probeInterval" -> b.probeInterval(tiny);
          default -> b.probeTimeout(tiny);
        }
      });
      assertTrue(e.getMessage().startsWith(name + " must be at least 1 ms"), e.getMessage());
    }
    IllegalArgumentException equal = assertThrows(IllegalArgumentException.class,
        () -> GossipConfig.builder().probeTimeout(Duration.ofSeconds(1)).build());
    assertTrue(equal.getMessage().startsWith("probeTimeout must be < probeInterval"),
        equal.getMessage());
  }
}
