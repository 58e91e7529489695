package io.gossipkit.core.codec;

/**
 * A message or input the wire format refuses, thrown inside serializers and turned into a {@link
 * io.gossipkit.api.CodecException} by {@link KryoCodec}.
 *
 * <p>It is unchecked only because Kryo's {@code Serializer} methods cannot throw checked
 * exceptions; it never leaves this package. It carries no stack trace: hostile input is expected
 * traffic, and the codec builds the one exception the caller sees.
 */
final class WireException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception whose message names the field, the value and the limit. */
  WireException(String message) {
    super(message, null, false, false);
  }
}
