package dev.portcullis.attributes.internal;

import java.util.Map;
import org.ehcache.Cache;
import org.ehcache.spi.resilience.ResilienceStrategy;
import org.ehcache.spi.resilience.StoreAccessException;

/**
 * An Ehcache resilience strategy that reports every store failure to the caller instead of
 * swallowing it, so that {@link AttributeCache} (and the DPoP replay cache) can treat a cluster
 * it cannot reach as "unavailable" (fail closed) rather than as an empty cache. Ehcache's default
 * strategy would turn a failed write or remove into a silent no-op, which for a revocation means
 * "not revoked anywhere else", and a failed putIfAbsent into "absent", which for a DPoP proof means
 * a replay accepted, without anyone knowing.
 *
 * <p>Thread safety: stateless.
 */
public final class ThrowingResilience<K, V> implements ResilienceStrategy<K, V> {
    private final String store;

    /** For the attribute cache. */
    ThrowingResilience() {
        this("attribute cache");
    }

    /** For another clustered cache, named in the failure's message ({@code "DPoP replay cache"}). */
    public ThrowingResilience(String store) {
        this.store = store;
    }

    /** A cache store failed; the cause is Ehcache's {@link StoreAccessException}. */
    static final class StoreFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreFailure(String store, String operation, StoreAccessException cause) {
            super(store + " store failed during " + operation, cause);
        }
    }

    @Override
    public V getFailure(K key, StoreAccessException e) {
        throw new StoreFailure(store, "get", e);
    }

    @Override
    public boolean containsKeyFailure(K key, StoreAccessException e) {
        throw new StoreFailure(store, "containsKey", e);
    }

    @Override
    public void putFailure(K key, V value, StoreAccessException e) {
        throw new StoreFailure(store, "put", e);
    }

    @Override
    public void removeFailure(K key, StoreAccessException e) {
        throw new StoreFailure(store, "remove", e);
    }

    @Override
    public void clearFailure(StoreAccessException e) {
        throw new StoreFailure(store, "clear", e);
    }

    @Override
    public Cache.Entry<K, V> iteratorFailure(StoreAccessException e) {
        throw new StoreFailure(store, "iterate", e);
    }

    @Override
    public V putIfAbsentFailure(K key, V value, StoreAccessException e) {
        throw new StoreFailure(store, "putIfAbsent", e);
    }

    @Override
    public boolean removeFailure(K key, V value, StoreAccessException e) {
        throw new StoreFailure(store, "remove", e);
    }

    @Override
    public V replaceFailure(K key, V value, StoreAccessException e) {
        throw new StoreFailure(store, "replace", e);
    }

    @Override
    public boolean replaceFailure(K key, V value, V newValue, StoreAccessException e) {
        throw new StoreFailure(store, "replace", e);
    }

    @Override
    public Map<K, V> getAllFailure(Iterable<? extends K> keys, StoreAccessException e) {
        throw new StoreFailure(store, "getAll", e);
    }

    @Override
    public void putAllFailure(Map<? extends K, ? extends V> entries, StoreAccessException e) {
        throw new StoreFailure(store, "putAll", e);
    }

    @Override
    public void removeAllFailure(Iterable<? extends K> keys, StoreAccessException e) {
        throw new StoreFailure(store, "removeAll", e);
    }
}
