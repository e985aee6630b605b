/**
 * Query plans for list endpoints: {@link dev.portcullis.policy.plan.Plan} answers "which resources
 * of this kind may this principal act on" as always-allowed, always-denied or a
 * {@link dev.portcullis.policy.plan.PlanCondition} over resource attributes (principal values
 * already substituted), and {@link dev.portcullis.policy.plan.SqlWhere} turns a plan into a
 * parameterized SQL {@code WHERE} fragment. What cannot be planned or translated is refused with
 * a {@link dev.portcullis.policy.plan.PlanException} naming the construct; a plan is never
 * approximated.
 *
 * <p>This package uses no servlet or JAX-RS type.
 */
package dev.portcullis.policy.plan;
