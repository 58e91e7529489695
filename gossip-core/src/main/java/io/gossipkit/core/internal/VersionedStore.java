package io.gossipkit.core.internal;

import io.gossipkit.api.Digest;
import io.gossipkit.api.Entry;
import io.gossipkit.api.KeyVersion;
import io.gossipkit.api.MergePolicy;
import io.gossipkit.api.NodeId;
import io.gossipkit.api.Version;
import io.gossipkit.api.ReplicaStore;
import io.gossipkit.core.internal.sync.DeleteRecords;
import io.gossipkit.core.internal.sync.RangeIndex;
import io.gossipkit.core.internal.sync.SyncState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Internal: may change at any time. A node's replica: key to newest entry, tombstones included,
 * with an incrementally maintained root hash.
 *
 * <p>Memory matters here: a simulation holds a million of these. A store of zero or one entry
 * keeps the entry in a field and allocates no map; the map appears with the second key. What
 * range sync and the tombstone rule need (a key-hash index, contact times, the tombstone
 * watermark) lives in a {@link SyncState} made on first use, and the index inside it only when
 * range sync first runs, so a store that never needs them costs one null field. Once the index
 * exists it holds the entries and the map is dropped: one structure to keep current, and the one
 * a full sync fills in order ({@link RangeIndex}).
 */
public final class VersionedStore implements ReplicaStore {
  /** The only entry of a store of one, unless the index holds the entries. */
  private Entry single;
  /** Key to entry from the second key on, unless the index holds the entries. */
  private HashMap<String, Entry> map;
  private long rootHash;
  private int tombstones;
  private SyncState sync;
  /**
   * Second (plus one, so that 0 means never) of the last anti-entropy message from a peer. An
   * int, compared with wrap-around arithmetic: it fits beside the other fields without growing
   * the object, which a simulation of a million replicas would feel.
   */
  private int lastContactSecond;

  /** What {@link #apply} returns when the replica kept what it had: compared by identity. */
  public static final Entry UNCHANGED =
      Entry.tombstone("\u0000unchanged", Version.of(0, NodeId.of("\u0000")));

  @Override
  public Entry get(String key) {
    if (map != null) {
      return map.get(key);
    }
    RangeIndex index = indexed();
    if (index != null) {
      return index.get(key);
    }
    return single != null && single.key().equals(key) ? single : null;
  }

  /** The index when it holds the entries, else null. */
  private RangeIndex indexed() {
    return sync != null ? sync.index() : null;
  }

  @Override
  public int size() {
    if (map != null) {
      return map.size();
    }
    RangeIndex index = indexed();
    return index != null ? index.size() : (single != null ? 1 : 0);
  }

  @Override
  public long rootHash() {
    return rootHash;
  }

  /** Number of tombstones held. */
  public int tombstones() {
    return tombstones;
  }

  /**
   * Merges {@code incoming} through {@code policy}.
   *
   * @return {@link #UNCHANGED} if the replica kept what it had; otherwise the entry that was
   *     replaced, or null if the key was new
   */
  public Entry apply(Entry incoming, MergePolicy policy) {
    Entry current = get(incoming.key());
    Entry winner = current == null ? incoming : policy.merge(current, incoming);
    if (winner == current || (current != null && winner.equals(current))) {
      return UNCHANGED;
    }
    long delta = EntryHash.of(winner);
    if (current != null) {
      delta ^= EntryHash.of(current);
      if (current.isTombstone()) {
        tombstones--;
        if (sync != null && !winner.isTombstone()) {
          // Rewritten with a value: a late record of the delete has nothing left to keep.
          sync.tombstoneGone(current.key());
        }
      }
    }
    rootHash ^= delta;
    if (winner.isTombstone()) {
      tombstones++;
    }
    RangeIndex index = indexed();
    if (index == null) {
      put(winner);
    } else if (current == null) {
      // The index takes the hashes computed here rather than computing them again.
      index.added(winner, delta);
    } else {
      index.replaced(winner, delta);
    }
    return current;
  }

  /**
   * Removes {@code key} without leaving a tombstone: for an entry this replica must not spread
   * (the tombstone rule of range sync), never for a delete.
   *
   * @return the removed entry, or null if the key was absent
   */
  public Entry forget(String key) {
    Entry e = get(key);
    if (e == null) {
      return null;
    }
    if (map != null) {
      map.remove(key);
    } else {
      single = null;
    }
    // Removes it from the index too, which holds the entries if it exists.
    unaccount(e);
    return e;
  }

  private void unaccount(Entry e) {
    long h = EntryHash.of(e);
    rootHash ^= h;
    if (e.isTombstone()) {
      tombstones--;
      if (sync != null) {
        sync.tombstoneGone(e.key());
      }
    }
    RangeIndex index = indexed();
    if (index != null) {
      index.removed(e, h);
    }
  }

  private static int second(long millis) {
    return (int) Math.floorDiv(millis, 1000L) + 1;
  }

  private boolean silentTooLong(long now, long ttlMillis) {
    return lastContactSecond != 0 && (long) (second(now) - lastContactSecond) * 1000 > ttlMillis;
  }

  /**
   * Records an anti-entropy message from a peer at {@code now}; after a silence longer than the
   * TTL, the replica is returning for one more TTL (see {@link SyncState}).
   */
  public void contact(long now, long ttlMillis) {
    if (silentTooLong(now, ttlMillis)) {
      syncState().returningUntil(now + ttlMillis);
    }
    lastContactSecond = second(now);
  }

  /**
   * True if this replica is returning at {@code now}: silent for longer than the TTL (it knows
   * before it sends), or within a TTL of hearing from a peer after such a silence, and not found
   * equal to a peer since. Time is counted in whole seconds.
   */
  public boolean isReturning(long now, long ttlMillis) {
    return silentTooLong(now, ttlMillis) || (sync != null && sync.returningAt(now));
  }

  /** An exchange found this replica equal to a peer's: it is no longer returning. */
  public void agreed() {
    if (sync != null) {
      sync.agreed();
    }
  }

  /** Range-sync state if some call made it, else null (without making it). */
  public SyncState syncStateIfMade() {
    return sync;
  }

  /** Range-sync state, made on first call. */
  public SyncState syncState() {
    if (sync == null) {
      sync = new SyncState();
    }
    return sync;
  }

  /**
   * The key-hash index, built on first call; from then on it holds the entries and every change
   * goes through it.
   */
  public RangeIndex rangeIndex() {
    SyncState s = syncState();
    if (s.index() == null) {
      // Built from the map, which is dropped once the index has every entry, before the index
      // lays them out anew: the old copies are then garbage as soon as each is replaced.
      RangeIndex index = new RangeIndex(this);
      map = null;
      single = null;
      s.index(index);
      index.layOut();
    }
    return s.index();
  }

  /**
   * Makes room for about {@code expected} entries at once, when that is at least twice what the
   * replica holds or was last sized for: its map, and the range index's depth if it exists. For
   * a stream of entries (a full sync): a hash map left to double its way to a million entries
   * moves each entry about once more, a random write each (measured in isolation: 170 against
   * 60 ns per insert into one sized up front). The caller bounds {@code expected}; see {@code
   * RangeSync}.
   */
  public void reserve(int expected) {
    int base = Math.max(size(), sync != null ? sync.reserved() : 0);
    if (expected < MIN_RESERVE || expected / 2 < base) {
      return;
    }
    RangeIndex index = indexed();
    if (index != null) {
      index.reserve(expected);
      sync.reserved(expected);
      return;
    }
    HashMap<String, Entry> bigger = new HashMap<>((int) Math.min(1 << 30, expected * 4L / 3 + 1));
    if (map != null) {
      bigger.putAll(map);
    } else if (single != null) {
      bigger.put(single.key(), single);
      single = null;
    }
    map = bigger;
    syncState().reserved(expected);
  }

  /** Below this many entries a reservation is not worth a rebuild. */
  private static final int MIN_RESERVE = 1024;

  /** Puts {@code e} into the map or the single field; not used once the index holds entries. */
  private void put(Entry e) {
    if (map != null) {
      map.put(e.key(), e);
    } else if (single == null || single.key().equals(e.key())) {
      single = e;
    } else {
      map = new HashMap<>(4);
      map.put(single.key(), single);
      map.put(e.key(), e);
      single = null;
    }
  }

  /**
   * Removes tombstones whose version is older than {@code cutoffMillis}, except those accepted
   * late less than a TTL ago ({@link SyncState#acceptedLate}: {@code cutoffMillis} is now minus
   * the TTL), and keeps no record of them.
   *
   * @return how many were removed
   */
  public int collectTombstones(long cutoffMillis) {
    return collectTombstones(cutoffMillis, 0, 0, 0);
  }

  /**
   * Removes tombstones as {@link #collectTombstones(long)} does, and records each one removed
   * ({@link DeleteRecords}) for {@code retentionMillis} from {@code now}, keeping at most {@code
   * maxRecords} records: {@link #deletedBefore} then still finds the delete. No records are kept
   * if either bound is 0.
   *
   * @return how many were removed
   */
  public int collectTombstones(long cutoffMillis, long now, long retentionMillis, int maxRecords) {
    if (tombstones == 0) {
      return 0;
    }
    DeleteRecords records = retentionMillis > 0 && maxRecords > 0
        ? syncState().deletes(retentionMillis, maxRecords) : null;
    SyncState held = sync != null && sync.expireLate(cutoffMillis) ? sync : null;
    int removed = 0;
    long newest = 0;
    RangeIndex index = indexed();
    if (index != null) {
      // Found first and removed after: the index must not change during its walk.
      List<Entry> dead = new ArrayList<>();
      index.forEach(e -> {
        if (collectable(e, cutoffMillis, held)) {
          dead.add(e);
        }
      });
      for (Entry e : dead) {
        unaccount(e);
        newest = Math.max(newest, e.version().millis());
        record(records, e, now);
      }
      removed = dead.size();
    } else if (map == null) {
      if (single != null && collectable(single, cutoffMillis, held)) {
        Entry e = single;
        single = null;
        unaccount(e);
        newest = e.version().millis();
        record(records, e, now);
        removed = 1;
      }
    } else {
      for (Iterator<Entry> it = map.values().iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (collectable(e, cutoffMillis, held)) {
          it.remove();
          unaccount(e);
          newest = Math.max(newest, e.version().millis());
          record(records, e, now);
          removed++;
        }
      }
    }
    if (removed > 0 && records == null) {
      // The watermark a returning replica compares with: see SyncState. With records, a delete
      // raises it only once its record is forgotten.
      syncState().collected(newest);
    }
    return removed;
  }

  private static void record(DeleteRecords records, Entry tombstone, long now) {
    if (records != null) {
      records.add(tombstone, now);
    }
  }

  /**
   * The tombstone watermark to send a peer at {@code now} ({@link SyncState#collectedUpTo}),
   * after forgetting the delete records past their retention, so that it covers every delete
   * this replica no longer remembers.
   */
  public long watermark(long now) {
    if (sync == null) {
      return 0;
    }
    expireDeleteRecords(now);
    return sync.collectedUpTo();
  }

  /** The records of collected tombstones, or null if none were ever kept. */
  private DeleteRecords records() {
    return sync != null ? sync.deletes() : null;
  }

  /** Forgets the delete records past their retention at {@code now}, if any are held. */
  public void expireDeleteRecords(long now) {
    DeleteRecords records = records();
    if (records != null) {
      records.expire(now);
    }
  }

  /** Delete records evicted at the maximum since the last call ({@link DeleteRecords}). */
  public int drainEvictedDeleteRecords() {
    DeleteRecords records = records();
    return records != null ? records.drainEvicted() : 0;
  }

  /** Records of collected tombstones held ({@link DeleteRecords}), expired ones not yet freed. */
  public int deleteRecords() {
    DeleteRecords records = records();
    return records != null ? records.size() : 0;
  }

  /** True if this replica holds records of collected tombstones ({@link DeleteRecords}). */
  public boolean remembersDeletes() {
    return deleteRecords() > 0;
  }

  /**
   * The tombstone that deleted {@code key}, rebuilt from its record (see {@link DeleteRecords}),
   * if this replica collected one that is still remembered at {@code now} and holds nothing under
   * {@code key} since; else null.
   */
  public Entry deletedBefore(String key, long now) {
    DeleteRecords records = records();
    if (records == null || records.size() == 0 || get(key) != null) {
      return null;
    }
    return records.deleted(key, now);
  }

  private static boolean collectable(Entry e, long cutoffMillis, SyncState held) {
    return e.isTombstone()
        && e.version().millis() < cutoffMillis
        && (held == null || !held.heldLate(e.key(), cutoffMillis));
  }

  @Override
  public Digest digest(int maxListed) {
    int size = size();
    if (size == 0) {
      return Digest.EMPTY;
    }
    if (size > maxListed) {
      return new Digest(rootHash, size, List.of());
    }
    List<KeyVersion> versions = new ArrayList<>(size);
    forEach(e -> versions.add(new KeyVersion(e.key(), e.version())));
    return new Digest(rootHash, size, versions);
  }

  @Override
  public List<Entry> newerThan(Digest remote) {
    if (size() == 0) {
      return List.of();
    }
    Map<String, KeyVersion> theirs = index(remote);
    List<Entry> out = new ArrayList<>();
    forEach(
        e -> {
          KeyVersion kv = theirs.get(e.key());
          if (kv == null || e.version().compareTo(kv.version()) > 0) {
            out.add(e);
          }
        });
    return out;
  }

  @Override
  public List<String> olderThan(Digest remote) {
    List<String> out = new ArrayList<>();
    for (KeyVersion kv : remote.versions()) {
      Entry mine = get(kv.key());
      if (mine == null || kv.version().compareTo(mine.version()) > 0) {
        out.add(kv.key());
      }
    }
    return out;
  }

  private static Map<String, KeyVersion> index(Digest d) {
    List<KeyVersion> vs = d.versions();
    if (vs.isEmpty()) {
      return Map.of();
    }
    if (vs.size() == 1) {
      return Map.of(vs.get(0).key(), vs.get(0));
    }
    HashMap<String, KeyVersion> m = new HashMap<>(vs.size() * 2);
    for (KeyVersion kv : vs) {
      m.put(kv.key(), kv);
    }
    return m;
  }

  @Override
  public void forEach(Consumer<Entry> action) {
    RangeIndex index;
    if (map != null) {
      map.values().forEach(action);
    } else if ((index = indexed()) != null) {
      index.forEach(action);
    } else if (single != null) {
      action.accept(single);
    }
  }
}
