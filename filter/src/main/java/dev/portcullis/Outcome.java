package dev.portcullis;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.internal.LogText;
import dev.portcullis.token.VerifiedToken;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@link Portcullis#decide} answers for one request: admitted (with the verified token, the
 * principal's fresh attributes and roles, and the ids of the decisions that allowed it), refused
 * (with the {@link Refusal} to send: status, {@code WWW-Authenticate}, problem+json body, and the
 * decision id when the refusal was recorded), or handled by the engine itself (the revocation
 * endpoint: answer {@code 204 No Content}).
 *
 * <p>An admitted outcome of a permit-all endpoint may have no principal: no token, or one that
 * was not admitted ({@link #token()} null, {@link #presentedCredentials()} tells the two apart).
 *
 * <p>Every refusal is logged here, once: 5xx at WARN, others at DEBUG, with request values
 * escaped; an unexpected failure is logged at ERROR and answered with a generic 500 problem.
 *
 * <p>An admitted outcome of a {@linkplain AccessRequest.Builder#continuable() continuable} step
 * holds that step's count in {@code portcullis.requests} until a later step of the request
 * continues it ({@link AccessRequest.Builder#after}), which counts the request once with its own
 * outcome, or until the adapter {@linkplain #settle() settles} it.
 *
 * <p>Thread safety: immutable but for that held count, which is taken at most once (atomically).
 */
public final class Outcome {
    private static final Logger LOG = LoggerFactory.getLogger(Outcome.class);
    private static final VarHandle HELD;

    static {
        try {
            HELD = MethodHandles.lookup().findVarHandle(Outcome.class, "held", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What the adapter does next. */
    public enum Kind {
        /** Pass the request on to the application. */
        ADMITTED,
        /** Answer with {@link #refusal()}. */
        REFUSED,
        /**
         * The engine performed the request (revocation, health, signal push, back-channel logout):
         * answer {@link #handledStatus()} with {@link #handledBody()} (JSON) if not null,
         * {@code Retry-After} if {@link #handledRetryAfter()} is positive, {@code Cache-Control: no-store}
         * (revocation: 204 without a body; health: 200 or 503 with one).
         */
        HANDLED
    }

    private final Kind kind;
    private final Portcullis engine;
    private final Identification identity;
    private final List<Authorization> authorizations;
    private final Refusal refusal;
    private final String decisionId;
    private final int handledStatus;
    private final String handledBody;
    private final long handledRetryAfter;
    private final String handledAllow;
    /** 1 while this step's count waits for a later step or {@link #settle()} (then {@link #heldNanos} is its time). */
    private volatile int held;
    private long heldNanos;

    private Outcome(Kind kind, Portcullis engine, Identification identity, List<Authorization> authorizations,
                    Refusal refusal, String decisionId) {
        this(kind, engine, identity, authorizations, refusal, decisionId, 204, null, 0, null);
    }

    private Outcome(Kind kind, Portcullis engine, Identification identity, List<Authorization> authorizations,
                    Refusal refusal, String decisionId, int handledStatus, String handledBody, long handledRetryAfter,
                    String handledAllow) {
        this.kind = kind;
        this.engine = engine;
        this.identity = identity;
        this.authorizations = authorizations;
        this.refusal = refusal;
        this.decisionId = decisionId;
        this.handledStatus = handledStatus;
        this.handledBody = handledBody;
        this.handledRetryAfter = handledRetryAfter;
        this.handledAllow = handledAllow;
    }

    static Outcome admitted(Portcullis engine, Identification identity, List<Authorization> authorizations) {
        String last = authorizations.isEmpty() ? null : authorizations.get(authorizations.size() - 1).decisionId();
        return new Outcome(Kind.ADMITTED, engine, identity, authorizations, null, last);
    }

    static Outcome handled(Portcullis engine, Identification identity) {
        return new Outcome(Kind.HANDLED, engine, identity, List.of(), null, null, 204, null, 0, null);
    }

    static Outcome handled(Portcullis engine, Identification identity, int status, String jsonBody) {
        return new Outcome(Kind.HANDLED, engine, identity, List.of(), null, null, status, jsonBody, 0, null);
    }

    static Outcome handled(Portcullis engine, int status, String jsonBody, long retryAfter) {
        return new Outcome(Kind.HANDLED, engine, null, List.of(), null, null, status, jsonBody, retryAfter, null);
    }

    /** 405 from one of the engine's own endpoints, which allows only {@code allow} (the {@code Allow} header). */
    static Outcome methodNotAllowed(Portcullis engine, String allow) {
        return new Outcome(Kind.HANDLED, engine, null, List.of(), null, null, 405, null, 0, allow);
    }

    /** For {@link Kind#HANDLED}: the status to answer ({@code 204} for the revocation endpoint). */
    public int handledStatus() {
        return handledStatus;
    }

    /** For {@link Kind#HANDLED}: the {@code application/json} body to send, or null for none. */
    public String handledBody() {
        return handledBody;
    }

    /** For {@link Kind#HANDLED}: seconds for {@code Retry-After} (429, 503), or 0 for none. */
    public long handledRetryAfter() {
        return handledRetryAfter;
    }

    /**
     * For {@link Kind#HANDLED} with status 405: the {@code Allow} header's value, the methods the
     * endpoint answers ({@code POST} for the signal endpoints, {@code GET, HEAD} for health); else null.
     */
    public String handledAllow() {
        return handledAllow;
    }

    /**
     * A refusal: logged (5xx at WARN, others at DEBUG; {@code method}, {@code path} and the detail
     * escaped) and rendered. Adapters use it for what they refuse before the engine can decide
     * (a path that cannot be related to the dispatched one, no engine at all).
     *
     * @param path the path to log (the dispatched path, or the raw URI without parameters)
     */
    public static Outcome refused(String method, String path, PortcullisException why, String realm) {
        return refused(null, null, method, path, why, realm);
    }

    static Outcome refused(Portcullis engine, Identification identity, String method, String path,
                           PortcullisException why, String realm) {
        Reason reason = why.reason();
        if (reason.status() >= 500) {
            LOG.warn("{} {} refused: {} ({})", LogText.safe(method), LogText.safe(path), reason.code(),
                    LogText.safe(why.getMessage()));
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} refused: {} ({})", LogText.safe(method), LogText.safe(path), reason.code(),
                    LogText.safe(why.getMessage()));
        }
        Refusal refusal = engine == null ? Refusal.of(why, realm, why.decisionId())
                : Refusal.of(why, realm, why.decisionId(), engine.dpopAlgs(), engine.bearerAccepted());
        return new Outcome(Kind.REFUSED, engine, identity, List.of(), refusal, why.decisionId());
    }

    /** The answer to a bug: logged at ERROR with its stack trace, answered with a generic 500 problem. */
    public static Outcome internalError(String method, String path, RuntimeException e) {
        return internalError(null, method, path, e);
    }

    static Outcome internalError(Portcullis engine, String method, String path, RuntimeException e) {
        LOG.error("unexpected failure deciding {} {}", LogText.safe(method), LogText.safe(path), e);
        return new Outcome(Kind.REFUSED, engine, null, List.of(), Refusal.internalError(), null);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the request goes on to the application. */
    public boolean isAdmitted() {
        return kind == Kind.ADMITTED;
    }

    /** Whether the request is refused: answer with {@link #refusal()}. */
    public boolean isRefused() {
        return kind == Kind.REFUSED;
    }

    /** The answer to send for a refusal (status, headers, problem+json body); null otherwise. */
    public Refusal refusal() {
        return refusal;
    }

    /** Why the request was refused; null when admitted, handled, or refused by an internal error. */
    public Reason reason() {
        return refusal == null ? null : refusal.reason();
    }

    /** The admitted principal's verified token (only the claims hygiene lets through); null without one. */
    public VerifiedToken token() {
        return identity == null || identity.attributes == null ? null : identity.token;
    }

    /** The admitted principal's fresh attributes; null without a principal. */
    public PrincipalAttributes attributes() {
        return identity == null ? null : identity.attributes;
    }

    /** The admitted principal's fresh roles (never from token claims); empty without a principal. */
    public Set<String> roles() {
        PrincipalAttributes attributes = attributes();
        return attributes == null ? Set.of() : attributes.roles();
    }

    /** The id policies see as {@code P.id} for the admitted principal; null without one. */
    public String principalId() {
        VerifiedToken token = token();
        return token == null || engine == null ? null : engine.principalId(token);
    }

    /** Whether the request carried a bearer token (or a malformed attempt at one), admitted or not. */
    public boolean presentedCredentials() {
        return identity != null && (identity.token != null || identity.failure != null);
    }

    /** The policy decisions that allowed the request, in order (empty when no policy was asked). */
    public List<Authorization> authorizations() {
        return authorizations;
    }

    /** The decision id: of the last allowing decision, or of a recorded refusal; else null. */
    public String decisionId() {
        return decisionId;
    }

    /** Every decision id of this outcome, in order. */
    public List<String> decisionIds() {
        if (refusal != null || authorizations.size() <= 1) {
            return decisionId == null ? List.of() : List.of(decisionId);
        }
        List<String> ids = new ArrayList<>(authorizations.size());
        for (Authorization a : authorizations) {
            ids.add(a.decisionId());
        }
        return List.copyOf(ids);
    }

    /**
     * Ends the engine's part in the request: counts this outcome in {@code portcullis.requests}
     * if it was held for a later step ({@link AccessRequest.Builder#continuable()}) that did not
     * come. Adapters call it once the request has been through the application (a servlet
     * filter after its chain); it does nothing for an outcome that holds no count, and nothing
     * the second time.
     */
    public void settle() {
        long nanos = take();
        if (nanos >= 0) {
            RequestPipeline.count(engine, this, nanos);
        }
    }

    /** Holds this step's count ({@code nanos}) for a later step or {@link #settle()}; before it is published. */
    void hold(long nanos) {
        heldNanos = nanos;
        held = 1; // the volatile write publishes the time with it
    }

    /** The held count's time, taken so that nobody else counts it; -1 when none is held (any more). */
    long take() {
        return held == 1 && HELD.compareAndSet(this, 1, 0) ? heldNanos : -1;
    }

    /**
     * Whether a later step of {@code engine} that continues this outcome
     * ({@link AccessRequest.Builder#after}) reuses the identity this step established, or the reason
     * it established none. That step reads none of the request's credentials (bearer token, query,
     * DPoP proof, URL, client certificate, verified identity), so an adapter need not supply them.
     */
    public boolean identifiesFor(Portcullis engine) {
        return this.engine == engine && engine != null && identity != null;
    }

    Portcullis engine() {
        return engine;
    }

    Identification identity() {
        return identity;
    }

    @Override
    public String toString() {
        return "Outcome[" + kind + (refusal != null ? " " + refusal : "")
                + (decisionId != null ? " " + decisionId : "") + "]";
    }

    /**
     * Who the request is, as far as it could be told: a verified token and its attributes, or
     * why not (a refused token, or a principal that was not admitted). Kept for a later decision
     * on the same request.
     */
    static final class Identification {
        static final Identification NONE = new Identification(null, null, null);

        final VerifiedToken token;
        final PrincipalAttributes attributes;
        /** Why the token was refused (token null) or the principal not admitted (token set); else null. */
        final PortcullisException failure;

        Identification(VerifiedToken token, PrincipalAttributes attributes, PortcullisException failure) {
            this.token = token;
            this.attributes = attributes;
            this.failure = failure;
        }
    }
}
