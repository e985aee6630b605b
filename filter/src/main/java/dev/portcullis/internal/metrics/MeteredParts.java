package dev.portcullis.internal.metrics;

import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.internal.audit.DecisionLog;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.token.internal.TokenCache;
import dev.portcullis.token.internal.TokenValidator;

/**
 * The engine parts whose own counters the metrics read (bound, not copied): the token cache,
 * the validator's key sets, the attribute cache, the policy evaluator (reloads), the decision
 * log (drops) and claim hygiene (reports). Any part may be null when the engine has none.
 *
 * <p>Thread safety: immutable.
 */
public final class MeteredParts {
    final TokenCache tokens;
    final TokenValidator validator;
    final AttributeCache attributes;
    final PolicyEvaluator policy;
    final DecisionLog decisions;
    final ClaimHygiene hygiene;

    public MeteredParts(TokenCache tokens, TokenValidator validator, AttributeCache attributes, PolicyEvaluator policy,
                        DecisionLog decisions, ClaimHygiene hygiene) {
        this.tokens = tokens;
        this.validator = validator;
        this.attributes = attributes;
        this.policy = policy;
        this.decisions = decisions;
        this.hygiene = hygiene;
    }
}
