package dev.portcullis.policy.internal;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;

/**
 * A compiled {@code condition.match} block: a CEL expression or an {@code all}/{@code any}/
 * {@code none} combination of nested blocks. {@code all} and {@code any} short-circuit like
 * {@code &&} and {@code ||}; {@code none} is true when no member is true. An expression that fails
 * (or yields no boolean) throws {@link EvaluationError} under strict evaluation and counts as false
 * under lenient evaluation (see {@link Evaluation#strict}).
 *
 * <p>Thread safety: immutable.
 */
abstract class Condition {
    /**
     * Evaluates the block.
     *
     * @throws EvaluationError when an expression fails or yields a non-boolean (strict evaluation)
     */
    abstract boolean test(Evaluation.Activation activation);

    /** One CEL expression. */
    static final class Expr extends Condition {
        private final CelRuntime.Program program;
        final String source;
        final String where;

        Expr(CelRuntime.Program program, String source, String where) {
            this.program = program;
            this.source = source;
            this.where = where;
        }

        @Override
        boolean test(Evaluation.Activation activation) {
            Object result;
            try {
                result = program.eval(activation);
            } catch (CelEvaluationException e) {
                return failed(activation, where + ": expression '" + source + "' failed: " + message(e));
            } catch (EvaluationError e) {
                return failed(activation, e.getMessage());
            } catch (RuntimeException e) {
                return failed(activation, where + ": expression '" + source + "' failed: " + e);
            }
            if (result instanceof Boolean) {
                return (Boolean) result;
            }
            return failed(activation, where + ": expression '" + source + "' did not yield a boolean but "
                    + (result == null ? "null" : result.getClass().getSimpleName()));
        }

        /*
         * Strict: the error propagates (a deny rule denies with it, see PolicySet). Lenient
         * (Cerbos's default, docs.cerbos.dev configuration/engine "Strict evaluation"): the
         * erroring expression is "not satisfied" and evaluation carries on, so all.of fails,
         * any.of and none.of go on to their other members (Cerbos's EvalContext.evaluateCELExpr
         * turns a CEL error value into an unsatisfied expression).
         */
        private static boolean failed(Evaluation.Activation activation, String message) {
            if (activation.strict()) {
                throw new EvaluationError(message);
            }
            return false;
        }
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && (m == null || !m.contains(cause.getMessage()))) {
            m = m == null ? cause.getMessage() : m + ": " + cause.getMessage();
        }
        return m;
    }

    /** {@code all.of}: true when every member is true. */
    static final class All extends Condition {
        final Condition[] of;

        All(Condition[] of) {
            this.of = of;
        }

        @Override
        boolean test(Evaluation.Activation activation) {
            for (Condition c : of) {
                if (!c.test(activation)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code any.of}: true when some member is true. */
    static final class Any extends Condition {
        final Condition[] of;

        Any(Condition[] of) {
            this.of = of;
        }

        @Override
        boolean test(Evaluation.Activation activation) {
            for (Condition c : of) {
                if (c.test(activation)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code none.of}: true when no member is true. */
    static final class None extends Condition {
        final Condition[] of;

        None(Condition[] of) {
            this.of = of;
        }

        @Override
        boolean test(Evaluation.Activation activation) {
            for (Condition c : of) {
                if (c.test(activation)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A failure while evaluating; becomes a denial carrying this message. */
    static final class EvaluationError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EvaluationError(String message) {
            super(message, null, false, false);
        }
    }
}
