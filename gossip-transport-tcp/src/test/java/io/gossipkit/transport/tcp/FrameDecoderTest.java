package io.gossipkit.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
