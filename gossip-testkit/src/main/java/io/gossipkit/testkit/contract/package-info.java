/**
 * Contract test bases, one per SPI, in the Reactive Streams TCK pattern: extend one, supply the
 * factory method, and your implementation is checked by the same rules as the built-in ones (see
 * docs/contracts.md).
 */
package io.gossipkit.testkit.contract;
