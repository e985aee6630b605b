package dev.portcullis.token.internal.dpop;

import java.util.Map;
import org.ehcache.Cache;
import org.ehcache.spi.resilience.ResilienceStrategy;
import org.ehcache.spi.resilience.StoreAccessException;

/**
 * An Ehcache resilience strategy that reports every store failure to the caller instead of
 * swallowing it, so that the {@link ReplayCache} can treat a cluster it cannot reach as
 * "unavailable" (fail closed) rather than as an empty cache. Ehcache's default strategy would
 * turn a failed putIfAbsent into "absent", which for a proof means a replay accepted
 * without anyone knowing.
 *
 * <p>Thread safety: stateless.
 */
final class ThrowingResilience<K, V> implements ResilienceStrategy<K, V> {

    /** A cache store failed; the cause is Ehcache's {@link StoreAccessException}. */
    static final class StoreFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreFailure(String operation, StoreAccessException cause) {
            super("DPoP replay cache store failed during " + operation, cause);
        }
    }

    @Override
    public V getFailure(K key, StoreAccessException e) {
        throw new StoreFailure("get", e);
    }

    @Override
    public boolean containsKeyFailure(K key, StoreAccessException e) {
        throw new StoreFailure("containsKey", e);
    }

    @Override
    public void putFailure(K key, V value, StoreAccessException e) {
        throw new StoreFailure("put", e);
    }

    @Override
    public void removeFailure(K key, StoreAccessException e) {
        throw new StoreFailure("remove", e);
    }

    @Override
    public void clearFailure(StoreAccessException e) {
        throw new StoreFailure("clear", e);
    }

    @Override
    public Cache.Entry<K, V> iteratorFailure(StoreAccessException e) {
        throw new StoreFailure("iterate", e);
    }

    @Override
    public V putIfAbsentFailure(K key, V value, StoreAccessException e) {
        throw new StoreFailure("putIfAbsent", e);
    }

    @Override
    public boolean removeFailure(K key, V value, StoreAccessException e) {
        throw new StoreFailure("remove", e);
    }

    @Override
    public V replaceFailure(K key, V value, StoreAccessException e) {
        throw new StoreFailure("replace", e);
    }

    @Override
    public boolean replaceFailure(K key, V value, V newValue, StoreAccessException e) {
        throw new StoreFailure("replace", e);
    }

    @Override
    public Map<K, V> getAllFailure(Iterable<? extends K> keys, StoreAccessException e) {
        throw new StoreFailure("getAll", e);
    }

    @Override
    public void putAllFailure(Map<? extends K, ? extends V> entries, StoreAccessException e) {
        throw new StoreFailure("putAll", e);
    }

    @Override
    public void removeAllFailure(Iterable<? extends K> keys, StoreAccessException e) {
        throw new StoreFailure("removeAll", e);
    }
}
