package dev.portcullis.policy.internal;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelRuntime;
import dev.portcullis.policy.plan.PlanCondition;
import dev.portcullis.policy.plan.PlanException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pieces query planning works with: a residual boolean ({@link Bool}: when it is true and
 * when its evaluation would fail, both as error-free {@link PlanCondition}s), the other partial
 * values of a CEL sub-expression, and the parsed form of each expression with its folded
 * (principal-only) sub-programs, cached for the life of the policy set.
 *
 * <p>Thread safety: the values are immutable; {@link Parsed} caches are concurrent.
 */
final class PlanParts {
    private PlanParts() {
    }

    /** A partially evaluated CEL value. */
    abstract static class Value {
    }

    /** A value computed from the principal alone. */
    static final class Known extends Value {
        final Object value;

        Known(Object value) {
            this.value = value;
        }
    }

    /** A principal-only part whose evaluation failed (an error, as {@code decide} would meet it). */
    static final class Failed extends Value {
        final String why;

        Failed(String why) {
            this.why = why;
        }
    }

    /** {@code R.attr.name}, not known until a resource is. */
    static final class Attr extends Value {
        final String name;

        Attr(String name) {
            this.name = name;
        }
    }

    /**
     * A residual boolean: {@code t} says when it evaluates to true, {@code e} when its evaluation
     * fails; it is false otherwise. The two never hold together.
     */
    static final class Bool extends Value {
        static final Bool TRUE = new Bool(PlanCondition.Literal.TRUE, PlanCondition.Literal.FALSE);
        static final Bool FALSE = new Bool(PlanCondition.Literal.FALSE, PlanCondition.Literal.FALSE);
        static final Bool ERROR = new Bool(PlanCondition.Literal.FALSE, PlanCondition.Literal.TRUE);

        final PlanCondition t;
        final PlanCondition e;

        Bool(PlanCondition t, PlanCondition e) {
            this.t = t;
            this.e = e;
        }

        /** When it evaluates to false. */
        PlanCondition f() {
            return PlanCondition.and(PlanCondition.not(t), PlanCondition.not(e));
        }

        /** CEL {@code !}: errors stay errors. */
        Bool not() {
            return new Bool(f(), e);
        }

        /** CEL {@code &&}: false if either is false, else an error if either fails. */
        static Bool and(Bool a, Bool b) {
            PlanCondition t = PlanCondition.and(a.t, b.t);
            PlanCondition anyFalse = PlanCondition.or(a.f(), b.f());
            return new Bool(t, PlanCondition.and(PlanCondition.not(anyFalse), PlanCondition.or(a.e, b.e)));
        }

        /** CEL {@code ||}: true if either is true, else an error if either fails. */
        static Bool or(Bool a, Bool b) {
            PlanCondition t = PlanCondition.or(a.t, b.t);
            return new Bool(t, PlanCondition.and(PlanCondition.not(t), PlanCondition.or(a.e, b.e)));
        }

        /** Evaluated left to right, stopping at the first failure or false ({@code all.of}). */
        static Bool allInOrder(Bool acc, Bool next) {
            return new Bool(PlanCondition.and(acc.t, next.t), PlanCondition.or(acc.e, PlanCondition.and(acc.t, next.e)));
        }

        /** Evaluated left to right, stopping at the first failure or true ({@code any.of}). */
        static Bool anyInOrder(Bool acc, Bool next) {
            PlanCondition f = acc.f();
            return new Bool(PlanCondition.or(acc.t, PlanCondition.and(f, next.t)),
                    PlanCondition.or(acc.e, PlanCondition.and(f, next.e)));
        }

        /** {@code c ? x : y} with a residual {@code c}. */
        static Bool choose(Bool c, Bool x, Bool y) {
            PlanCondition cf = c.f();
            return new Bool(PlanCondition.or(PlanCondition.and(c.t, x.t), PlanCondition.and(cf, y.t)),
                    PlanCondition.or(c.e, PlanCondition.and(c.t, x.e), PlanCondition.and(cf, y.e)));
        }

        /** A comparison leaf on {@code attr}: fails when the resource lacks the attribute. */
        static Bool leaf(String attr, PlanCondition test) {
            return new Bool(test, PlanCondition.not(new PlanCondition.Present(attr)));
        }

        /**
         * A leaf that CEL also fails on when the attribute is {@code null} (ordering, membership in
         * it, a bare boolean): equality and {@code in} a list compare a null as unequal instead.
         */
        static Bool leafFailingOnNull(String attr, PlanCondition test) {
            return new Bool(test, PlanCondition.or(PlanCondition.not(new PlanCondition.Present(attr)),
                    new PlanCondition.Null(attr)));
        }
    }

    /** An expression's parsed AST and its folded sub-programs by expression id. */
    static final class Parsed {
        final CelAbstractSyntaxTree ast;
        final String source;
        final String where;
        private final Map<Long, Object> programs = new ConcurrentHashMap<>();
        /** Whether each sub-expression (by id) reads the resource, computed once. */
        final Map<Long, Boolean> readsResource = new ConcurrentHashMap<>();

        Parsed(CelAbstractSyntaxTree ast, String source, String where) {
            this.ast = ast;
            this.source = source;
            this.where = where;
        }

        /** The program of a principal-only sub-expression, compiled once. */
        CelRuntime.Program program(CelEnv env, CelExpr part) {
            Object p = programs.computeIfAbsent(part.id(), id -> {
                try {
                    return env.program(ast, part);
                } catch (CelEnv.CompileException e) {
                    return new PlanException(where + ": part of '" + source + "' does not compile alone: "
                            + ConditionCompiler.oneLine(e.getMessage()));
                }
            });
            if (p instanceof PlanException) {
                throw new PlanException(((PlanException) p).getMessage());
            }
            return (CelRuntime.Program) p;
        }
    }
}
