package io.gossipkit.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import org.junit.jupiter.api.Test;

/** The hello frame's codec: exact round trips and a strict parser. */
class HelloTest {
  @Test
  void roundTripsIpv4AndIpv6Addresses() throws Exception {
    InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 7947);
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 65535);
    assertEquals(8, Hello.encode(v4).length);
    assertEquals(Hello.MAX_BYTES, Hello.encode(v6).length);
    assertEquals(v4, Hello.decode(Hello.encode(v4)));
    assertEquals(v6, Hello.decode(Hello.encode(v6)));
  }

  @Test
  void refusesEveryTruncationAndTrailingBytes() throws Exception {
    byte[] good = Hello.encode(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 80));
    for (int n = 0; n < good.length; n++) {
      byte[] cut = java.util.Arrays.copyOf(good, n);
      assertThrows(ProtocolException.class, () -> Hello.decode(cut), "prefix of " + n);
    }
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThrows(ProtocolException.class, () -> Hello.decode(longer));
  }

  @Test
  void refusesUnknownVersionFamilyAndUndiallableAddresses() {
    assertMessage("hello version 2", new byte[] {2, 4, 10, 0, 0, 1, 0, 80});
    assertMessage("address family 5", new byte[] {1, 5, 10, 0, 0, 1, 0, 80});
    assertMessage("cannot be dialled", new byte[] {1, 4, 10, 0, 0, 1, 0, 0});
    assertMessage("cannot be dialled", new byte[] {1, 4, 0, 0, 0, 0, 0, 80});
    assertMessage("cannot be dialled", new byte[] {1, 4, (byte) 224, 0, 0, 1, 0, 80});
    byte[] mapped = new byte[20];
    mapped[0] = 1;
    mapped[1] = 6;
    mapped[12] = (byte) 0xff;
    mapped[13] = (byte) 0xff;
    mapped[14] = 10;
    mapped[17] = 1;
    mapped[19] = 80;
    assertMessage("does not match family", mapped);
  }

  private static void assertMessage(String part, byte[] hello) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> Hello.decode(hello));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
