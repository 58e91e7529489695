package io.gossipkit.api;

import java.net.InetSocketAddress;
import java.util.List;

/** Supplies the addresses a node contacts to join a cluster. */
@FunctionalInterface
public interface SeedProvider {
  /** The seed addresses now; may differ between calls (DNS). */
  List<InetSocketAddress> seeds();

  /** A fixed list of seeds. */
  static SeedProvider of(List<InetSocketAddress> seeds) {
    List<InetSocketAddress> copy = List.copyOf(seeds);
    return () -> copy;
  }
}
