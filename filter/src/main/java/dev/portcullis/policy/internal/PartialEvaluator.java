package dev.portcullis.policy.internal;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.portcullis.policy.plan.PlanCondition;
import dev.portcullis.policy.plan.PlanException;

import java.util.ArrayList;
import java.util.List;

/**
 * Partial evaluation of one condition's CEL AST with the principal known and the resource's
 * attributes unknown: each sub-expression that reads only the principal, constants, variables of
 * the principal and {@code R.kind} is folded by the CEL runtime (the same program {@code decide}
 * would run); what reads {@code R.attr} becomes a {@link PlanParts.Bool} over
 * {@link PlanCondition}s. Supported over resource attributes: {@code &&}, {@code ||}, {@code !},
 * {@code ?:}, {@code ==}, {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=} against a
 * folded value, {@code in} a folded list, a folded value {@code in} a list attribute,
 * {@code hasIntersection} of a list attribute and a folded list, {@code has(R.attr.x)}, and a bare
 * boolean attribute. Anything else over resource attributes throws a {@link PlanException}
 * naming the construct. Where CEL fails on a {@code null} attribute (ordering, membership in it,
 * a bare boolean) the error part includes {@link PlanCondition.Null}; equality and {@code in} a
 * list compare a null as unequal.
 *
 * <p>Thread safety: one instance per plan call.
 */
final class PartialEvaluator {
    private static final java.util.Set<CelConstant.Kind> PRIMITIVE = java.util.EnumSet.of(
            CelConstant.Kind.BOOLEAN_VALUE, CelConstant.Kind.INT64_VALUE, CelConstant.Kind.UINT64_VALUE,
            CelConstant.Kind.DOUBLE_VALUE, CelConstant.Kind.STRING_VALUE);

    private final ResourcePlanner planner;
    private final Evaluation evaluation;

    PartialEvaluator(ResourcePlanner planner, Evaluation evaluation) {
        this.planner = planner;
        this.evaluation = evaluation;
    }

    /**
     * A compiled condition block as a residual boolean, with the evaluator's sequential semantics;
     * under lenient evaluation each expression's error part is dropped (it is just false, as
     * {@code Condition.Expr} answers), so {@code all}/{@code any}/{@code none} go on past it.
     */
    PlanParts.Bool condition(Condition c, Scope scope) {
        if (c == null) {
            return PlanParts.Bool.TRUE;
        }
        if (c instanceof Condition.Expr) {
            PlanParts.Parsed p = planner.parsed((Condition.Expr) c);
            PlanParts.Bool b = bool(eval(p, p.ast.getExpr(), scope), p, p.ast.getExpr());
            // lenient (Condition.Expr#failed): an erroring expression is just false, all/any/none go on
            return planner.strict ? b : new PlanParts.Bool(b.t, PlanCondition.Literal.FALSE);
        }
        if (c instanceof Condition.All) {
            PlanParts.Bool acc = PlanParts.Bool.TRUE;
            for (Condition m : ((Condition.All) c).of) {
                acc = PlanParts.Bool.allInOrder(acc, condition(m, scope));
            }
            return acc;
        }
        PlanParts.Bool acc = PlanParts.Bool.FALSE;
        for (Condition m : c instanceof Condition.Any ? ((Condition.Any) c).of : ((Condition.None) c).of) {
            acc = PlanParts.Bool.anyInOrder(acc, condition(m, scope));
        }
        return c instanceof Condition.Any ? acc : new PlanParts.Bool(acc.f(), acc.e);
    }

    private PlanParts.Value eval(PlanParts.Parsed p, CelExpr e, Scope scope) {
        if (!planner.readsResource(p, e, scope)) {
            return fold(p, e, scope);
        }
        switch (e.getKind()) {
            case SELECT:
                return select(p, e, scope);
            case CALL:
                return call(p, e, scope);
            default:
                throw refuse(p, "'" + describe(e) + "' over the resource");
        }
    }

    private PlanParts.Value fold(PlanParts.Parsed p, CelExpr e, Scope scope) {
        if (e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && PRIMITIVE.contains(e.constant().getKind())) {
            return new PlanParts.Known(constant(e.constant()));
        }
        PlanParts.Value direct = lookup(e, scope);
        if (direct != null) {
            return direct;
        }
        try {
            return new PlanParts.Known(p.program(planner.env(), e).eval(evaluation.activation(scope)));
        } catch (CelEvaluationException | RuntimeException ex) {
            if (ex instanceof PlanException) {
                throw (PlanException) ex;
            }
            return new PlanParts.Failed(Condition.message(ex));
        }
    }

    /**
     * {@code P.<field>...} or {@code C.<name>...} read straight from the principal's (or the
     * scope's) maps, as the CEL runtime would: a missing key or a field of a non-map fails. Null
     * for any other expression (the CEL program folds it).
     */
    private PlanParts.Value lookup(CelExpr e, Scope scope) {
        java.util.ArrayDeque<String> fields = new java.util.ArrayDeque<>();
        CelExpr x = e;
        while (x.getKind() == CelExpr.ExprKind.Kind.SELECT) {
            if (x.select().testOnly()) {
                return null;
            }
            fields.push(x.select().field());
            x = x.select().operand();
        }
        if (x.getKind() != CelExpr.ExprKind.Kind.IDENT || fields.isEmpty()) {
            return null;
        }
        Object value;
        switch (x.ident().name()) {
            case "P":
                value = evaluation.principal.celView();
                break;
            case "C":
            case "constants":
                value = scope.constants;
                break;
            default:
                return null;
        }
        for (String f : fields) {
            if (!(value instanceof java.util.Map)) {
                return null;
            }
            Object next = ((java.util.Map<?, ?>) value).get(f);
            if (next == null) {
                return new PlanParts.Failed("no such key: " + f);
            }
            value = next;
        }
        return new PlanParts.Known(value);
    }

    private PlanParts.Value select(PlanParts.Parsed p, CelExpr e, Scope scope) {
        CelExpr.CelSelect s = e.select();
        List<String> path = ResourcePlanner.resourcePath(s.operand());
        if (s.testOnly()) {
            if (path != null && path.size() == 1 && path.get(0).equals("attr")) {
                return new PlanParts.Bool(new PlanCondition.Present(s.field()), PlanCondition.Literal.FALSE);
            }
            throw refuse(p, "has() on '" + describe(s.operand()) + "'");
        }
        if (path != null) {
            if (path.size() == 1 && path.get(0).equals("attr")) {
                return new PlanParts.Attr(s.field());
            }
            throw refuse(p, "'" + describe(e) + "' (only R.attr.<name> is planned)");
        }
        String variable = ResourcePlanner.variableName(e);
        if (variable != null) {
            PlanParts.Parsed v = planner.variable(scope, variable);
            return eval(v, v.ast.getExpr(), scope);
        }
        throw refuse(p, "'" + describe(e) + "' over the resource");
    }

    private PlanParts.Value call(PlanParts.Parsed p, CelExpr e, Scope scope) {
        CelExpr.CelCall c = e.call();
        List<CelExpr> args = c.args();
        String fn = c.function();
        if (c.target().isPresent()) {
            throw refuse(p, "method '" + fn + "' over the resource");
        }
        switch (fn) {
            case "_&&_":
                return PlanParts.Bool.and(bool(p, args.get(0), scope), bool(p, args.get(1), scope));
            case "_||_":
                return PlanParts.Bool.or(bool(p, args.get(0), scope), bool(p, args.get(1), scope));
            case "!_":
                return bool(p, args.get(0), scope).not();
            case "_?_:_": {
                PlanParts.Value cond = eval(p, args.get(0), scope);
                if (cond instanceof PlanParts.Known && ((PlanParts.Known) cond).value instanceof Boolean) {
                    return eval(p, args.get((Boolean) ((PlanParts.Known) cond).value ? 1 : 2), scope);
                }
                return PlanParts.Bool.choose(bool(cond, p, args.get(0)), bool(p, args.get(1), scope),
                        bool(p, args.get(2), scope));
            }
            case "_==_":
                return compare(p, e, scope, PlanCondition.Operator.EQ);
            case "_!=_":
                return compare(p, e, scope, PlanCondition.Operator.NE);
            case "_<_":
                return compare(p, e, scope, PlanCondition.Operator.LT);
            case "_<=_":
                return compare(p, e, scope, PlanCondition.Operator.LE);
            case "_>_":
                return compare(p, e, scope, PlanCondition.Operator.GT);
            case "_>=_":
                return compare(p, e, scope, PlanCondition.Operator.GE);
            case "@in":
                return in(p, e, scope);
            case "hasIntersection":
                return intersection(p, e, scope);
            case "_[_]": {
                List<String> path = ResourcePlanner.resourcePath(args.get(0));
                PlanParts.Value key = eval(p, args.get(1), scope);
                if (path != null && path.size() == 1 && path.get(0).equals("attr")
                        && key instanceof PlanParts.Known && ((PlanParts.Known) key).value instanceof String) {
                    return new PlanParts.Attr((String) ((PlanParts.Known) key).value);
                }
                throw refuse(p, "indexing '" + describe(e) + "' over the resource");
            }
            default:
                throw refuse(p, "function '" + fn + "' over the resource");
        }
    }

    private PlanParts.Value compare(PlanParts.Parsed p, CelExpr e, Scope scope, PlanCondition.Operator op) {
        PlanParts.Value a = eval(p, e.call().args().get(0), scope);
        PlanParts.Value b = eval(p, e.call().args().get(1), scope);
        if (a instanceof PlanParts.Failed || b instanceof PlanParts.Failed) {
            return PlanParts.Bool.ERROR;
        }
        if (a instanceof PlanParts.Known && b instanceof PlanParts.Attr) {
            PlanParts.Value t = a;
            a = b;
            b = t;
            op = op.flipped();
        }
        if (a instanceof PlanParts.Attr && b instanceof PlanParts.Known) {
            String attr = ((PlanParts.Attr) a).name;
            Object v = scalar(p, ((PlanParts.Known) b).value, describe(e));
            PlanCondition test = new PlanCondition.Compare(attr, op, v);
            return op == PlanCondition.Operator.EQ || op == PlanCondition.Operator.NE
                    ? PlanParts.Bool.leaf(attr, test) : PlanParts.Bool.leafFailingOnNull(attr, test);
        }
        throw refuse(p, "comparison '" + describe(e) + "' (only a resource attribute against a principal-side value is planned)");
    }

    private PlanParts.Value in(PlanParts.Parsed p, CelExpr e, Scope scope) {
        PlanParts.Value elem = eval(p, e.call().args().get(0), scope);
        PlanParts.Value container = eval(p, e.call().args().get(1), scope);
        if (elem instanceof PlanParts.Failed || container instanceof PlanParts.Failed) {
            return PlanParts.Bool.ERROR;
        }
        if (elem instanceof PlanParts.Attr && container instanceof PlanParts.Known
                && ((PlanParts.Known) container).value instanceof List) {
            String attr = ((PlanParts.Attr) elem).name;
            List<Object> values = new ArrayList<>();
            for (Object o : (List<?>) ((PlanParts.Known) container).value) {
                values.add(scalar(p, o, describe(e)));
            }
            return PlanParts.Bool.leaf(attr, values.isEmpty() ? PlanCondition.Literal.FALSE
                    : new PlanCondition.In(attr, values));
        }
        if (elem instanceof PlanParts.Known && container instanceof PlanParts.Attr) {
            String attr = ((PlanParts.Attr) container).name;
            return PlanParts.Bool.leafFailingOnNull(attr, new PlanCondition.Contains(attr,
                    scalar(p, ((PlanParts.Known) elem).value, describe(e))));
        }
        throw refuse(p, "'in' expression '" + describe(e) + "' (planned: attribute in a list, value in a list attribute)");
    }

    private PlanParts.Value intersection(PlanParts.Parsed p, CelExpr e, Scope scope) {
        PlanParts.Value a = eval(p, e.call().args().get(0), scope);
        PlanParts.Value b = eval(p, e.call().args().get(1), scope);
        if (a instanceof PlanParts.Failed || b instanceof PlanParts.Failed) {
            return PlanParts.Bool.ERROR;
        }
        if (a instanceof PlanParts.Known) {
            PlanParts.Value t = a;
            a = b;
            b = t;
        }
        if (a instanceof PlanParts.Attr && b instanceof PlanParts.Known && ((PlanParts.Known) b).value instanceof List) {
            String attr = ((PlanParts.Attr) a).name;
            List<PlanCondition> any = new ArrayList<>();
            for (Object o : (List<?>) ((PlanParts.Known) b).value) {
                any.add(new PlanCondition.Contains(attr, scalar(p, o, describe(e))));
            }
            return PlanParts.Bool.leafFailingOnNull(attr, PlanCondition.or(any.toArray(new PlanCondition[0])));
        }
        throw refuse(p, "hasIntersection '" + describe(e) + "' (planned: a list attribute and a principal-side list)");
    }

    private PlanParts.Bool bool(PlanParts.Parsed p, CelExpr e, Scope scope) {
        return bool(eval(p, e, scope), p, e);
    }

    private PlanParts.Bool bool(PlanParts.Value v, PlanParts.Parsed p, CelExpr e) {
        if (v instanceof PlanParts.Bool) {
            return (PlanParts.Bool) v;
        }
        if (v instanceof PlanParts.Known) {
            Object o = ((PlanParts.Known) v).value;
            return o instanceof Boolean ? ((Boolean) o ? PlanParts.Bool.TRUE : PlanParts.Bool.FALSE)
                    : PlanParts.Bool.ERROR;
        }
        if (v instanceof PlanParts.Failed) {
            return PlanParts.Bool.ERROR;
        }
        String attr = ((PlanParts.Attr) v).name;
        return PlanParts.Bool.leafFailingOnNull(attr, new PlanCondition.Compare(attr, PlanCondition.Operator.EQ, Boolean.TRUE));
    }

    private static Object scalar(PlanParts.Parsed p, Object v, String where) {
        Object c = CelValues.value(v);
        if (c instanceof com.google.common.primitives.UnsignedLong) {
            c = ((com.google.common.primitives.UnsignedLong) c).longValue();
        }
        if (c instanceof String || c instanceof Long || c instanceof Double || c instanceof Boolean) {
            return c;
        }
        throw refuse(p, "a value of type " + (c == null ? "null" : c.getClass().getSimpleName()) + " in '" + where
                + "' (plans compare with strings, numbers and booleans)");
    }

    private static Object constant(CelConstant c) {
        switch (c.getKind()) {
            case BOOLEAN_VALUE: return c.booleanValue();
            case INT64_VALUE: return c.int64Value();
            case UINT64_VALUE: return c.uint64Value().longValue();
            case DOUBLE_VALUE: return c.doubleValue();
            case STRING_VALUE: return c.stringValue();
            default: return c.getKind().name();
        }
    }

    static String describe(CelExpr e) {
        switch (e.getKind()) {
            case IDENT:
                return e.ident().name();
            case SELECT:
                return describe(e.select().operand()) + "." + e.select().field();
            case CONSTANT:
                return String.valueOf(constant(e.constant()));
            case CALL: {
                CelExpr.CelCall c = e.call();
                StringBuilder b = new StringBuilder();
                c.target().ifPresent(t -> b.append(describe(t)).append('.'));
                b.append(c.function()).append('(');
                for (int i = 0; i < c.args().size(); i++) {
                    b.append(i == 0 ? "" : ", ").append(describe(c.args().get(i)));
                }
                return b.append(')').toString();
            }
            case COMPREHENSION:
                return "a comprehension (exists/all/filter/map) over " + describe(e.comprehension().iterRange());
            default:
                return e.getKind().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static PlanException refuse(PlanParts.Parsed p, String what) {
        return new PlanException("cannot plan " + what + " in '" + p.source + "' (" + p.where + ")");
    }
}
