package io.gossipkit.core.codec;

import com.esotericsoftware.kryo.Kryo;
import io.gossipkit.api.Digest;
import io.gossipkit.api.Entry;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.message.Mail;
import io.gossipkit.api.message.MailAck;
import io.gossipkit.api.message.RangeEntries;
import io.gossipkit.api.message.RangeSummaries;
import io.gossipkit.api.message.RangeVersions;
import io.gossipkit.api.message.RumorPush;
import io.gossipkit.api.message.RumorOffer;
import io.gossipkit.api.message.RumorReply;
import io.gossipkit.api.message.RumorRequest;
import io.gossipkit.api.message.SyncDigest;
import io.gossipkit.api.message.SyncEntries;
import io.gossipkit.api.message.SyncReply;

/**
 * Builds one Kryo instance with every value and message type registered under its fixed id and
 * its hand-written serializer.
 *
 * <p>Registration is required, so Kryo refuses any class not listed here; references are off
 * (messages are trees, and reference tracking would cost a map per message); depth is capped at
 * the deepest legitimate nesting (message, digest, key version, version, node id) plus slack.
 * Every instance gets its own serializers and {@link WireReader}, which is what makes one pooled
 * Kryo safe to use from whichever thread currently holds it.
 */
final class KryoFactory {
  /** Deepest nesting of {@code readObject} calls a legitimate message needs, with slack. */
  private static final int MAX_DEPTH = 8;

  private KryoFactory() {}

  /** A new Kryo enforcing {@code limits}. */
  static Kryo newKryo(WireLimits limits) {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.setMaxDepth(MAX_DEPTH);

    WireReader reader = new WireReader();
    ValueSerializers.NodeIdSerializer nodeIds = new ValueSerializers.NodeIdSerializer(reader);
    ValueSerializers.VersionSerializer versions = new ValueSerializers.VersionSerializer(nodeIds);
    ValueSerializers.KeyVersionSerializer keyVersions =
        new ValueSerializers.KeyVersionSerializer(limits, reader, versions);
    ValueSerializers.EntrySerializer entries =
        new ValueSerializers.EntrySerializer(limits, reader, versions);
    ValueSerializers.DigestSerializer digests =
        new ValueSerializers.DigestSerializer(limits, keyVersions);

    kryo.register(NodeId.class, nodeIds, WireFormat.ID_NODE_ID);
    kryo.register(Version.class, versions, WireFormat.ID_VERSION);
    kryo.register(KeyVersion.class, keyVersions, WireFormat.ID_KEY_VERSION);
    kryo.register(Entry.class, entries, WireFormat.ID_ENTRY);
    kryo.register(Digest.class, digests, WireFormat.ID_DIGEST);

    kryo.register(
        SyncDigest.class,
        new MessageSerializers.SyncDigestSerializer(digests),
        WireFormat.ID_SYNC_DIGEST);
    kryo.register(
        SyncReply.class,
        new MessageSerializers.SyncReplySerializer(limits, reader, entries),
        WireFormat.ID_SYNC_REPLY);
    kryo.register(
        SyncEntries.class,
        new MessageSerializers.SyncEntriesSerializer(entries),
        WireFormat.ID_SYNC_ENTRIES);
    kryo.register(
        RumorPush.class,
        new MessageSerializers.RumorPushSerializer(entries),
        WireFormat.ID_RUMOR_PUSH);
    kryo.register(
        RumorReply.class,
        new MessageSerializers.RumorReplySerializer(limits, entries, keyVersions),
        WireFormat.ID_RUMOR_REPLY);
    kryo.register(Mail.class, new MessageSerializers.MailSerializer(entries), WireFormat.ID_MAIL);
    kryo.register(
        MailAck.class, new MessageSerializers.MailAckSerializer(), WireFormat.ID_MAIL_ACK);
    kryo.register(
        RangeSummaries.class,
        new MessageSerializers.RangeSummariesSerializer(limits),
        WireFormat.ID_RANGE_SUMMARIES);
    kryo.register(
        RangeVersions.class,
        new MessageSerializers.RangeVersionsSerializer(limits, keyVersions),
        WireFormat.ID_RANGE_VERSIONS);
    kryo.register(
        RangeEntries.class,
        new MessageSerializers.RangeEntriesSerializer(limits, reader, entries),
        WireFormat.ID_RANGE_ENTRIES);
    kryo.register(
        RumorOffer.class,
        new MessageSerializers.RumorOfferSerializer(keyVersions),
        WireFormat.ID_RUMOR_OFFER);
    kryo.register(
        RumorRequest.class,
        new MessageSerializers.RumorRequestSerializer(keyVersions),
        WireFormat.ID_RUMOR_REQUEST);
    MembershipSerializers.register(kryo, limits, reader, nodeIds);
    return kryo;
  }
}
