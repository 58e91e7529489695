package io.gossipkit.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a TCP stream into frames: a 4-byte big-endian unsigned length, then that many bytes.
 *
 * <pre>
 * +--------------------+--------------------------+
 * | length (u32, BE)   | body (length bytes)      |
 * +--------------------+--------------------------+
 * </pre>
 *
 * <p>The length is checked against the limit the connection sets for its current phase before a
 * single body byte is awaited, so a peer can make the decoder hold at most that limit (plus one
 * socket read): 512 bytes before authentication, the frame limit after. A length over the limit is
 * reported once and everything after it is discarded unread; the connection then closes it.
 *
 * <p>Emits at most one frame per decode call, so the connection can change phase (and so the
 * limit) between two frames that arrived in one read.
 */
final class FrameDecoder extends ByteToMessageDecoder {
  /** Length of the length field. */
  static final int LENGTH_BYTES = 4;

  /** What the decoder asks and tells the connection; called on the channel's event loop. */
  interface Listener {
    /** The largest body length accepted now. */
    int maxFrameLength();

    /** A length field over the limit; nothing more will be decoded. */
    void frameTooLarge(long length, int limit);

    /** Bytes read from the socket, for the wire counters. */
    void bytesRead(int n);
  }

  private final Listener listener;
  private boolean failed;

  FrameDecoder(Listener listener) {
    this.listener = listener;
    // Reads are kept as they arrived and the frame copied out of them once: merging them into one
    // buffer re-copied a large frame as it grew (about 1.5 copies of every byte of a 256 KiB
    // frame read 64 KiB at a time) before the connection copied it out again.
    setCumulator(COMPOSITE_CUMULATOR);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf) {
      ByteBuf buf = (ByteBuf) msg;
      listener.bytesRead(buf.readableBytes());
      if (failed) {
        buf.release();
        return;
      }
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < LENGTH_BYTES) {
      return;
    }
    long length = in.getUnsignedInt(in.readerIndex());
    int limit = listener.maxFrameLength();
    if (length > limit) {
      failed = true;
      in.skipBytes(in.readableBytes());
      listener.frameTooLarge(length, limit);
      return;
    }
    if (in.readableBytes() < LENGTH_BYTES + length) {
      return;
    }
    in.skipBytes(LENGTH_BYTES);
    out.add(in.readRetainedSlice((int) length));
  }
}
