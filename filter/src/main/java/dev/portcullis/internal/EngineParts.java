package dev.portcullis.internal;

import dev.portcullis.Portcullis;
import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.internal.audit.DecisionLog;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.token.internal.TokenCache;
import dev.portcullis.token.internal.TokenValidator;

import java.util.Objects;

/**
 * The parts of a {@link Portcullis} engine that are not its API: its token cache, validator,
 * hygiene rules, decision log and attribute cache, for tests, benchmarks and tools that need their counters.
 * Applications use {@link Portcullis} alone.
 *
 * <p>{@code Portcullis} hands its parts over through an {@link Access} it installs once, when its
 * class is initialised (the JDK's {@code SharedSecrets} pattern), so that the engine's public type
 * carries no getter of an internal part.
 *
 * <pre>{@code
 * TokenCache cache = EngineParts.of(engine).tokenCache();
 * }</pre>
 *
 * <p>Thread safety: immutable; the access is set once, before any engine exists.
 */
public final class EngineParts {
    /** How {@link Portcullis} lets this class read its parts. */
    public interface Access {
        EngineParts parts(Portcullis engine);
    }

    private static volatile Access access;

    private final TokenCache tokenCache;
    private final TokenValidator tokenValidator;
    private final ClaimHygiene hygiene;
    private final DecisionLog decisionLog;
    private final AttributeCache attributeCache;

    public EngineParts(TokenCache tokenCache, TokenValidator tokenValidator, ClaimHygiene hygiene,
                       DecisionLog decisionLog, AttributeCache attributeCache) {
        this.tokenCache = tokenCache;
        this.tokenValidator = tokenValidator;
        this.hygiene = hygiene;
        this.decisionLog = decisionLog;
        this.attributeCache = attributeCache;
    }

    /** Called once, by {@link Portcullis}'s static initialiser. */
    public static void install(Access engineAccess) {
        Objects.requireNonNull(engineAccess, "engineAccess");
        synchronized (EngineParts.class) {
            if (access != null) {
                throw new IllegalStateException("engine access is already installed");
            }
            access = engineAccess;
        }
    }

    /** The parts of {@code engine}. */
    public static EngineParts of(Portcullis engine) {
        Objects.requireNonNull(engine, "engine");
        // having an engine means Portcullis is initialised, so the access is installed
        return access.parts(engine);
    }

    /** The verified-token cache, or null when it is disabled. */
    public TokenCache tokenCache() {
        return tokenCache;
    }

    /** The token validator. */
    public TokenValidator tokenValidator() {
        return tokenValidator;
    }

    /** The claim hygiene rules in force (and their counters). */
    public ClaimHygiene hygiene() {
        return hygiene;
    }

    /** The decision log (and its counters). */
    public DecisionLog decisionLog() {
        return decisionLog;
    }

    /** The principal attribute cache (and its counters). */
    public AttributeCache attributeCache() {
        return attributeCache;
    }
}
