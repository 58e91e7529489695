/** An in-memory network for tests and examples: real nodes, no sockets. */
package io.gossipkit.testkit.net;
