package dev.portcullis.jaxrs;

import dev.portcullis.BearerPrincipal;
import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.Refusal;
import dev.portcullis.policy.plan.Plan;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;
import java.util.Objects;

/**
 * Query plans for JAX-RS list endpoints: the plan of the request's principal for a resource kind
 * and action, asked of the engine ({@link Portcullis#plan}); this class only finds the principal
 * in the {@link SecurityContext} and turns a refusal into the same problem+json response the
 * feature gives. Push the plan into the query with {@link dev.portcullis.policy.plan.SqlWhere}.
 *
 * <pre>{@code
 * @GET
 * public List<Doc> list(@Context SecurityContext security) {
 *     Plan plan = plans.plan(security, "document", "read");
 *     SqlWhere where = SqlWhere.of(plan, Map.of("owner", "owner"));
 *     ... "SELECT ... FROM document WHERE " + where.sql() ... where.bind(ps, 1) ...
 * }
 * }</pre>
 *
 * <p>The method needs an authenticated principal: leave it unannotated (the feature's default
 * {@link Unannotated#AUTHENTICATED} admits only an active principal; a disabled one is refused
 * with 403 before the method runs) or annotate it. Without one (a {@code @PermitAll} request
 * without a token) the answer is 401 with the realm's challenge.
 *
 * <p>Thread safety: immutable; share one instance.
 */
public final class QueryPlans {
    private final Portcullis engine;
    private final String realm;

    /** Plans from {@code engine}, with the default realm {@code portcullis} in challenges. */
    public QueryPlans(Portcullis engine) {
        this(engine, "portcullis");
    }

    /** Plans from {@code engine}, naming {@code realm} in challenges. */
    public QueryPlans(Portcullis engine, String realm) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.realm = Objects.requireNonNull(realm, "realm");
    }

    /** {@link #plan(SecurityContext, String, String, String)} with no scope. */
    public Plan plan(SecurityContext security, String resourceKind, String action) {
        return plan(security, resourceKind, action, "");
    }

    /**
     * The plan of the request's principal.
     *
     * @throws WebApplicationException with the engine's refusal (401 without a principal; 403 for
     *         a principal disabled since admission; 503 when attributes are unavailable)
     * @throws dev.portcullis.policy.plan.PlanException when the policies cannot be planned
     */
    public Plan plan(SecurityContext security, String resourceKind, String action, String scope) {
        Principal p = security == null ? null : security.getUserPrincipal();
        try {
            if (!(p instanceof BearerPrincipal)) {
                throw new PortcullisException(dev.portcullis.Reason.MISSING_TOKEN,
                        "a query plan needs a principal Portcullis admitted");
            }
            return engine.plan(((BearerPrincipal) p).token(), resourceKind, action, scope);
        } catch (PortcullisException e) {
            throw new WebApplicationException(e.getMessage(), Refusals.response(Refusal.of(e, realm, e.decisionId())));
        }
    }
}
