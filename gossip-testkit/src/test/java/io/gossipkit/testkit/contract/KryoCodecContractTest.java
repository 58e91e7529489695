package io.gossipkit.testkit.contract;

import io.gossipkit.api.Codec;
import io.gossipkit.api.GossipConfig;
import io.gossipkit.core.codec.KryoCodec;

/** Runs the {@link CodecContract} against the built-in {@link KryoCodec}, as a user would. */
class KryoCodecContractTest extends CodecContract {
  @Override
  protected Codec newCodec(GossipConfig config) {
    return KryoCodec.of(config);
  }
}
