package dev.portcullis.attributes.internal;

import java.io.Serializable;

/**
 * One revocation of a principal as {@link AttributeCache} shares it with other nodes through the
 * clustered revocation cache: when it happened (epoch milliseconds by the revoking node's clock)
 * and a random tag that makes every revocation distinct, so that a load can tell whether any
 * revocation happened while it ran by comparing what it saw before and after.
 *
 * <p>Thread safety: immutable.
 */
record Revocation(long at, long tag) implements Serializable {
    private static final long serialVersionUID = 1L;
}
