package io.gossipkit.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gossipkit.api.AuthenticationException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks what {@link CryptoBenchmark} measures, without running JMH. */
class VariantsTest {
  static Iterable<String> names() {
    return Variants.NAMES;
  }

  @Test
  void theBenchmarkMeasuresEveryVariant() throws NoSuchFieldException {
    assertEquals(Variants.NAMES, List.of(CryptoBenchmark.class.getField("aead")
        .getAnnotation(org.openjdk.jmh.annotations.Param.class).value()));
  }

  @ParameterizedTest
  @MethodSource("names")
  void receiverOpensEveryFreshPacketOfTheSender(String name) throws AuthenticationException {
    Variants.Pair pair = Variants.newPair(name);
    assertEquals(name, pair.sender().name(), "the variant is what it says");
    for (int size : new int[] {64, 512, 1400}) {
      byte[] payload = new byte[size];
      new SplittableRandom(size).nextBytes(payload);
      for (int i = 0; i < 3; i++) {
        byte[] packet = pair.sender().seal(payload, Variants.CLUSTER_LABEL);
        assertTrue(packet.length > size, name);
        assertTrue(packet.length <= size + pair.sender().overheadBytes(), name);
        assertArrayEquals(payload, pair.receiver().open(packet, Variants.CLUSTER_LABEL), name);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void receiverRefusesAnAlteredPacket(String name) {
    Variants.Pair pair = Variants.newPair(name);
    byte[] packet = pair.sender().seal(new byte[64], Variants.CLUSTER_LABEL);
    packet[packet.length - 1] ^= 1;
    assertThrows(
        AuthenticationException.class,
        () -> pair.receiver().open(packet, Variants.CLUSTER_LABEL),
        name);
  }
}
