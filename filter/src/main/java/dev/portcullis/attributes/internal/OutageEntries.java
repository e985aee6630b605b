package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entries a clustered {@link AttributeCache} keeps on its own while it cannot reach the
 * cluster: answers it loaded from the store during the outage (the clustered tier cannot take
 * them), and which principals its heap tier was found not to hold (so that asking again does not
 * wait for the cluster timeout again). Each entry carries the {@linkplain ClusterLink#epoch() epoch}
 * of the outage it belongs to and counts only in that outage; the cache empties the map whenever
 * the link changes state. At most {@code capacity} principals are kept: beyond that, answers are
 * not kept (the next request loads again) and missing principals are asked for again.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class OutageEntries {
    private record Slot(long epoch, CacheEntry entry) {
    }

    private final ConcurrentHashMap<PrincipalKey, Slot> slots = new ConcurrentHashMap<>();
    private final long capacity;

    OutageEntries(long capacity) {
        this.capacity = capacity;
    }

    /** The entry of {@code key} kept in outage {@code epoch}, or null. */
    CacheEntry entry(PrincipalKey key, long epoch) {
        Slot s = slots.get(key);
        return s != null && s.epoch == epoch ? s.entry : null;
    }

    /** Whether {@code key} was found missing from the heap tier in outage {@code epoch}. */
    boolean knownNotHeld(PrincipalKey key, long epoch) {
        Slot s = slots.get(key);
        return s != null && s.epoch == epoch && s.entry == null;
    }

    /** Keeps an answer loaded in outage {@code epoch}. */
    void put(PrincipalKey key, CacheEntry entry, long epoch) {
        if (slots.size() < capacity || slots.containsKey(key)) {
            slots.put(key, new Slot(epoch, entry));
        }
    }

    /** Notes that the heap tier does not hold {@code key} (outage {@code epoch}). */
    void markNotHeld(PrincipalKey key, long epoch) {
        Slot s = slots.get(key);
        if ((s == null || s.epoch != epoch) && slots.size() < capacity) {
            slots.put(key, new Slot(epoch, null));
        }
    }

    void remove(PrincipalKey key) {
        slots.remove(key);
    }

    void clear() {
        slots.clear();
    }
}
