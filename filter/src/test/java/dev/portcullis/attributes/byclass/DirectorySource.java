package dev.portcullis.attributes.byclass;

import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.config.Settings;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An attribute source as an application would write one (an LDAP directory, an HTTP service),
 * named by class in {@code portcullis.attributes.source}: it reads its own setting, answers every
 * subject with the role that setting names, and counts how often it was closed.
 */
public final class DirectorySource implements AttributeSource {
    /** The source's own setting: the role every principal gets. */
    public static final String ROLE = "portcullis.example.directory.role";
    /** Times any instance was closed (tests read the difference). */
    public static final AtomicInteger CLOSED = new AtomicInteger();

    private final String role;

    public DirectorySource(Settings settings) {
        this.role = settings.require(ROLE);
    }

    @Override
    public PrincipalAttributes load(String issuer, String subject) {
        return PrincipalAttributes.builder(issuer, subject).role(role).loadedAt(Instant.EPOCH).build();
    }

    @Override
    public void close() {
        CLOSED.incrementAndGet();
    }
}
