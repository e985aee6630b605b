package dev.portcullis;

import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.attributes.internal.AttributesUnavailableException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.internal.audit.DecisionLog;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.EngineParts;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.internal.LogText;
import dev.portcullis.internal.metrics.EngineMetrics;
import dev.portcullis.internal.metrics.MeteredParts;
import dev.portcullis.policy.internal.ReloadingPolicyEvaluator;
import dev.portcullis.token.internal.IssuerKeyStatus;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.ResourceResolver;
import dev.portcullis.signals.internal.SignalReceiver;
import dev.portcullis.token.internal.BearerTokenExtractor;
import dev.portcullis.token.internal.LocatedToken;
import dev.portcullis.token.internal.PrincipalIds;
import dev.portcullis.token.internal.TokenCache;
import dev.portcullis.token.internal.TokenValidator;
import dev.portcullis.token.internal.dpop.SenderConstraints;
import dev.portcullis.token.VerifiedToken;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
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
        // the internal parts (token cache, validator, hygiene, decision log, attribute cache) are read through
        // EngineParts by tests, benchmarks and tools, not through getters on this API type
        EngineParts.install(engine -> new EngineParts(engine.tokens, engine.validator, engine.hygiene,
                engine.decisions, engine.attributes));
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
    private final Decider decider;
    private final Verification verification;


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
        this.verification = new Verification(validator, tokens, hygiene, ids, signals, metrics);
        this.decider = new Decider(policy, resources, decisions, clock, ids, principals, principalScopeAttribute,
                metrics);
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
        return EngineAssembly.fromSettings(settings, clock, extras);
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
        LocatedToken token;
        VerifiedToken verified;
        try {
            token = extractor.locate(presented.headers, parameterTokens);
            if (token == null) {
                return null;
            }
            verified = verification.verified(token);
        } catch (PortcullisException e) {
            throw SenderConstraints.underScheme(e, presented.dpop);
        }
        // the token's text and the URL are read only by a DPoP proof's ath and htu checks: a Bearer
        // cache hit copies nothing and builds no URL
        senders.check(presented.dpop, verified, presented.dpop ? token.text() : null, r.method(),
                presented.dpop ? r.url() : null, r.dpop(), r.clientCertificate());
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
        LocatedToken token = extractor.locate(authorizationHeaders, parameterTokens);
        if (token == null) {
            return null;
        }
        VerifiedToken verified = verification.verified(token);
        senders.check(false, verified, null, null, null, List.of(), null); // no DPoP proof: the text is not read
        return verified;
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
        return decider.authorize(who, attrs, resourceKind, resourceId, fixedAttributes, requestedScope, policyVersion,
                action, method, path);
    }

    /** A refusal of {@code who} recorded in the decision log (with a decision id), to throw. */
    PortcullisException deny(VerifiedToken who, String kind, String id, String action, String method,
                             String path, PrincipalAttributes attrs, Reason reason, String detail, long start) {
        return decider.deny(who, kind, id, action, method, path, attrs, reason, detail, start);
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

    static void closeAll(Object... parts) {
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
        TokenValidator validator;
        private TokenCache tokens;
        private ClaimHygiene hygiene = ClaimHygiene.defaults();
        AttributeCache attributes;
        PolicyEvaluator policy;
        ResourceResolver resources = ResourceResolver.NONE;
        DecisionLog decisions;
        private Clock clock = Clock.systemUTC();
        private PrincipalIds ids;
        SignalReceiver signals;
        SenderConstraints senders = SenderConstraints.none();
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
