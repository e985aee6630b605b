package dev.portcullis.signals.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.internal.LogText;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps a Subject Identifier (RFC 9493) to the principal it names, (issuer, subject), and never
 * guesses: {@code iss_sub} maps when its {@code iss} is one of the token issuers this transmitter
 * may speak for ({@code portcullis.signals.subject-issuers}, each a configured token issuer);
 * {@code complex} maps through its {@code user} member. Every other format ({@code email},
 * {@code phone_number}, {@code opaque}, {@code account}, {@code did}, {@code uri},
 * {@code aliases}...) and an {@code iss_sub} of another issuer are logged and counted as
 * unmapped: Portcullis keys principals by the token's {@code iss} and {@code sub}, and an e-mail
 * address or opaque id says nothing certain about either.
 *
 * <p>Thread safety: thread-safe.
 */
final class SubjectIds {
    private static final Logger LOG = LoggerFactory.getLogger(SubjectIds.class);

    private final Set<String> issuers;
    private final AtomicLong unmapped = new AtomicLong();

    SubjectIds(Set<String> issuers) {
        this.issuers = Set.copyOf(issuers);
    }

    /** The principal {@code subId} names, or null (logged, counted). */
    PrincipalKey map(Object subId, String eventType) {
        if (subId instanceof Map) {
            Map<?, ?> id = (Map<?, ?>) subId;
            Object format = id.get("format");
            if ("iss_sub".equals(format) && id.get("iss") instanceof String && id.get("sub") instanceof String
                    && !((String) id.get("sub")).isEmpty()) {
                String iss = (String) id.get("iss");
                if (issuers.contains(iss)) {
                    return PrincipalKey.of(iss, (String) id.get("sub"));
                }
                return unmapped("iss_sub of issuer " + LogText.safe(iss) + ", which this transmitter may not speak for",
                        eventType);
            }
            if ("complex".equals(format) && id.get("user") instanceof Map) {
                return map(id.get("user"), eventType);
            }
            return unmapped("subject identifier format " + LogText.safe(String.valueOf(format)), eventType);
        }
        return unmapped(subId == null ? "no subject identifier" : "a subject identifier that is not an object",
                eventType);
    }

    private PrincipalKey unmapped(String why, String eventType) {
        unmapped.incrementAndGet();
        LOG.warn("Security event {} not applied: {} cannot be mapped to a principal", LogText.safe(eventType), why);
        return null;
    }

    /** Events whose subject could not be mapped. */
    long unmapped() {
        return unmapped.get();
    }
}
