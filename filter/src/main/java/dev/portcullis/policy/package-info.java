/**
 * Authorization decisions: the {@link dev.portcullis.policy.PolicyEvaluator} SPI with its value
 * types ({@link dev.portcullis.policy.PrincipalContext}, {@link dev.portcullis.policy.ResourceContext},
 * {@link dev.portcullis.policy.Decision}), the {@link dev.portcullis.policy.ResourceResolver} SPI
 * for resource attributes, and the built-in Cerbos-compatible evaluator
 * {@link dev.portcullis.policy.internal.CerbosPolicyEvaluator} (policies compiled to CEL programs once, at
 * load) with optional hot reload ({@link dev.portcullis.policy.internal.ReloadingPolicyEvaluator}).
 *
 * <p>This package uses no servlet or JAX-RS type.
 */
package dev.portcullis.policy;
