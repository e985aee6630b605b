package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.Reason;
import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by {@link AttributeCache#get(String, String)} when fresh attributes cannot be had: the
 * source failed or timed out, and nothing usable is cached (no entry, the entry is past its stale
 * window, or the subject was revoked or evicted). Callers answer
 * {@link Reason#ATTRIBUTES_UNAVAILABLE} (503) with a {@code Retry-After} of
 * {@link #retryAfter()}; the request is refused, never let through (fail closed).
 *
 * <p>The message names the principal and the cause for the log; it is not for clients.
 */
public final class AttributesUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    private final PrincipalKey key;
    private final Duration retryAfter;

    public AttributesUnavailableException(PrincipalKey key, Duration retryAfter, String message,
                                          Throwable cause) {
        super(message, cause);
        this.key = Objects.requireNonNull(key, "key");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** Always {@link Reason#ATTRIBUTES_UNAVAILABLE}. */
    public Reason reason() {
        return Reason.ATTRIBUTES_UNAVAILABLE;
    }

    /** The principal whose attributes could not be loaded. */
    public PrincipalKey key() {
        return key;
    }

    /** A hint for the {@code Retry-After} header: when a retry has a chance of succeeding. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
