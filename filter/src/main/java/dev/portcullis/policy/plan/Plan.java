package dev.portcullis.policy.plan;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which resources of one kind a principal may perform one action on, as the policies say it
 * before any resource is known: {@linkplain Kind#ALWAYS_ALLOWED always allowed},
 * {@linkplain Kind#ALWAYS_DENIED always denied}, or {@linkplain Kind#CONDITIONAL allowed when} a
 * {@link PlanCondition} over the resource's attributes holds. The kinds are those of Cerbos's
 * {@code PlanResources} ({@code KIND_ALWAYS_ALLOWED}, {@code KIND_ALWAYS_DENIED},
 * {@code KIND_CONDITIONAL}).
 *
 * <p>The promise: for a resource of the planned kind, {@link #admits(Map)} is true exactly when
 * {@code decide} allows the action on it for the same principal (given attributes of the types the
 * policy compares them with). Push it into a query with {@link SqlWhere}.
 *
 * <pre>{@code
 * Plan plan = engine.plan(admitted, "document", "read");
 * SqlWhere where = SqlWhere.of(plan, Map.of("owner", "owner_id", "status", "status"));
 * PreparedStatement ps = c.prepareStatement("SELECT id, title FROM document WHERE " + where.sql());
 * where.bind(ps, 1);
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class Plan {
    /** What a plan says. */
    public enum Kind {
        /** Every resource of the kind is allowed. */
        ALWAYS_ALLOWED,
        /** No resource of the kind is allowed. */
        ALWAYS_DENIED,
        /** The resources whose attributes satisfy {@link #condition()} are allowed. */
        CONDITIONAL
    }

    private final String resourceKind;
    private final String action;
    private final PlanCondition condition;

    private Plan(String resourceKind, String action, PlanCondition condition) {
        this.resourceKind = Objects.requireNonNull(resourceKind, "resourceKind");
        this.action = Objects.requireNonNull(action, "action");
        this.condition = Objects.requireNonNull(condition, "condition");
    }

    /**
     * The plan admitting exactly the resources that satisfy {@code condition}: a literal condition
     * gives {@link Kind#ALWAYS_ALLOWED} or {@link Kind#ALWAYS_DENIED}.
     */
    public static Plan of(String resourceKind, String action, PlanCondition condition) {
        return new Plan(resourceKind, action, condition);
    }

    /** The plan that admits nothing. */
    public static Plan alwaysDenied(String resourceKind, String action) {
        return new Plan(resourceKind, action, PlanCondition.Literal.FALSE);
    }

    public Kind kind() {
        if (condition instanceof PlanCondition.Literal) {
            return ((PlanCondition.Literal) condition).value() ? Kind.ALWAYS_ALLOWED : Kind.ALWAYS_DENIED;
        }
        return Kind.CONDITIONAL;
    }

    /** The condition of a {@link Kind#CONDITIONAL} plan; empty for the other kinds. */
    public Optional<PlanCondition> condition() {
        return kind() == Kind.CONDITIONAL ? Optional.of(condition) : Optional.empty();
    }

    /** The condition, a {@link PlanCondition.Literal} for the unconditional kinds. */
    public PlanCondition filter() {
        return condition;
    }

    public String resourceKind() {
        return resourceKind;
    }

    public String action() {
        return action;
    }

    /** Whether the plan admits a resource with these attributes (in memory). */
    public boolean admits(Map<String, ?> resourceAttributes) {
        return condition.test(resourceAttributes == null ? Map.of() : resourceAttributes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Plan && resourceKind.equals(((Plan) o).resourceKind)
                && action.equals(((Plan) o).action) && condition.equals(((Plan) o).condition);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resourceKind, action, condition);
    }

    @Override
    public String toString() {
        return "Plan{" + resourceKind + ":" + action + " " + kind()
                + (kind() == Kind.CONDITIONAL ? " " + condition : "") + '}';
    }
}
