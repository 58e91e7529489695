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
}
