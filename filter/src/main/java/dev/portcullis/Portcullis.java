package dev.portcullis;

import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.attributes.internal.AttributesUnavailableException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.internal.audit.DecisionLog;
import dev.portcullis.internal.audit.DecisionRecord;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.EngineParts;
import dev.portcullis.internal.Extensions;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.internal.hygiene.HygieneResult;
import dev.portcullis.internal.LogText;
import dev.portcullis.internal.metrics.EngineMetrics;
import dev.portcullis.internal.metrics.MeteredParts;
import dev.portcullis.policy.internal.ReloadingPolicyEvaluator;
import dev.portcullis.token.internal.IssuerKeyStatus;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.ResourceResolver;
import dev.portcullis.signals.internal.SignalReceiver;
import dev.portcullis.token.internal.BearerTokenExtractor;
import dev.portcullis.token.internal.PrincipalIds;
import dev.portcullis.token.internal.TokenCache;
import dev.portcullis.token.internal.TokenSettings;
import dev.portcullis.token.internal.TokenValidator;
import dev.portcullis.token.internal.dpop.SenderConstraints;
import dev.portcullis.token.internal.dpop.SenderSettings;
import dev.portcullis.token.VerifiedToken;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The container-neutral Portcullis engine: one instance per application, shared by the servlet
 * filter and the JAX-RS filters.
 *
 * <p>Request flow (see docs/architecture.md, "One request"): {@link #decide} takes one request
 * ({@link AccessRequest}: method, dispatched path, credentials, the endpoint's {@link Requirement})
 * and answers with an {@link Outcome}: admitted with the principal and roles, or a refusal with
 * status, headers, problem body and decision id. The servlet filter and the JAX-RS feature call
 * only this. The steps it composes stay public for tools and benchmarks: {@link #authenticate}
 * extracts the one bearer token, gates its size, verifies it and applies claim hygiene;
 * {@link #principal} loads the principal's fresh attributes through the cache and refuses
 * disabled or unknown principals; {@link #authorize} asks the policy evaluator about one action on
 * one resource and writes the decision log. {@link #revoke} makes a principal's next request load
 * fresh attributes, before it returns.
 *
 * <pre>{@code
 * Portcullis portcullis = Portcullis.fromSettings(Settings.fromSystem(initParams, Map.of()));
 * Outcome outcome = portcullis.decide(AccessRequest.builder("GET", "/api/documents/42")
 *         .authorization(authorizationHeaders)
 *         .requirement(Requirement.permission("document", "read", "42", "DocumentResource#read"))
 *         .build());
 * }</pre>
 *
 * <p>Thread safety: thread-safe; build once at startup and close at shutdown.
 */
public final class Portcullis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Portcullis.class);

    static {
        // the internal parts (token cache, validator, hygiene, decision log) are read through
        // EngineParts by tests, benchmarks and tools, not through getters on this API type
        EngineParts.install(engine -> new EngineParts(engine.tokens, engine.validator, engine.hygiene,
                engine.decisions));
    }
    /** Request attribute under which adapters store the {@link VerifiedToken}. */
    public static final String IDENTITY_ATTRIBUTE = "dev.portcullis.identity";
    /**
     * Request attribute (servlet) and request property (JAX-RS) holding the {@link Authorization}
     * of the last allowing permission check, with its policy, rule and rule outputs.
     */
    public static final String AUTHORIZATION_ATTRIBUTE = "dev.portcullis.authorization";
    /** Attribute (application scope, and request scope) under which the servlet filter publishes its engine. */
    public static final String ENGINE_ATTRIBUTE = "dev.portcullis.engine";

    private final BearerTokenExtractor extractor;
    private final TokenValidator validator;
    private final TokenCache tokens;
    private final ClaimHygiene hygiene;
    private final AttributeCache attributes;
    private final PolicyEvaluator policy;
    private final ResourceResolver resources;
    private final DecisionLog decisions;
    private final Clock clock;
    private final PrincipalIds ids;
    private final SenderConstraints senders;
    private final EngineMetrics metrics;
    private final PrincipalContexts principals = new PrincipalContexts();
    private final RevocationEndpoint revocations = new RevocationEndpoint(this);
    private final RequestPipeline pipeline = new RequestPipeline(this);
    private final SignalReceiver signals;
    private final SignalEndpoints signalEndpoints;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String principalScopeAttribute;


    private Portcullis(Builder b) {
        this.extractor = b.extractor;
        this.validator = b.validator;
        this.tokens = b.tokens;
        this.hygiene = b.hygiene;
        this.attributes = b.attributes;
        this.policy = b.policy;
        this.resources = b.resources;
        this.decisions = b.decisions != null ? b.decisions : b.decisionLog(DecisionLog.builder()).start();
        this.clock = b.clock;
        this.ids = b.ids;
        this.signals = b.signals;
        this.signalEndpoints = new SignalEndpoints(this, signals);
        if (signals != null) {
            signals.attach(new SignalReceiver.Target() {
                @Override
                public void revoke(String issuer, String subject) {
                    Portcullis.this.revoke(issuer, subject);
                }

                @Override
                public void evict(String issuer, String subject) {
                    Portcullis.this.evict(issuer, subject);
                }
            });
        }
        this.senders = b.senders;
        this.principalScopeAttribute = b.principalScopeAttribute;
        this.metrics = EngineMetrics.create(b.metricsRegistry,
                new MeteredParts(tokens, validator, attributes, policy, decisions, hygiene));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds the engine from settings; fails with a {@link ConfigurationException} naming the
     * first bad setting. Policies are loaded when {@code portcullis.policy.dir} is set; the
     * attribute store when {@code portcullis.attributes.source} is set.
     */
    public static Portcullis fromSettings(Settings settings) {
        return fromSettings(settings, Clock.systemUTC());
    }

    public static Portcullis fromSettings(Settings settings, Clock clock) {
        return fromSettings(settings, clock, b -> { });
    }

    /**
     * As {@link #fromSettings(Settings, Clock)}, with what settings cannot carry: {@code extras}
     * may set the builder's {@link Builder#metrics meter registry} and
     * {@link Builder#decisionListener decision listener} (the servlet filter passes its servlet
     * context's); every other part comes from the settings.
     */
    public static Portcullis fromSettings(Settings settings, Clock clock, Consumer<Builder> extras) {
        Objects.requireNonNull(settings, "settings");
        Builder b = builder().clock(clock);
        extras.accept(b);
        BearerTokenExtractor extractor = TokenSettings.extractor(settings);
        b.extractor(extractor);
        TokenCache tokenCache = TokenCache.fromSettings(settings, clock, extractor.maxTokenBytes()).orElse(null);
        b.validator(TokenSettings.validator(settings, clock, tokenCache == null ? (issuer, kids) -> { }
                : tokenCache::keysRemoved));
        if (tokenCache != null) {
            b.tokens(tokenCache);
        }
        b.hygiene(ClaimHygiene.fromSettings(settings));
        int capacity = settings.getInt(SettingNames.DECISION_LOG_CAPACITY, DecisionLog.DEFAULT_CAPACITY);
        if (capacity < 1) {
            throw new ConfigurationException(SettingNames.DECISION_LOG_CAPACITY, "must be positive, was " + capacity);
        }
        DecisionLog.Builder decisionLog = b.decisionLog(DecisionLog.builder(settings).capacity(capacity));
        try {
            if (settings.get(SettingNames.POLICY_DIR).isPresent()) {
                b.policy(CerbosPolicyEvaluator.fromSettings(settings));
            }
            settings.get(SettingNames.RESOURCE_RESOLVER).ifPresent(name -> b.resources(resolver(name, settings)));
            settings.get(SettingNames.POLICY_PRINCIPAL_SCOPE_ATTRIBUTE).ifPresent(b::principalScopeAttribute);
            // jdbc, file, none, or the class name of the application's own AttributeSource
            AttributeCache.fromSettings(settings, clock).ifPresent(b::attributes);
            b.signals = SignalReceiver.fromSettings(settings, clock, TokenSettings.issuers(settings));
            b.senders(SenderSettings.of(settings, settings.getDuration(SettingNames.CLOCK_SKEW,
                    TokenValidator.DEFAULT_CLOCK_SKEW), clock));
            b.decisions(decisionLog.start());
            return b.build();
        } catch (RuntimeException | Error e) {
            // a later bad setting must not leave the parts already started running (policy
            // watcher, connection pool): the application fails, and may be deployed again
            closeAll(b.validator, b.policy, b.resources, b.attributes, b.signals, b.decisions, b.senders);
            throw e;
        }
    }

    private static ResourceResolver resolver(String className, Settings settings) {
        return Extensions.instantiate(SettingNames.RESOURCE_RESOLVER, className, ResourceResolver.class, settings);
    }

    /**
     * Decides one request, start to end (see docs/architecture.md, "One request"): the endpoint's
     * deny-all; the one bearer token (header, or the query when insecure query tokens are
     * allowed), its size, signature, claims and hygiene, through the verified-token cache (or the
     * identity this engine verified earlier in the request); the principal's fresh attributes
     * (disabled and unknown principals refused); then the {@link Requirement}: the route table's
     * match, the annotation requirements, or the revocation endpoint. Every refusal after
     * authentication is written to the decision log with its decision id, every refusal is logged
     * once (5xx at WARN, others at DEBUG), and an unexpected failure is answered with a generic
     * 500 problem: this method does not throw.
     *
     * <pre>{@code
     * Outcome outcome = engine.decide(AccessRequest.builder("GET", "/api/documents/42")
     *         .authorization(headers).requirement(Requirement.route(match, routes.unmatched())).build());
     * if (outcome.isRefused()) {
     *     write(outcome.refusal());
     * }
     * }</pre>
     */
    public Outcome decide(AccessRequest request) {
        return pipeline.decide(Objects.requireNonNull(request, "request"));
    }

    /** Whether tokens in the {@code access_token} request parameter are (insecurely) accepted. */
    boolean allowsQueryParameterTokens() {
        return extractor.allowsQueryParameterTokens();
    }

    /**
     * Authenticates a request as {@link #authenticate(List, List)} does, reading the {@code DPoP}
     * scheme too, then checks the token's sender constraints on every request (cached or not):
     * DPoP proof and certificate binding ({@link SenderConstraints}).
     */
    VerifiedToken authenticate(AccessRequest r, List<String> parameterTokens) throws PortcullisException {
        SenderConstraints.Presented presented = senders.presented(r.authorization());
        String token;
        VerifiedToken verified;
        try {
            token = extractor.extract(presented.headers, parameterTokens);
            if (token == null) {
                return null;
            }
            verified = verified(token);
        } catch (PortcullisException e) {
            throw SenderConstraints.underScheme(e, presented.dpop);
        }
        senders.check(presented.dpop, verified, token, r.method(), r.url(), r.dpop(), r.clientCertificate());
        return verified;
    }

    /** The {@code algs} of the DPoP challenge, or null when no issuer accepts DPoP. */
    String dpopAlgs() {
        return senders.dpopAlgs();
    }

    /** Whether the Bearer challenge is offered (some issuer does not require DPoP). */
    boolean bearerAccepted() {
        return senders.bearerAccepted();
    }

    /**
     * Authenticates a request: one bearer token, size gate, then the verified-token cache; on a
     * miss signature and claims, claim hygiene, and the result is cached. The token is taken as a
     * Bearer token with no request around it: one bound to a key ({@code cnf.jkt}) or a client
     * certificate ({@code cnf.x5t#S256}), or of an issuer requiring DPoP, is refused here; requests
     * with DPoP proofs or client certificates go through {@link #decide}.
     *
     * @return the verified identity carrying only the claims hygiene lets the application see, or
     *         {@code null} when the request carries no bearer token
     * @throws PortcullisException when the request or token is refused
     */
    public VerifiedToken authenticate(List<String> authorizationHeaders, List<String> parameterTokens)
            throws PortcullisException {
        String token = extractor.extract(authorizationHeaders, parameterTokens);
        if (token == null) {
            return null;
        }
        VerifiedToken verified = verified(token);
        senders.check(false, verified, token, null, null, List.of(), null);
        return verified;
    }

    /** The token verified, through the verified-token cache. */
    private VerifiedToken verified(String token) throws PortcullisException {
        if (tokens == null) {
            return notRevoked(counted(token));
        }
        VerifiedToken cached = tokens.get(token);
        if (cached != null) {
            return notRevoked(cached);
        }
        long generation = tokens.generation();
        VerifiedToken verified = counted(token);
        tokens.put(token, verified, generation);
        return notRevoked(verified);
    }

    /** Refuses a token issued before its principal was revoked by the identity provider (signals). */
    private VerifiedToken notRevoked(VerifiedToken token) throws PortcullisException {
        if (signals != null) {
            signals.checkNotRevoked(token);
        }
        return token;
    }

    /** {@link #verify}, counted in the metrics by algorithm (verified) or reason (refused). */
    private VerifiedToken counted(String token) throws PortcullisException {
        VerifiedToken verified;
        try {
            verified = verify(token);
        } catch (PortcullisException e) {
            metrics.tokenVerification(null, e.reason().code());
            throw e;
        }
        metrics.tokenVerification(verified.algorithm(), null);
        return verified;
    }

    private VerifiedToken verify(String token) throws PortcullisException {
        VerifiedToken verified = validator.validate(token);
        String collision = ids.collision(verified.issuer(), verified.subject());
        if (collision != null) {
            // e.g. sub "partner:alice" from the unprefixed issuer: it would be partner's alice in policies
            throw new PortcullisException(Reason.INVALID_CLAIMS, "sub '" + LogText.safe(verified.subject())
                    + "' of issuer " + LogText.safe(verified.issuer()) + " has no principal id: " + collision
                    + " (" + SettingNames.PRINCIPAL_PREFIX + ")");
        }
        HygieneResult result = hygiene.check(verified.claims());
        if (result.refused()) {
            throw new PortcullisException(result.reason().orElse(Reason.FORBIDDEN_CLAIMS),
                    "claim hygiene: " + result, null, 0, result.description());
        }
        return verified.withClaims(result.allowedClaims());
    }

    /**
     * The principal's fresh attributes, or refusal when the principal is disabled or unknown.
     * Without an attribute store every authenticated principal is active with no roles.
     *
     * @throws PortcullisException {@code principal_disabled} / {@code principal_unknown} (403),
     *         {@code attributes_unavailable} (503)
     */
    public PrincipalAttributes principal(VerifiedToken who) throws PortcullisException {
        Objects.requireNonNull(who, "who");
        if (attributes == null) {
            PrincipalAttributes none = PrincipalAttributes.builder(who.issuer(), who.subject())
                    .status(PrincipalStatus.ACTIVE).loadedAt(clock.instant()).build();
            if (signals != null) {
                signals.checkNotRevoked(who, none.loadedAt());
            }
            return none;
        }
        PrincipalAttributes attrs;
        try {
            attrs = attributes.get(who.issuer(), who.subject());
        } catch (AttributesUnavailableException e) {
            throw new PortcullisException(Reason.ATTRIBUTES_UNAVAILABLE, e.getMessage(), null,
                    Math.max(1, e.retryAfter().toSeconds()));
        }
        if (attrs.status() == PrincipalStatus.DISABLED) {
            throw new PortcullisException(Reason.PRINCIPAL_DISABLED, LogText.safe(who.subject()) + " @ "
                    + LogText.safe(who.issuer()) + " is disabled");
        }
        if (attrs.status() != PrincipalStatus.ACTIVE) {
            throw new PortcullisException(Reason.PRINCIPAL_UNKNOWN, LogText.safe(who.subject()) + " @ "
                    + LogText.safe(who.issuer()) + " is unknown to the attribute store");
        }
        if (signals != null) {
            // clustered: another node's revocation evicted these attributes here, so a reload re-reads the cutoffs
            signals.checkNotRevoked(who, attrs.loadedAt());
        }
        return attrs;
    }

    /**
     * {@link #principal} for a request: a refusal (disabled, unknown) is also written to the
     * decision log, with its decision id on the exception.
     */
    public PrincipalAttributes admit(VerifiedToken who, String method, String path) throws PortcullisException {
        long start = System.nanoTime();
        try {
            return principal(who);
        } catch (PortcullisException e) {
            if (e.reason().status() == 403) {
                throw deny(who, null, null, null, method, path, null, e.reason(), e.getMessage(), start);
            }
            throw e;
        }
    }

    /**
     * Records a refusal decided outside the policy (a route that does not allow the method, an
     * unmatched path under {@code unmatched: deny}) and returns the exception to answer with.
     */
    public PortcullisException refuse(VerifiedToken who, PrincipalAttributes attrs, Reason reason, String detail,
                                      String method, String path) {
        return deny(who, null, null, null, method, path, attrs, reason, detail, System.nanoTime());
    }

    /** The principal's fresh roles (never from token claims). */
    public Set<String> roles(VerifiedToken who) throws PortcullisException {
        return principal(who).roles();
    }

    /** {@link #authorize(VerifiedToken, PrincipalAttributes, String, String, String, String, String)} loading the attributes. */
    public Authorization authorize(VerifiedToken who, String resourceKind, String resourceId, String action,
                                   String method, String path) throws PortcullisException {
        long start = System.nanoTime();
        PrincipalAttributes attrs;
        try {
            attrs = principal(who);
        } catch (PortcullisException e) {
            if (e.reason().status() == 403) {
                throw deny(who, resourceKind, resourceId, action, method, path, null, e.reason(), e.getMessage(), start);
            }
            throw e;
        }
        return authorize(who, attrs, resourceKind, resourceId, action, method, path);
    }

    /**
     * Decides whether {@code who} may perform {@code action} on the resource, from fresh
     * attributes and the loaded policies, and records the decision in the decision log.
     *
     * @throws PortcullisException {@code access_denied} (403, with a decision id) or
     *         {@code attributes_unavailable} (503, when resource attributes cannot be loaded)
     */
    public Authorization authorize(VerifiedToken who, PrincipalAttributes attrs, String resourceKind,
                                   String resourceId, String action, String method, String path)
            throws PortcullisException {
        return authorize(who, attrs, resourceKind, resourceId, null, null, null, action, method, path);
    }

    /**
     * As above, for a resource in a Cerbos scope ({@code scope}: from a route's or annotation's
     * {@code scope}, null for none; the resource resolver's {@link ResourceResolver#scope} wins and
     * a different requested scope is denied), with the policies of {@code policyVersion} (null: the
     * default version) for the principal and the resource.
     */
    public Authorization authorize(VerifiedToken who, PrincipalAttributes attrs, String resourceKind,
                                   String resourceId, String scope, String policyVersion, String action,
                                   String method, String path) throws PortcullisException {
        return authorize(who, attrs, resourceKind, resourceId, null, scope, policyVersion, action, method, path);
    }

    /**
     * As above; {@code fixedAttributes}, when not null, are the resource's attributes and the
     * resource resolver is not asked (the engine's own resources, such as revocation targets).
     */
    Authorization authorize(VerifiedToken who, PrincipalAttributes attrs, String resourceKind, String resourceId,
                            Map<String, Object> fixedAttributes, String action, String method, String path)
            throws PortcullisException {
        return authorize(who, attrs, resourceKind, resourceId, fixedAttributes, null, null, action, method, path);
    }

    Authorization authorize(VerifiedToken who, PrincipalAttributes attrs, String resourceKind, String resourceId,
                            Map<String, Object> fixedAttributes, String requestedScope, String policyVersion,
                            String action, String method, String path) throws PortcullisException {
        long start = System.nanoTime();
        if (policy == null) {
            throw deny(who, resourceKind, resourceId, action, method, path, attrs, Reason.ACCESS_DENIED,
                    "no policies configured (" + SettingNames.POLICY_DIR + ")", start);
        }
        String collision = ids.collision(who.issuer(), who.subject());
        if (collision != null) {
            // an identity this engine did not verify (another engine's issuers), or one without an id
            throw deny(who, resourceKind, resourceId, action, method, path, attrs, Reason.ACCESS_DENIED,
                    "principal has no id in policies: " + collision, start);
        }
        // the resolver is asked only when something reads R.attr (a condition, an output, a schema,
        // the resolver's own scope): a role rule that decides first costs no resolver I/O
        ResolveOnRead resolveOnRead = fixedAttributes == null && resourceId != null && resources != ResourceResolver.NONE
                ? new ResolveOnRead(resources, resourceKind, resourceId) : null;
        ResourceContext resource = resolveOnRead != null
                ? ResourceContext.lazy(resourceKind, resourceId, resolveOnRead)
                : ResourceContext.of(resourceKind, resourceId, fixedAttributes);
        Map<String, Object> resourceAttributes = resource.attr();
        if (fixedAttributes == null || requestedScope != null) {
            String scope;
            try {
                scope = ResourceScopes.scope(fixedAttributes == null ? resources : ResourceResolver.NONE,
                        resourceKind, resourceId, resourceAttributes, requestedScope);
            } catch (ResourceScopes.ScopeRefused e) {
                throw deny(who, resourceKind, resourceId, action, method, path, attrs, Reason.ACCESS_DENIED,
                        e.getMessage(), start);
            } catch (RuntimeException e) {
                LOG.warn("resource resolver failed for the scope of {}:{}: {}", resourceKind, LogText.safe(resourceId),
                        e.toString());
                throw new PortcullisException(Reason.ATTRIBUTES_UNAVAILABLE, "resource attributes unavailable", e, 5);
            }
            if (!scope.isEmpty()) {
                resource = resource.withScope(scope);
            }
        }
        PrincipalContext principal;
        try {
            principal = principals.of(ids.id(who.issuer(), who.subject()), who.issuer(), who.subject(), attrs,
                    principalScopeAttribute);
        } catch (IllegalArgumentException e) {
            throw deny(who, resourceKind, resourceId, action, method, path, attrs, Reason.ACCESS_DENIED,
                    LogText.safe(e.getMessage()), start);
        }
        if (policyVersion != null) {
            principal = principal.withPolicyVersion(policyVersion);
            resource = resource.withPolicyVersion(policyVersion);
        }
        if (policy.readsAuxData()) {
            // only then: attaching the claims builds a context per request
            principal = principal.withAuxDataJwt(who.claims());
        }
        Decision decision;
        try {
            decision = policy.decide(principal, resource, action);
        } catch (RuntimeException e) {
            if (resolveOnRead == null || resolveOnRead.failure == null) {
                throw e;
            }
            decision = null;
        }
        if (resolveOnRead != null && resolveOnRead.failure != null) {
            // the policies needed the attributes and could not have them: no decision made without them
            throw new PortcullisException(Reason.ATTRIBUTES_UNAVAILABLE, "resource attributes unavailable",
                    resolveOnRead.failure, 5);
        }
        String id = decisions.newDecisionId();
        List<String> derivedRoles = decision.activeDerivedRoles().isEmpty() ? List.of()
                : List.copyOf(decision.activeDerivedRoles());
        record(id, who, resourceKind, resourceId, action, method, path, attrs, decision.isAllowed() ? "ALLOW" : "DENY",
                decision.isAllowed() ? null : Reason.ACCESS_DENIED.code(), decision.policy().orElse(null),
                decision.rule(), derivedRoles, start);
        if (!decision.isAllowed()) {
            decision.error().ifPresent(err -> LOG.warn("policy evaluation error for {} @ {} {} on {}:{}: {}",
                    LogText.safe(who.subject()), LogText.safe(who.issuer()), action, resourceKind,
                    LogText.safe(resourceId), LogText.safe(err, 1024)));
            throw new PortcullisException(Reason.ACCESS_DENIED, "denied by " + decision, null, 0, null, id);
        }
        return new Authorization(id, decision.policy().orElse(null), decision.rule(), derivedRoles, decision.outputs());
    }

    /** Asks the resource resolver once, when a policy first reads the attributes; keeps its failure. */
    private static final class ResolveOnRead implements java.util.function.Supplier<Map<String, ?>> {
        private final ResourceResolver resolver;
        private final String kind;
        private final String id;
        RuntimeException failure;

        ResolveOnRead(ResourceResolver resolver, String kind, String id) {
            this.resolver = resolver;
            this.kind = kind;
            this.id = id;
        }

        @Override
        public Map<String, ?> get() {
            try {
                return resolver.resolve(kind, id);
            } catch (RuntimeException e) {
                LOG.warn("resource resolver failed for {}:{}: {}", kind, LogText.safe(id), e.toString());
                failure = e;
                throw e;
            }
        }
    }

    PortcullisException deny(VerifiedToken who, String kind, String id, String action, String method,
                                       String path, PrincipalAttributes attrs, Reason reason, String detail,
                                       long start) {
        String decisionId = decisions.newDecisionId();
        record(decisionId, who, kind, id, action, method, path, attrs, "DENY", reason.code(), null, null, List.of(),
                start);
        return new PortcullisException(reason, detail, null, 0, null, decisionId);
    }

    private void record(String decisionId, VerifiedToken who, String kind, String id, String action, String method,
                        String path, PrincipalAttributes attrs, String effect, String reason, String policyName,
                        String rule, List<String> derivedRoles, long start) {
        java.time.Instant now = clock.instant();
        long nanos = System.nanoTime() - start;
        metrics.decision("ALLOW".equals(effect) ? "allow" : "DENY".equals(effect) ? "deny"
                : effect.toLowerCase(java.util.Locale.ROOT), reason, kind, action, nanos);
        decisions.record(DecisionRecord.builder(now, decisionId)
                .request(method, path)
                .principal(who.issuer(), who.subject(), who.tokenId())
                .resource(kind, id, action)
                .effect(effect, reason)
                .rule(policyName, rule, derivedRoles)
                .attributes(attrs == null ? null : attrs.version().orElse(null),
                        attrs == null ? 0 : Duration.between(attrs.loadedAt(), now).toMillis())
                .latencyMicros(nanos / 1000)
                .build());
    }

    /**
     * The id policies see as {@code P.id} for this identity: the subject with its issuer's
     * principal prefix (the subject itself with one issuer). Applications that store owners for
     * {@code R.attr.owner == P.id} store this id.
     *
     * @throws IllegalArgumentException when the identity has no id here (its issuer is not one of
     *         this engine's, or its subject collides with another issuer's prefix)
     */
    public String principalId(VerifiedToken who) {
        return ids.id(who.issuer(), who.subject());
    }

    /**
     * A query plan for a list endpoint: which resources of {@code resourceKind} the principal
     * {@code who} (a token this engine verified, e.g. the request's {@link #IDENTITY_ATTRIBUTE})
     * may perform {@code action} on, from its fresh attributes and the loaded policies (the
     * principal {@code decide} sees: id with issuer prefix, roles, attributes with the reserved
     * {@code iss} and {@code sub}). Push the plan into the query with
     * {@link dev.portcullis.policy.plan.SqlWhere}; no per-row decision is needed.
     *
     * @param scope the resource scope, empty for none
     * @throws PortcullisException {@code principal_disabled} / {@code principal_unknown} (403),
     *         {@code attributes_unavailable} (503), {@code access_denied} (403) when the identity
     *         has no principal id here
     * @throws dev.portcullis.policy.plan.PlanException when the policies cannot be planned
     *         (naming the construct) or no policies are configured
     */
    public dev.portcullis.policy.plan.Plan plan(VerifiedToken who, String resourceKind, String action, String scope)
            throws PortcullisException {
        Objects.requireNonNull(resourceKind, "resourceKind");
        Objects.requireNonNull(action, "action");
        PrincipalAttributes attrs = principal(who);
        if (policy == null) {
            throw new dev.portcullis.policy.plan.PlanException("no policies configured (" + SettingNames.POLICY_DIR + ")");
        }
        String collision = ids.collision(who.issuer(), who.subject());
        if (collision != null) {
            throw new PortcullisException(Reason.ACCESS_DENIED, "principal has no id in policies: " + collision);
        }
        return policy.plan(principals.of(ids.id(who.issuer(), who.subject()), who.issuer(), who.subject(), attrs),
                resourceKind, action, scope == null ? "" : scope);
    }

    /** {@link #plan(VerifiedToken, String, String, String)} with no scope. */
    public dev.portcullis.policy.plan.Plan plan(VerifiedToken who, String resourceKind, String action)
            throws PortcullisException {
        return plan(who, resourceKind, action, "");
    }

    /** The mapping from (issuer, subject) to principal ids in force. */
    public PrincipalIds principalIds() {
        return ids;
    }

    /** Whether some loaded policy covers this resource kind and action (startup checks). */
    public boolean covers(String resourceKind, String action) {
        return policy != null && policy.covers(resourceKind, action);
    }

    /**
     * Revokes a principal: drops its cached attributes and never serves them stale again, so the
     * next request (starting after this returns) reads the store. Effective before it returns.
     */
    public void revoke(String issuer, String subject) {
        if (attributes != null) {
            attributes.revoke(issuer, subject);
        }
        LOG.info("revoked {} @ {}", LogText.safe(subject), LogText.safe(issuer));
    }

    /**
     * The engine's state: each issuer's keys (remote keys that are missing or expired are fetched
     * first, as a request would, at most once per refresh interval), the attribute store (down
     * from a failed load until one answers), the cluster link, the policy set's version and load
     * time. See {@link Health} for how they make the overall status.
     */
    public Health health() {
        Map<String, Health.KeyState> keys = new LinkedHashMap<>();
        for (IssuerKeyStatus status : validator.keyStatus(true)) {
            keys.put(status.issuer(), Health.KeyState.valueOf(status.state().name()));
        }
        Health.Part store = attributes == null ? Health.Part.NONE
                : attributes.storeFailing() ? Health.Part.DOWN : Health.Part.UP;
        Health.Part cluster = attributes == null || !attributes.clustered() ? Health.Part.NONE
                : attributes.clusterConnected() ? Health.Part.UP : Health.Part.DOWN;
        CerbosPolicyEvaluator set = policy instanceof ReloadingPolicyEvaluator
                ? ((ReloadingPolicyEvaluator) policy).current()
                : policy instanceof CerbosPolicyEvaluator ? (CerbosPolicyEvaluator) policy : null;
        boolean reloadFailing = policy instanceof ReloadingPolicyEvaluator
                && ((ReloadingPolicyEvaluator) policy).lastFailure().isPresent();
        return new Health(keys, store, cluster, set == null ? null : set.version(),
                set == null ? null : set.loadedAt(), reloadFailing);
    }

    EngineMetrics metrics() {
        return metrics;
    }

    /** The revocation endpoint's engine half: authorizes and performs revocation requests. */
    RevocationEndpoint revocations() {
        return revocations;
    }

    /** The signal push and back-channel logout endpoints' engine half. */
    SignalEndpoints signalEndpoints() {
        return signalEndpoints;
    }

    /** Drops a principal's cached attributes. */
    public void evict(String issuer, String subject) {
        if (attributes != null) {
            attributes.evict(issuer, subject);
        }
    }

    /** Drops every cached principal. */
    public void evictAll() {
        if (attributes != null) {
            attributes.evictAll();
        }
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Stops everything the engine started, so that a web application can be undeployed without
     * leaving threads or pools behind: writes the queued decision records and stops the decision
     * log's writer, closes the resource resolver and the policy evaluator if they are
     * {@link AutoCloseable} (the policy watcher), the attribute cache (its loader threads, its
     * Ehcache manager, its source and the source's connection pool) and the token validator (its
     * key fetch threads). Each part is waited for a bounded time (a few seconds at most); a part
     * that fails to close is logged and the others are still closed. Idempotent. The engine
     * built by the servlet filter is closed by its {@code destroy()}, one the JAX-RS feature built
     * when the JAX-RS runtime or the servlet container stops the application.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll(signals, metrics, decisions, resources, attributes, policy, validator, senders);
        }
    }

    private static void closeAll(Object... parts) {
        for (Object part : parts) {
            if (part instanceof AutoCloseable) {
                try {
                    ((AutoCloseable) part).close();
                } catch (Exception | LinkageError e) {
                    LOG.warn("closing {} failed: {}", part.getClass().getName(), e.toString());
                }
            }
        }
    }

    /**
     * Builds a {@link Portcullis} engine from its parts.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private BearerTokenExtractor extractor = BearerTokenExtractor.builder().build();
        private TokenValidator validator;
        private TokenCache tokens;
        private ClaimHygiene hygiene = ClaimHygiene.defaults();
        private AttributeCache attributes;
        private PolicyEvaluator policy;
        private ResourceResolver resources = ResourceResolver.NONE;
        private DecisionLog decisions;
        private Clock clock = Clock.systemUTC();
        private PrincipalIds ids;
        private SignalReceiver signals;
        private SenderConstraints senders = SenderConstraints.none();
        private String principalScopeAttribute;
        private Object metricsRegistry;
        private Consumer<String> decisionListener;

        private Builder() {
        }

        /** Sender constraints (DPoP modes, proof checks); default: no DPoP, certificate-bound tokens checked. */
        public Builder senders(SenderConstraints senders) {
            this.senders = Objects.requireNonNull(senders, "senders");
            return this;
        }

        /**
         * The Micrometer {@code MeterRegistry} the engine's meters go to (README, "Metrics").
         * Without one, and with Micrometer on the class path, Micrometer's global registry;
         * without Micrometer, no metrics. Typed {@code Object} so that this class never needs
         * Micrometer.
         *
         * @throws IllegalArgumentException when {@code registry} is not a {@code MeterRegistry}
         *         (or Micrometer is not on the class path)
         */
        public Builder metrics(Object registry) {
            this.metricsRegistry = EngineMetrics.checkRegistry(Objects.requireNonNull(registry, "registry"));
            return this;
        }

        /**
         * The principal attribute (from the attribute store) whose value is the principal's Cerbos
         * scope, {@code P.scope}, which selects scoped principal and role policies; default none
         * (every principal in the root scope). Setting:
         * {@value SettingNames#POLICY_PRINCIPAL_SCOPE_ATTRIBUTE}.
         */
        public Builder principalScopeAttribute(String name) {
            Objects.requireNonNull(name, SettingNames.POLICY_PRINCIPAL_SCOPE_ATTRIBUTE);
            if (name.isBlank()) {
                throw new ConfigurationException(SettingNames.POLICY_PRINCIPAL_SCOPE_ATTRIBUTE, "must not be empty");
            }
            this.principalScopeAttribute = name;
            return this;
        }

        /**
         * Also hands every decision-log line (JSON, as written to the {@code portcullis.decision}
         * logger) to {@code listener}, on the decision log's writer thread; its failures are
         * logged and ignored. For an application's own view of recent decisions (the demo's
         * console); the logger still receives every line.
         */
        public Builder decisionListener(Consumer<String> listener) {
            this.decisionListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        DecisionLog.Builder decisionLog(DecisionLog.Builder log) {
            return decisionListener == null ? log : log.listener(decisionListener);
        }

        public Builder extractor(BearerTokenExtractor extractor) {
            this.extractor = Objects.requireNonNull(extractor, "extractor");
            return this;
        }

        public Builder validator(TokenValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * The verified-token cache (default none: every request verifies its token). Wire its
         * {@link TokenCache#keysRemoved} to the validator's
         * {@link TokenValidator.Builder#onKeysRemoved} so that rotated-out keys drop their tokens.
         */
        public Builder tokens(TokenCache tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        public Builder hygiene(ClaimHygiene hygiene) {
            this.hygiene = Objects.requireNonNull(hygiene, "hygiene");
            return this;
        }

        /** The attribute cache (over its source); without one every principal is active with no roles. */
        public Builder attributes(AttributeCache attributes) {
            this.attributes = Objects.requireNonNull(attributes, "attributes");
            return this;
        }

        /** The policy evaluator; without one every authorization is denied. */
        public Builder policy(PolicyEvaluator policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Loads resource attributes (e.g. owner) for ABAC conditions. */
        public Builder resources(ResourceResolver resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        public Builder decisions(DecisionLog decisions) {
            this.decisions = Objects.requireNonNull(decisions, "decisions");
            return this;
        }

        /**
         * The receiver of identity-provider revocations (Shared Signals, back-channel logout);
         * the engine owns and closes it. Default none.
         */
        public Builder signals(SignalReceiver signals) {
            this.signals = Objects.requireNonNull(signals, "signals");
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
            // the issuers' principal prefixes keep principals of different issuers apart in policies
            ids = PrincipalIds.of(validator.issuerConfigs());
            if (policy != null && ids.severalIssuers()) {
                PrincipalPolicyCheck.check(policy, ids);
            }
            return new Portcullis(this);
        }
    }
}
