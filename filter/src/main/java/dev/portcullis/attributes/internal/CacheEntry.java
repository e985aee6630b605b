package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalAttributes;
import java.io.Serializable;

/**
 * What {@link AttributeCache} keeps per principal: the attributes and the instants (by the cache's
 * clock, in epoch milliseconds) until which they are fresh and until which they may be served
 * stale. Serializable so that an off-heap, disk or clustered tier can hold it.
 *
 * <p>Thread safety: immutable.
 */
final class CacheEntry implements Serializable {
    private static final long serialVersionUID = 1L;

    final PrincipalAttributes attributes;
    final long freshUntil;
    final long staleUntil;

    CacheEntry(PrincipalAttributes attributes, long freshUntil, long staleUntil) {
        this.attributes = attributes;
        this.freshUntil = freshUntil;
        this.staleUntil = staleUntil;
    }
}
