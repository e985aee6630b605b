package dev.portcullis.attributes.byclass;

import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.PrincipalAttributes;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** An attribute source with only a no-argument constructor: every principal is a "guest". */
public final class NoSettingsSource implements AttributeSource {
    /** Instances created from this copy of the class (tests read the difference). */
    public static final AtomicInteger CREATED = new AtomicInteger();

    public NoSettingsSource() {
        CREATED.incrementAndGet();
    }

    @Override
    public PrincipalAttributes load(String issuer, String subject) {
        return PrincipalAttributes.builder(issuer, subject).role("guest").loadedAt(Instant.EPOCH).build();
    }
}
