package dev.portcullis.token.internal;

import dev.portcullis.config.SettingNames;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import dev.portcullis.token.VerifiedToken;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Verifies a compact JWS access token against the configured issuers, with jose4j.
 *
 * <p>For each token: the (unverified) {@code iss} picks the issuer configuration; the JOSE header
 * must name an allowed algorithm and carry none of {@code crit}, {@code jku}, {@code x5u},
 * {@code jwk}, {@code x5c}, {@code cty} (an {@code x5t} thumbprint only helps pick one of the
 * issuer's own keys, as Microsoft Entra ID tokens need); the signature is verified with a key of that
 * issuer only (never a key the token brings); then {@code iss}, {@code sub}, {@code aud},
 * {@code exp} (required), {@code nbf} and {@code iat} (when present, and of numeric type), the
 * maximum lifetime ({@code exp - iat}, or {@code exp - now} without {@code iat}) and the optional
 * {@code typ} are checked against an injected {@link Clock} with a bounded clock skew
 * (RFC 7519 §4.1, RFC 8725 §3).
 *
 * <pre>{@code
 * TokenValidator validator = TokenValidator.builder()
 *     .issuer(IssuerConfig.builder("https://idp.example.com").audiences("api")
 *         .jwksUri(URI.create("https://idp.example.com/jwks")).build())
 *     .build();
 * VerifiedToken who = validator.validate(token);
 * }</pre>
 *
 * <p>The parts: {@link IssuerKeys} (issuers, their key sets and signature verifiers, routing by
 * {@code iss}), {@link JwsRules} (header rules), {@link SignatureVerifier} (key selection and the
 * signature), {@link ClaimChecks} (claims and lifetime).
 *
 * <p>Thread safety: thread-safe; one instance serves all requests. JWKS fetches are
 * single-flight and rate-limited per issuer. {@link #close()} stops the key fetch threads (a
 * validator with only local keys starts none).
 */
public final class TokenValidator implements AutoCloseable {
    /** Default allowed clock skew. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Largest clock skew that may be configured. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Default maximum token lifetime. */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(1);

    private final IssuerKeys issuers;
    private final ClaimChecks claimChecks;
    private final JwtConsumer firstPass;
    private final HttpFetcher fetcher;
    private final String signatureProvider;

    private TokenValidator(Builder b) {
        this.signatureProvider = b.signatureProvider.name();
        this.claimChecks = new ClaimChecks(b.clock, b.clockSkew.toSeconds(), b.maxLifetime.toSeconds());
        this.fetcher = new HttpFetcher(b.httpTimeout, b.maxJwksBytes);
        this.issuers = new IssuerKeys(b.issuers, fetcher, b);
        this.firstPass = new JwtConsumerBuilder()
                .setSkipAllValidators()
                .setDisableRequireSignature()
                .setSkipSignatureVerification()
                .setJweAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT))
                .setJweContentEncryptionAlgorithmConstraints(
                        new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT))
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Stops the threads that fetch keys (JWKS, discovery); later fetches fail. Idempotent. */
    @Override
    public void close() {
        fetcher.close();
    }

    /**
     * The JCA provider that verifies signatures ({@code jdk} for the JDK's own, else the provider's
     * name, e.g. {@code AmazonCorrettoCryptoProvider}); see {@link Builder#cryptoProvider}.
     */
    public String signatureProvider() {
        return signatureProvider;
    }

    /** The configured issuers, by {@code iss}. */
    public Set<String> issuers() {
        return issuers.names();
    }

    /** The configured issuers, in the order they were added. */
    public List<IssuerConfig> issuerConfigs() {
        return issuers.configs();
    }

    /** HTTP fetches of keys made so far for an issuer (0 for local keys); for tests and metrics. */
    public long keyFetchCount(String issuer) {
        return issuers.keyFetchCount(issuer);
    }

    /**
     * Each configured issuer's key status, in configuration order; with {@code refresh}, remote
     * keys that are missing or expired are fetched first (single-flight, at most once per refresh
     * interval), as a request would.
     */
    public List<IssuerKeyStatus> keyStatus(boolean refresh) {
        return issuers.status(refresh);
    }

    /**
     * Verifies a token whose syntax and size the {@link BearerTokenExtractor} has already checked.
     *
     * @return the proven identity, with every claim (claim hygiene runs after this)
     * @throws PortcullisException with a {@code Reason} saying why the token is refused, or
     *         {@code keys_unavailable} when no keys can be had for its issuer
     */
    public VerifiedToken validate(String token) throws PortcullisException {
        VerifiedToken lean;
        try {
            lean = ReadOnce.validate(token, issuers, claimChecks);
        } catch (RuntimeException e) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "malformed token: " + e);
        }
        if (lean != null) {
            return lean;
        }
        // a token the lean reader does not take: read it with jose4j, as always, which names the fault
        requireUtf8Json(token);
        JwtContext context;
        try {
            context = firstPass.process(token);
        } catch (InvalidJwtException e) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "unparseable token: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "unparseable token: " + e);
        }
        try {
            return verify(context);
        } catch (PortcullisException e) {
            throw e;
        } catch (RuntimeException e) {
            // jose4j reads header values with casts; a header of the wrong JSON type lands here.
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "malformed token: " + e);
        }
    }

    /**
     * Checks only what a token's signature proves, for key debugging ({@code verify-token
     * --signature-only}): the same header rules, algorithm allowlist, {@code typ} rule, key
     * selection ({@code kid}, {@code use}, {@code key_ops}, {@code alg} pin) and key checks as
     * {@link #validate}, but no claim at all: the payload need not even be JSON, and neither
     * {@code iss}, {@code aud} nor the lifetime are looked at. The keys are those of the one
     * configured issuer; with several issuers, the unverified {@code iss} picks them.
     *
     * @param token a token whose syntax and size the {@link BearerTokenExtractor} has checked
     * @return the algorithm and the key that verified the signature
     * @throws PortcullisException why the signature does not verify, or {@code keys_unavailable}
     */
    public VerifiedSignature verifySignature(String token) throws PortcullisException {
        int first = token.indexOf('.');
        if (first < 0) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "not a compact JWS");
        }
        JwsRules.requireUtf8(token.substring(0, first), "header");
        JsonWebSignature jws;
        try {
            JsonWebStructure structure = JsonWebStructure.fromCompactSerialization(token);
            if (!(structure instanceof JsonWebSignature)) {
                throw new PortcullisException(Reason.ENCRYPTED_TOKEN, "not a JWS");
            }
            jws = (JsonWebSignature) structure;
        } catch (JoseException | RuntimeException e) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "unparseable token: " + e.getMessage());
        }
        try {
            JwsRules.Header header = JwsRules.check(jws.getHeaders());
            IssuerKeys.IssuerVerifier verifier = issuers.only() != null ? issuers.only() : issuerOf(jws);
            verifier.signature.checkAlgorithm(header.alg());
            JwsRules.checkType(jws.getHeaders(), verifier.config.requiredType());
            SignatureVerifier.UsedKey key = verifier.signature.verify(jws);
            return new VerifiedSignature(header.alg(), key.keyId(), key.keyType(), key.keyAlgorithm());
        } catch (RuntimeException e) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "malformed token: " + e);
        }
    }

    private IssuerKeys.IssuerVerifier issuerOf(JsonWebSignature jws) throws PortcullisException {
        Object iss;
        try {
            iss = JwtClaims.parse(jws.getUnverifiedPayload()).getClaimValue("iss");
        } catch (InvalidJwtException e) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "payload is not a JSON claims set");
        }
        IssuerKeys.IssuerVerifier verifier = issuers.of(iss);
        if (verifier == null) {
            throw new PortcullisException(Reason.UNTRUSTED_ISSUER, "iss does not name a configured issuer");
        }
        return verifier;
    }

    /** Refuses a header or payload that is not valid UTF-8 ({@link JwsRules#requireUtf8}). */
    private static void requireUtf8Json(String token) throws PortcullisException {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0) {
            return; // not three segments: the parser refuses it
        }
        JwsRules.requireUtf8(token.substring(0, first), "header");
        JwsRules.requireUtf8(token.substring(first + 1, second), "payload");
    }

    private VerifiedToken verify(JwtContext context) throws PortcullisException {
        List<JsonWebStructure> structures = context.getJoseObjects();
        if (structures.size() != 1 || !(structures.get(0) instanceof JsonWebSignature)) {
            throw new PortcullisException(Reason.FORBIDDEN_HEADER, "nested or encrypted token");
        }
        JsonWebSignature jws = (JsonWebSignature) structures.get(0);
        JwsRules.Header header = JwsRules.check(jws.getHeaders());
        JwtClaims claims = context.getJwtClaims();
        Object iss = claims.getClaimValue("iss");
        if (!(iss instanceof String)) {
            throw new PortcullisException(Reason.UNTRUSTED_ISSUER, "iss missing or not a string");
        }
        IssuerKeys.IssuerVerifier verifier = issuers.of(iss);
        if (verifier == null) {
            throw new PortcullisException(Reason.UNTRUSTED_ISSUER, "issuer not configured: " + abbreviate((String) iss));
        }
        verifier.signature.checkAlgorithm(header.alg());
        JwsRules.checkType(jws.getHeaders(), verifier.config.requiredType());
        verifier.signature.verify(jws);
        return claimChecks.check(verifier.config, claims, header.alg(), header.kid());
    }

    static String abbreviate(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        StringBuilder out = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }

    /** Notified with the key ids an issuer removed from its JWKS. */
    @FunctionalInterface
    public interface KeysRemovedListener {
        void accept(String issuer, Set<String> keyIds);
    }

    /**
     * Builds a {@link TokenValidator}; each setter validates its argument at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final List<IssuerConfig> issuers = new ArrayList<>();
        Clock clock = Clock.systemUTC();
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        Duration jwksTtl = Duration.ofMinutes(10);
        Duration jwksRefreshInterval = Duration.ofSeconds(30);
        Duration jwksStaleIfError = Duration.ofHours(24);
        private Duration httpTimeout = Duration.ofSeconds(5);
        private int maxJwksBytes = 256 * 1024;
        KeysRemovedListener keysRemovedListener = (issuer, kids) -> { };
        SignatureProvider signatureProvider = SignatureProvider.of(SignatureProvider.AUTO);

        private Builder() {
        }

        /** Trusts an issuer; at least one is required; each {@code iss} at most once. */
        public Builder issuer(IssuerConfig config) {
            for (IssuerConfig c : issuers) {
                if (c.issuer().equals(config.issuer())) {
                    throw new ConfigurationException(SettingNames.ISSUER, "issuer configured twice: " + config.issuer());
                }
            }
            issuers.add(config);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Allowed clock skew for exp/nbf/iat, 0 to 5 minutes (default 30 s). */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new ConfigurationException(SettingNames.CLOCK_SKEW, "clock skew must be between 0 and 5 minutes, was " + skew);
            }
            this.clockSkew = skew;
            return this;
        }

        /** Longest accepted {@code exp - iat}, 1 minute to 24 hours (default 1 hour). */
        public Builder maxLifetime(Duration lifetime) {
            if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(Duration.ofHours(24)) > 0) {
                throw new ConfigurationException(SettingNames.MAX_TOKEN_LIFETIME, "max token lifetime must be between 1 minute and 24 hours, was "
                        + lifetime);
            }
            this.maxLifetime = lifetime;
            return this;
        }

        /** How long fetched keys are kept when the response has no Cache-Control max-age (default 10 min). */
        public Builder jwksCacheTtl(Duration ttl) {
            if (ttl.compareTo(Duration.ofSeconds(30)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
                throw new ConfigurationException(SettingNames.JWKS_CACHE_TTL, "JWKS cache TTL must be between 30 s and 24 h, was " + ttl);
            }
            this.jwksTtl = ttl;
            return this;
        }

        /** Minimum time between two fetches of an issuer's keys (default 30 s, at least 1 s). */
        public Builder jwksRefreshInterval(Duration interval) {
            if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
                throw new ConfigurationException(SettingNames.JWKS_REFRESH_INTERVAL, "JWKS refresh interval must be between 1 s and 1 h, was " + interval);
            }
            this.jwksRefreshInterval = interval;
            return this;
        }

        /** How long the last good keys stay usable while the key endpoint fails (default 24 h). */
        public Builder jwksStaleIfError(Duration staleIfError) {
            if (staleIfError.isNegative() || staleIfError.compareTo(Duration.ofDays(7)) > 0) {
                throw new ConfigurationException(SettingNames.JWKS_STALE_IF_ERROR, "JWKS stale-if-error must be between 0 and 7 days, was "
                        + staleIfError);
            }
            this.jwksStaleIfError = staleIfError;
            return this;
        }

        /** Deadline for a whole key or discovery fetch (default 5 s, 100 ms to 60 s). */
        public Builder httpTimeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new ConfigurationException(SettingNames.JWKS_TIMEOUT, "HTTP timeout must be between 100 ms and 60 s, was " + timeout);
            }
            this.httpTimeout = timeout;
            return this;
        }

        /** Largest accepted JWKS or discovery document (default 256 KiB). */
        public Builder maxJwksBytes(int bytes) {
            if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
                throw new ConfigurationException(SettingNames.JWKS_MAX_BYTES, "max JWKS bytes must be between 1 KiB and 16 MiB, was " + bytes);
            }
            this.maxJwksBytes = bytes;
            return this;
        }

        /**
         * The JCA provider that verifies signatures ({@value SettingNames#CRYPTO_PROVIDER}):
         * {@code auto} (the default: the Amazon Corretto Crypto Provider when its jar is on the
         * class path, else the JDK), {@code jdk}, or a provider name. Only the signature check moves
         * to the provider; every rule before and after it is the same. The provider is not
         * installed in the JVM.
         *
         * @throws ConfigurationException naming the setting when a named provider is absent
         */
        public Builder cryptoProvider(String nameOrAuto) {
            this.signatureProvider = SignatureProvider.of(nameOrAuto);
            return this;
        }

        /** Called when an issuer's JWKS no longer lists some key ids (e.g. to drop cached tokens). */
        public Builder onKeysRemoved(KeysRemovedListener listener) {
            this.keysRemovedListener = java.util.Objects.requireNonNull(listener, "listener");
            return this;
        }

        public TokenValidator build() {
            if (issuers.isEmpty()) {
                throw new ConfigurationException(SettingNames.ISSUER, "at least one issuer is required");
            }
            return new TokenValidator(this);
        }
    }
}
