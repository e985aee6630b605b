package dev.portcullis;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.config.SettingNames;
import dev.portcullis.internal.LogText;
import dev.portcullis.internal.audit.DecisionLog;
import dev.portcullis.internal.audit.DecisionRecord;
import dev.portcullis.internal.metrics.EngineMetrics;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.ResourceResolver;
import dev.portcullis.token.VerifiedToken;
import dev.portcullis.token.internal.PrincipalIds;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's permission decision for one resource and action ({@link Portcullis#authorize}):
 * the principal's context and id, the resource's scope and (lazily resolved) attributes, the
 * policy decision, and its decision-log record; refusals after authentication are recorded here
 * too ({@link #deny}).
 *
 * <p>Thread safety: safe for concurrent use (immutable; its parts are).
 */
final class Decider {
    private static final Logger LOG = LoggerFactory.getLogger(Portcullis.class);

    private final PolicyEvaluator policy;
    private final ResourceResolver resources;
    private final DecisionLog decisions;
    private final Clock clock;
    private final PrincipalIds ids;
    private final PrincipalContexts principals;
    private final String principalScopeAttribute;
    private final EngineMetrics metrics;

    Decider(PolicyEvaluator policy, ResourceResolver resources, DecisionLog decisions, Clock clock, PrincipalIds ids,
            PrincipalContexts principals, String principalScopeAttribute, EngineMetrics metrics) {
        this.policy = policy;
        this.resources = resources;
        this.decisions = decisions;
        this.clock = clock;
        this.ids = ids;
        this.principals = principals;
        this.principalScopeAttribute = principalScopeAttribute;
        this.metrics = metrics;
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
                             String path, PrincipalAttributes attrs, Reason reason, String detail, long start) {
        String decisionId = decisions.newDecisionId();
        record(decisionId, who, kind, id, action, method, path, attrs, "DENY", reason.code(), null, null, List.of(),
                start);
        return new PortcullisException(reason, detail, null, 0, null, decisionId);
    }

    /**
     * {@code Duration.between(from, to).toMillis()} without the {@code Duration} and the generic
     * {@code Temporal.until} it goes through (measurable per decision on a busy server).
     */
    static long millisBetween(java.time.Instant from, java.time.Instant to) {
        long seconds = to.getEpochSecond() - from.getEpochSecond();
        int nanos = to.getNano() - from.getNano();
        if (nanos < 0) {
            nanos += 1_000_000_000;
            seconds--;
        }
        if (seconds < 0) { // as Duration.toMillis: a negative age is cut toward zero
            seconds++;
            nanos -= 1_000_000_000;
        }
        return seconds * 1000 + nanos / 1_000_000;
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
                        attrs == null ? 0 : millisBetween(attrs.loadedAt(), now))
                .latencyMicros(nanos / 1000)
                .build());
    }
}
