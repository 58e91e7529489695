/**
 * Internal: may change at any time. The AEAD protector, its replay windows and session table, key
 * entries and the key file parser. Use {@link io.gossipkit.crypto.PacketProtectors} and {@link
 * io.gossipkit.crypto.Keyring} instead.
 */
package io.gossipkit.crypto.internal;
