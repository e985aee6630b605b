package dev.portcullis.policy.internal;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Resource attributes loaded on their first read: the map a lazily resolved
 * {@link dev.portcullis.policy.ResourceContext} holds. A decision whose rules never read
 * {@code R.attr} (a role rule that matches first, a policy without conditions) never calls the
 * source, so a resource resolver doing I/O is only asked when a condition, an output, a schema or
 * a scope lookup needs the attributes. The source is called at most once; its values are converted
 * as {@link CelValues#attributes} converts eager ones. A source that fails leaves the failure here
 * (see {@link #failure()}) and throws it to every reader, so the caller can refuse the decision
 * instead of trusting one made without the attributes.
 *
 * <p>Thread safety: safe for concurrent use; the source is called under this object's lock.
 */
public final class LazyAttributes extends AbstractMap<String, Object> {
    private Supplier<? extends Map<String, ?>> source;
    private volatile Map<String, Object> loaded;
    private RuntimeException failure;

    /** Attributes that {@code source} gives when first read. */
    public LazyAttributes(Supplier<? extends Map<String, ?>> source) {
        this.source = source;
    }

    private Map<String, Object> loaded() {
        Map<String, Object> m = loaded;
        return m != null ? m : load();
    }

    private synchronized Map<String, Object> load() {
        if (loaded == null) {
            if (failure != null) {
                throw failure;
            }
            try {
                loaded = CelValues.attributes(source.get());
                source = null;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return loaded;
    }

    /** Whether the source has been called successfully. */
    public boolean isLoaded() {
        return loaded != null;
    }

    /** The source's failure, null if it has not failed (or not been called). */
    public synchronized RuntimeException failure() {
        return failure;
    }

    @Override
    public Object get(Object key) {
        return loaded().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return loaded().containsKey(key);
    }

    @Override
    public int size() {
        return loaded().size();
    }

    @Override
    public boolean isEmpty() {
        return loaded().isEmpty();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return loaded().entrySet();
    }

    @Override
    public Set<String> keySet() {
        return loaded().keySet();
    }
}
