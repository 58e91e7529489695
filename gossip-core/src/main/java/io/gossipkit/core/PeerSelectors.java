package io.gossipkit.core;

import io.gossipkit.api.NodeId;
import io.gossipkit.api.PeerSelector;
import io.gossipkit.api.PeerView;
import io.gossipkit.api.RandomSource;
import java.util.List;

/** Built-in peer selectors (placeholder until the full set lands). */
public final class PeerSelectors {
  private PeerSelectors() {}

  /** Uniform random. */
  public static PeerSelector random() {
    return PeerSelectors::pick;
  }

  private static List<NodeId> pick(PeerView view, int count, NodeId exclude, RandomSource random) {
    int n = view.size();
    if (n == 0) {
      return List.of();
    }
    for (int attempt = 0; attempt < 16; attempt++) {
      NodeId p = view.get(random.nextInt(n));
      if (!p.equals(exclude)) {
        return List.of(p);
      }
    }
    return List.of();
  }
}
