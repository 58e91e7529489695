package io.gossipkit.core.internal.wire;

import io.gossipkit.api.Codec;
import io.gossipkit.api.Entry;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.message.GossipMessage;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Internal: may change at any time. Cuts a message too large for one datagram into messages of
 * the same kind that each fit, where the protocol means the same thing either way:
 *
 * <ul>
 *   <li>{@code RumorPush}: its entries in runs; only the first run asks for the peer's rumors
 *       (pull), so a pull is answered once.
 *   <li>{@code RumorReply}: its feedback in runs (the bit mask shifted with them), then its
 *       entries in runs; a reply of feedback only and one of entries only are each handled on
 *       their own by the receiver.
 *   <li>{@code SyncEntries}: its entries in runs.
 *   <li>{@code SyncReply}: its entries in runs, then the keys it wants in runs; each piece is
 *       answered on its own.
 * </ul>
 *
 * <p>{@code Mail} (one sequence number, acknowledged once), {@code MailAck}, {@code SyncDigest}
 * (one root hash over the whole list) and unknown types are not split. An element that does not
 * fit a datagram even alone is left out and reported in {@link Result#leftOut()}, so the caller
 * counts and logs it instead of losing the rest of the message with it. Runs in linear time: each
 * element's size is measured once, each piece once more.
 */
public final class MessageSplitter {
  /**
   * The pieces and what could not be sent.
   *
   * @param pieces messages that each encode to at most the limit, in order
   * @param leftOut elements that do not fit alone
   */
  public record Result(List<GossipMessage> pieces, int leftOut) {}

  private MessageSplitter() {}

  /**
   * Splits {@code message} into pieces of at most {@code maxBytes} encoded bytes each.
   *
   * @return the pieces, or null if this kind of message cannot be split
   */
  public static Result split(GossipMessage message, Codec codec, int maxBytes) {
    List<GossipMessage> out = new ArrayList<>();
    int[] leftOut = {0};
    if (message instanceof RumorPush) {
      RumorPush p = (RumorPush) message;
      boolean[] first = {true};
      runs(p.entries(), es -> {
        RumorPush piece = new RumorPush(es, p.wantFeedback(), p.pull() && first[0]);
        return piece;
      }, codec, maxBytes, out, leftOut, () -> first[0] = false);
      if (out.isEmpty() && p.pull()) {
        out.add(new RumorPush(List.of(), p.wantFeedback(), true));
      }
    } else if (message instanceof RumorReply) {
      RumorReply r = (RumorReply) message;
      List<KeyVersion> acked = r.acked();
      // The mask bit of each ack travels with it: a run starting at ack s carries mask >>> s.
      int[] start = {0};
      runs(acked, ks -> new RumorReply(List.of(), ks, r.newMask() >>> start[0], false), codec,
          maxBytes, out, leftOut, null, start);
      runs(r.entries(), es -> new RumorReply(es, List.of(), 0, r.wantFeedback()), codec, maxBytes,
          out, leftOut, null);
    } else if (message instanceof SyncEntries) {
      runs(((SyncEntries) message).entries(), SyncEntries::new, codec, maxBytes, out, leftOut,
          null);
    } else if (message instanceof SyncReply) {
      SyncReply r = (SyncReply) message;
      runs(r.entries(), es -> new SyncReply(es, List.of()), codec, maxBytes, out, leftOut, null);
      runs(r.wanted(), ks -> new SyncReply(List.of(), ks), codec, maxBytes, out, leftOut, null);
    } else {
      return null;
    }
    return new Result(out, leftOut[0]);
  }

  private static <T> void runs(List<T> items, Function<List<T>, GossipMessage> make, Codec codec,
      int maxBytes, List<GossipMessage> out, int[] leftOut, Runnable afterFirst) {
    runs(items, make, codec, maxBytes, out, leftOut, afterFirst, new int[1]);
  }

  /**
   * Greedy runs of {@code items}: each item's marginal size is measured once against the empty
   * message, a run is closed when the next item would pass the limit (with slack for the count
   * growing a byte or two), and each run is checked once with the codec; a run that still does not
   * fit (a codec whose sizes are not additive) is halved until it does.
   *
   * @param start set to the index of the first item of each run before {@code make} is called
   */
  private static <T> void runs(List<T> items, Function<List<T>, GossipMessage> make, Codec codec,
      int maxBytes, List<GossipMessage> out, int[] leftOut, Runnable afterFirst, int[] start) {
    if (items.isEmpty()) {
      return;
    }
    start[0] = 0;
    int base = codec.encodedSize(make.apply(List.of()));
    // A count varint grows from 1 byte to at most 3 for any list a message may hold.
    int slack = 2;
    int from = 0;
    long size = base + slack;
    int n = items.size();
    for (int i = 0; i < n; i++) {
      start[0] = i;
      int marginal = codec.encodedSize(make.apply(List.of(items.get(i)))) - base;
      if (base + marginal > maxBytes) {
        // Too large even alone: close the run before it and leave this one out.
        emit(items, from, i, make, codec, maxBytes, out, afterFirst, start);
        leftOut[0]++;
        from = i + 1;
        size = base + slack;
        continue;
      }
      if (size + marginal > maxBytes && i > from) {
        emit(items, from, i, make, codec, maxBytes, out, afterFirst, start);
        from = i;
        size = base + slack;
      }
      size += marginal;
    }
    emit(items, from, n, make, codec, maxBytes, out, afterFirst, start);
  }

  private static <T> void emit(List<T> items, int from, int to, Function<List<T>, GossipMessage> make,
      Codec codec, int maxBytes, List<GossipMessage> out, Runnable afterFirst, int[] start) {
    if (from >= to) {
      return;
    }
    start[0] = from;
    GossipMessage piece = make.apply(List.copyOf(items.subList(from, to)));
    if (codec.encodedSize(piece) > maxBytes && to - from > 1) {
      int mid = (from + to) >>> 1;
      emit(items, from, mid, make, codec, maxBytes, out, afterFirst, start);
      emit(items, mid, to, make, codec, maxBytes, out, afterFirst, start);
      return;
    }
    out.add(piece);
    if (afterFirst != null) {
      afterFirst.run();
    }
  }
}
