package dev.portcullis;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.internal.LogText;
import dev.portcullis.token.VerifiedToken;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The container-neutral half of the revocation endpoint ({@code POST <revoke-path>?subject=S[&issuer=I]}):
 * checks the request, asks the policy whether the caller may revoke that principal of that issuer,
 * and revokes it. Adapters hand in the method and the parameter values and answer 204 when this
 * returns.
 *
 * <p>The policy decides action {@value #ACTION} on resource kind {@value #RESOURCE_KIND} with
 * id = the target's principal id (as {@code P.id} would be for it) and the attributes
 * {@code R.attr.issuer} (the target's issuer, exactly) and {@code R.attr.subject} (its subject),
 * so a rule can keep the admins of one issuer to that issuer's principals:
 * {@code R.attr.issuer == P.attr.iss}. The resource resolver is not asked. The target issuer
 * defaults to the caller's; one that is not configured is refused with 400 (nothing can be cached
 * for it), as are a missing, empty or repeated parameter. Values from the request reach log lines
 * only through {@link LogText#safe}.
 *
 * <pre>{@code
 * engine.revocations().revoke(token, attrs, "POST", List.of("bob"), List.of(), "/portcullis/revoke");
 * }</pre>
 *
 * <p>Thread safety: thread-safe (stateless over the engine).
 */
final class RevocationEndpoint {
    /** The resource kind the policy decides revocations on. */
    public static final String RESOURCE_KIND = "portcullis";
    /** The action the policy decides revocations with. */
    public static final String ACTION = "revoke";

    private static final Logger LOG = LoggerFactory.getLogger(RevocationEndpoint.class);

    private final Portcullis engine;

    RevocationEndpoint(Portcullis engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /**
     * Authorizes and performs one revocation request.
     *
     * @param caller the verified caller
     * @param attrs the caller's fresh attributes
     * @param method the HTTP method; only {@code POST} revokes
     * @param subjects the values of the {@code subject} parameter (exactly one, not blank)
     * @param issuers the values of the {@code issuer} parameter (none: the caller's issuer; else one configured issuer)
     * @param path the request path, for the decision log
     * @throws PortcullisException {@code invalid_request} (400) for a bad request or an unknown
     *         issuer, {@code access_denied} (403) when the policy denies or the method is not POST
     */
    public void revoke(VerifiedToken caller, PrincipalAttributes attrs, String method, List<String> subjects,
                       List<String> issuers, String path) throws PortcullisException {
        Objects.requireNonNull(caller, "caller");
        if (!"POST".equals(method)) {
            throw engine.refuse(caller, attrs, Reason.ACCESS_DENIED, "revocation needs POST", method, path);
        }
        String subject = single(subjects, "subject", true);
        String issuer = single(issuers, "issuer", false);
        String targetIssuer = issuer == null ? caller.issuer() : issuer;
        if (!engine.principalIds().isConfigured(targetIssuer)) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "revocation for issuer '"
                    + LogText.safe(targetIssuer) + "', which is not configured", null, 0,
                    "The issuer parameter names no configured issuer");
        }
        String why = engine.principalIds().collision(targetIssuer, subject);
        if (why != null) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "revocation of '" + LogText.safe(subject)
                    + "' of issuer '" + LogText.safe(targetIssuer) + "': " + why, null, 0,
                    "The subject cannot be a principal of that issuer");
        }
        String targetId = engine.principalIds().id(targetIssuer, subject);
        Authorization ok = engine.authorize(caller, attrs, RESOURCE_KIND, targetId,
                Map.of("issuer", targetIssuer, "subject", subject), ACTION, method, path);
        engine.revoke(targetIssuer, subject);
        LOG.info("revocation of {} @ {} by {} @ {} (decision {})", LogText.safe(subject), LogText.safe(targetIssuer),
                LogText.safe(caller.subject()), LogText.safe(caller.issuer()), ok.decisionId());
    }

    private static String single(List<String> values, String name, boolean required) throws PortcullisException {
        if (values == null || values.isEmpty()) {
            if (required) {
                throw new PortcullisException(Reason.INVALID_REQUEST, "revocation without " + name, null, 0,
                        "The " + name + " parameter is required");
            }
            return null;
        }
        if (values.size() > 1) {
            // a proxy or log may read another of the values than we do
            throw new PortcullisException(Reason.INVALID_REQUEST, "revocation with " + values.size() + " "
                    + name + " parameters", null, 0, "The " + name + " parameter must be given once");
        }
        String value = values.get(0);
        if (value == null || value.isBlank()) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "revocation with an empty " + name, null, 0,
                    "The " + name + " parameter must not be empty");
        }
        return value;
    }
}
