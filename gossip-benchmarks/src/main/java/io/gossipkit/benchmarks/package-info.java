/**
 * JMH benchmarks of Gossip Kit, run from {@code gossip-benchmarks/target/benchmarks.jar}; not
 * published. {@link io.gossipkit.benchmarks.CryptoBenchmark} measures the packet protectors.
 */
package io.gossipkit.benchmarks;
