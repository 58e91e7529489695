package io.gossipkit.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The length-prefix decoder in an {@link EmbeddedChannel}: limits, splits, phase switches. */
class FrameDecoderTest {
  /** Records what the decoder reports; the limit can change between frames, as phases do. */
  private static final class Recorder implements FrameDecoder.Listener {
    int limit;
    long bytesRead;
    final List<long[]> tooLarge = new ArrayList<>();

    Recorder(int limit) {
      this.limit = limit;
    }

    @Override
    public int maxFrameLength() {
      return limit;
    }

    @Override
    public void frameTooLarge(long length, int limit) {
      tooLarge.add(new long[] {length, limit});
    }

    @Override
    public void bytesRead(int n) {
      bytesRead += n;
    }
  }

  private static ByteBuf frame(int length, int fill) {
    ByteBuf b = Unpooled.buffer(4 + length).writeInt(length);
    for (int i = 0; i < length; i++) {
      b.writeByte(fill);
    }
    return b;
  }

  private static byte[] take(EmbeddedChannel ch) {
    ByteBuf b = ch.readInbound();
    if (b == null) {
      return null;
    }
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  @Test
  void reassemblesAFrameSplitIntoOneByteReads() {
    Recorder r = new Recorder(100);
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(r));
    ByteBuf whole = frame(10, 7);
    while (whole.isReadable()) {
      ch.writeInbound(whole.readRetainedSlice(1));
    }
    whole.release();
    assertArrayEquals(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, take(ch));
    assertNull(take(ch));
    assertEquals(14, r.bytesRead);
    assertFalse(ch.finish());
  }

  @Test
  void acceptsExactlyTheLimitAndRefusesOneMoreBeforeItsBodyArrives() {
    Recorder r = new Recorder(8);
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(r));
    ch.writeInbound(frame(8, 1));
    assertEquals(8, take(ch).length);
    // Only the header of a 9-byte frame: refused now, not when (if ever) the body comes.
    ch.writeInbound(Unpooled.buffer().writeInt(9));
    assertEquals(1, r.tooLarge.size());
    assertEquals(9, r.tooLarge.get(0)[0]);
    assertEquals(8, r.tooLarge.get(0)[1]);
    // Everything after a refusal is discarded unread, even a well-formed frame.
    ch.writeInbound(frame(1, 2));
    assertNull(take(ch));
    assertEquals(1, r.tooLarge.size(), "reported once");
    assertFalse(ch.finish());
  }

  @Test
  void readsTheLengthAsUnsignedSoTheLargestFieldIsRefusedNotNegative() {
    Recorder r = new Recorder(512);
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(r));
    ch.writeInbound(Unpooled.buffer().writeInt(-1));
    assertEquals(0xffffffffL, r.tooLarge.get(0)[0]);
    assertFalse(ch.finish());
  }

  @Test
  void appliesTheLimitOfThePhaseInForceWhenEachFrameStarts() {
    Recorder r = new Recorder(4);
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(r));
    // Two frames in one read: the first within the handshake limit, the second only within the
    // larger limit the connection switches to after the first.
    ByteBuf both = Unpooled.wrappedBuffer(frame(4, 1), frame(50, 2));
    ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
        r.limit = 100;
        ctx.fireChannelRead(msg);
      }
    });
    ch.writeInbound(both);
    assertEquals(4, take(ch).length);
    assertEquals(50, take(ch).length);
    assertEquals(0, r.tooLarge.size());
    assertFalse(ch.finish());
  }

  /**
   * Frames of up to 300 KiB cut at random into long and short reads (seeded) arrive whole and in
   * order, whichever way their reads are buffered.
   */
  @Test
  void framesCutIntoLongAndShortReadsArriveWholeAndInOrder() {
    long seed = 20261202L;
    java.util.Random random = new java.util.Random(seed);
    Recorder r = new Recorder(300 * 1024);
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(r));
    List<byte[]> sent = new ArrayList<>();
    ByteBuf stream = Unpooled.buffer();
    for (int f = 0; f < 40; f++) {
      byte[] body = new byte[random.nextInt(300 * 1024)];
      random.nextBytes(body);
      sent.add(body);
      stream.writeInt(body.length).writeBytes(body);
    }
    while (stream.isReadable()) {
      int n = random.nextBoolean() ? 1 + random.nextInt(100) : 8 * 1024 + random.nextInt(64 * 1024);
      ch.writeInbound(stream.readRetainedSlice(Math.min(n, stream.readableBytes())));
    }
    stream.release();
    for (int f = 0; f < sent.size(); f++) {
      assertArrayEquals(sent.get(f), take(ch), "seed " + seed + ", frame " + f);
    }
    assertNull(take(ch));
    assertFalse(ch.finish());
  }

  /**
   * Long reads of a frame are kept as they arrived; once a short read comes, what is buffered is
   * one merged buffer, so trickled bytes cost a byte each, not a buffer each.
   */
  @Test
  void longReadsAreKeptAsTheyArrivedAndAShortReadMergesTheRestOfTheFrame() {
    Recorder r = new Recorder(1 << 20);
    FrameDecoder decoder = new FrameDecoder(r);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    ByteBuf whole = frame(200 * 1024, 3);
    for (int i = 0; i < 3; i++) {
      ch.writeInbound(whole.readRetainedSlice(16 * 1024));
    }
    assertTrue(decoder.buffered() instanceof io.netty.buffer.CompositeByteBuf,
        "long reads kept side by side: " + decoder.buffered());
    for (int i = 0; i < 500; i++) {
      ch.writeInbound(whole.readRetainedSlice(1));
      assertFalse(decoder.buffered() instanceof io.netty.buffer.CompositeByteBuf,
          "merged from the first short read on, read " + i);
    }
    ch.writeInbound(whole.readRetainedSlice(16 * 1024));
    assertFalse(decoder.buffered() instanceof io.netty.buffer.CompositeByteBuf,
        "a long read after a short one in the same frame is merged too");
    ch.writeInbound(whole.readRetainedSlice(whole.readableBytes()));
    whole.release();
    byte[] got = take(ch);
    assertEquals(200 * 1024, got.length);
    for (byte b : got) {
      assertEquals(3, b);
    }
    assertFalse(ch.finish());
  }
}
