package io.gossipkit.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
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
 * socket read): 512 bytes before authentication, the frame limit after. Reads kept as they arrived
 * (see {@link #cumulate}) hold at least {@value #MIN_KEPT_READ} bytes each, so their buffers are
 * at most a few times the bytes they hold. A length over the limit is
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

  /** Shortest read kept as it arrived rather than copied; see {@link #cumulate}. */
  static final int MIN_KEPT_READ = 8 * 1024;

  /** True once a short read arrived since the last frame: the rest of it is merged. */
  private boolean merging;

  FrameDecoder(Listener listener) {
    this.listener = listener;
    setCumulator(this::cumulate);
  }

  /**
   * Adds a read to what is buffered. A large frame arrives as several large reads, and merging
   * them into one buffer re-copied the frame as it grew (about 1.5 copies of every byte of a 256
   * KiB frame read 64 KiB at a time) before the connection copied it out again; so reads of at
   * least {@value #MIN_KEPT_READ} bytes are kept as they arrived, side by side, and the frame is
   * copied out of them once. A short read is copied instead, and from the first one until the
   * frame is out everything is merged (the kept reads once, then by doubling): a peer trickling
   * bytes cannot make the decoder keep a buffer and its bookkeeping per byte, nor make it copy
   * the frame more than once more by mixing long and short reads.
   */
  private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
    if (!merging && in.readableBytes() < MIN_KEPT_READ && cumulation.isReadable()) {
      merging = true;
    }
    if (!merging) {
      return COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in);
    }
    if (cumulation instanceof CompositeByteBuf) {
      // Kept reads become one buffer, with room to grow, before anything is merged into it.
      // As Netty's own cumulators: `in` is always released, the old cumulation only once the new
      // one holds its bytes.
      try {
        int bytes = cumulation.readableBytes() + in.readableBytes();
        ByteBuf merged = alloc.buffer(alloc.calculateNewCapacity(bytes, Integer.MAX_VALUE));
        ByteBuf release = merged;
        try {
          // Component by component: writeBytes(cumulation) would have Netty first copy the
          // composite into a fresh heap buffer (its nioBuffer), then copy that again.
          int kept = cumulation.readableBytes();
          cumulation.getBytes(cumulation.readerIndex(), merged, merged.writerIndex(), kept);
          merged.writerIndex(merged.writerIndex() + kept).writeBytes(in);
          release = cumulation;
          return merged;
        } finally {
          release.release();
        }
      } finally {
        in.release();
      }
    }
    return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
  }

  /** What is buffered now, for tests. */
  ByteBuf buffered() {
    return internalBuffer();
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
    merging = false;
  }
}
