package dev.portcullis;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.token.BearerTokenExtractor;
import dev.portcullis.token.TokenSettings;
import dev.portcullis.token.TokenValidator;
import dev.portcullis.token.VerifiedToken;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The container-neutral Portcullis engine: one instance per application, shared by the servlet
 * filter and the JAX-RS filters. It turns the credentials of a request into a verified identity
 * (steps 1–5 of the request flow: extract, size gate, verify, claim hygiene), and decides whether
 * that identity may act (steps 6–9: fresh attributes, policy decision, decision log).
 *
 * <pre>{@code
 * Portcullis portcullis = Portcullis.fromSettings(Settings.fromSystem(initParams, Map.of()));
 * VerifiedToken who = portcullis.authenticate(authorizationHeaders, List.of());
 * }</pre>
 *
 * <p>Thread safety: thread-safe; build once at startup.
 */
public final class Portcullis implements AutoCloseable {
    /** Request attribute under which adapters store the {@link VerifiedToken}. */
    public static final String IDENTITY_ATTRIBUTE = "dev.portcullis.identity";
    /** Application-scope attribute under which the servlet filter publishes its engine. */
    public static final String ENGINE_ATTRIBUTE = "dev.portcullis.engine";

    private final BearerTokenExtractor extractor;
    private final TokenValidator validator;
    private final Clock clock;

    private Portcullis(Builder b) {
        this.extractor = b.extractor;
        this.validator = b.validator;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds the engine from settings; fails with a {@link ConfigurationException} naming the
     * first bad setting.
     */
    public static Portcullis fromSettings(Settings settings) {
        return fromSettings(settings, Clock.systemUTC());
    }

    public static Portcullis fromSettings(Settings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Builder b = builder().clock(clock);
        b.extractor(TokenSettings.extractor(settings));
        b.validator(TokenSettings.validator(settings, clock, (issuer, kids) -> { }));
        return b.build();
    }

    /**
     * Authenticates a request.
     *
     * @param authorizationHeaders every {@code Authorization} header value
     * @param parameterTokens every {@code access_token} query or form value
     * @return the verified identity, or {@code null} when the request carries no bearer token
     * @throws PortcullisException when the request or token is refused
     */
    public VerifiedToken authenticate(List<String> authorizationHeaders, List<String> parameterTokens)
            throws PortcullisException {
        String token = extractor.extract(authorizationHeaders, parameterTokens);
        if (token == null) {
            return null;
        }
        return validator.validate(token);
    }

    /**
     * The principal's fresh roles, from the attribute store through the cache (never from token
     * claims).
     *
     * @throws PortcullisException {@code attributes_unavailable} (503) when the store fails for an
     *         uncached principal; {@code principal_disabled} / {@code principal_unknown} (403)
     */
    public java.util.Set<String> roles(VerifiedToken who) throws PortcullisException {
        Objects.requireNonNull(who, "who");
        return java.util.Set.of(); // wired to the attribute cache by the attributes integration
    }

    /**
     * Decides whether {@code who} may perform {@code action} on the resource, from fresh attributes
     * and the loaded policies, and records the decision in the decision log.
     *
     * @param resourceKind the resource kind, e.g. {@code document}
     * @param resourceId the resource id, or null for kind-level actions
     * @param action the action, e.g. {@code read}
     * @param method the HTTP method, for the decision log
     * @param path the request path, for the decision log
     * @return the allowing decision
     * @throws PortcullisException {@code access_denied}, {@code principal_disabled},
     *         {@code principal_unknown} (403) or {@code attributes_unavailable} (503)
     */
    public Authorization authorize(VerifiedToken who, String resourceKind, String resourceId, String action,
                                   String method, String path) throws PortcullisException {
        Objects.requireNonNull(who, "who");
        throw new PortcullisException(Reason.ACCESS_DENIED, "no policy evaluator configured");
    }

    /** Whether some loaded policy covers this resource kind and action (startup checks). */
    public boolean covers(String resourceKind, String action) {
        return false;
    }

    /** The token validator (for tools such as the CLI). */
    public TokenValidator tokenValidator() {
        return validator;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        // no resources yet held beyond the JVM's HTTP client
    }

    /**
     * Builds a {@link Portcullis} engine from its parts.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private BearerTokenExtractor extractor = BearerTokenExtractor.builder().build();
        private TokenValidator validator;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder extractor(BearerTokenExtractor extractor) {
            this.extractor = Objects.requireNonNull(extractor, "extractor");
            return this;
        }

        public Builder validator(TokenValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Portcullis build() {
            if (validator == null) {
                throw new IllegalStateException("a token validator is required");
            }
            return new Portcullis(this);
        }
    }
}
