package io.gossipkit.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gossipkit.api.NodeId;
import io.gossipkit.crypto.AeadAlgorithm;
import io.gossipkit.crypto.ReplayPolicy;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A sender starts a fresh session, with a fresh id and counter, when the current one is used up. */
class AeadProtectorSessionTest {
  @Test
  void aUsedUpSessionIsReplacedByANewOneAndEveryPacketStillOpens() throws Exception {
    byte[] key = new byte[32];
    KeySet keys = new KeySet(Map.of(1, new KeyEntry(1, null, key)), 1);
    for (AeadAlgorithm a : AeadAlgorithm.values()) {
      AeadProtector sender = new AeadProtector(a, () -> keys, NodeId.of("s"), () -> 9,
          ReplayPolicy.defaults(), 3);
      AeadProtector receiver = new AeadProtector(a, () -> keys, NodeId.of("r"), () -> 9,
          ReplayPolicy.defaults());
      Set<String> sessions = new HashSet<>();
      for (int i = 0; i < 7; i++) {
        byte[] packet = sender.seal(new byte[] {(byte) i}, new byte[0]);
        sessions.add(Arrays.toString(Arrays.copyOfRange(packet, 6, 22)));
        assertEquals(i % 3, AeadProtector.getLong(packet, 22), a + " packet " + i);
        assertArrayEquals(new byte[] {(byte) i}, receiver.open(packet, new byte[0]));
      }
      assertEquals(3, sessions.size(), a.toString());
    }
  }
}
