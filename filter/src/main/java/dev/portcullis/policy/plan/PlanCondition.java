package dev.portcullis.policy.plan;

import dev.portcullis.policy.internal.CelValues;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A condition over one resource's attributes, what a {@link Plan} of kind
 * {@link Plan.Kind#CONDITIONAL} admits. Principal values are already substituted: a condition
 * names resource attributes ({@code R.attr.<name>}) and literal values only.
 *
 * <p>The condition is two-valued: a comparison, {@code In} or {@code Contains} on an attribute the
 * resource does not have is false (and its negation true). Where the policy's evaluation would fail
 * on a missing attribute, the planner has already added the {@link Present} tests that make the
 * plan answer as {@code decide} does. Values are {@code String}, {@code Long}, {@code Double} or
 * {@code Boolean}; numbers compare by value across {@code Long} and {@code Double} (as CEL's
 * heterogeneous equality does), values of different types are unequal and unordered.
 *
 * <pre>{@code
 * PlanCondition c = PlanCondition.or(
 *         new PlanCondition.Compare("owner", PlanCondition.Operator.EQ, "carol"),
 *         new PlanCondition.In("status", List.of("public", "shared")));
 * boolean admitted = c.test(Map.of("owner", "carol"));
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public sealed interface PlanCondition {
    /** Whether a resource with these attributes satisfies the condition (evaluated in memory). */
    boolean test(Map<String, ?> attributes);

    /** A comparison operator of {@link Compare}. */
    enum Operator {
        /** {@code ==} */ EQ("="),
        /** {@code !=} */ NE("<>"),
        /** {@code <} */ LT("<"),
        /** {@code <=} */ LE("<="),
        /** {@code >} */ GT(">"),
        /** {@code >=} */ GE(">=");

        private final String sql;

        Operator(String sql) {
            this.sql = sql;
        }

        /** The SQL spelling. */
        public String sql() {
            return sql;
        }

        /** The operator with its operands swapped ({@code k < a} is {@code a > k}). */
        public Operator flipped() {
            switch (this) {
                case LT: return GT;
                case LE: return GE;
                case GT: return LT;
                case GE: return LE;
                default: return this;
            }
        }
    }

    /** The constant {@code true} or {@code false}; plans fold these away. */
    record Literal(boolean value) implements PlanCondition {
        public static final Literal TRUE = new Literal(true);
        public static final Literal FALSE = new Literal(false);

        @Override
        public boolean test(Map<String, ?> attributes) {
            return value;
        }
    }

    /** All of the members hold (at least two members). */
    record And(List<PlanCondition> of) implements PlanCondition {
        public And {
            of = List.copyOf(of);
        }

        @Override
        public boolean test(Map<String, ?> attributes) {
            for (PlanCondition c : of) {
                if (!c.test(attributes)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Some member holds (at least two members). */
    record Or(List<PlanCondition> of) implements PlanCondition {
        public Or {
            of = List.copyOf(of);
        }

        @Override
        public boolean test(Map<String, ?> attributes) {
            for (PlanCondition c : of) {
                if (c.test(attributes)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The member does not hold. */
    record Not(PlanCondition of) implements PlanCondition {
        public Not {
            Objects.requireNonNull(of, "of");
        }

        @Override
        public boolean test(Map<String, ?> attributes) {
            return !of.test(attributes);
        }
    }

    /**
     * The resource has the attribute, possibly with a {@code null} value (CEL
     * {@code has(R.attr.name)}; SQL {@code IS NOT NULL}, where a NULL column is a missing attribute).
     */
    record Present(String attribute) implements PlanCondition {
        public Present {
            Objects.requireNonNull(attribute, "attribute");
        }

        @Override
        public boolean test(Map<String, ?> attributes) {
            return attributes.containsKey(attribute);
        }
    }

    /**
     * The resource has the attribute with the value {@code null} (attribute nulls are kept, as in
     * Cerbos). The planner uses it where CEL fails on a null (ordering, membership in it, a bare
     * boolean). SQL: {@code 1=0}, since a NULL column stands for a missing attribute.
     */
    record Null(String attribute) implements PlanCondition {
        public Null {
            Objects.requireNonNull(attribute, "attribute");
        }

        @Override
        public boolean test(Map<String, ?> attributes) {
            return attributes.containsKey(attribute) && isNull(attributes.get(attribute));
        }
    }

    private static boolean isNull(Object v) {
        return v == null || v instanceof dev.cel.common.values.NullValue;
    }

    /**
     * {@code R.attr.attribute <op> value}; false when the attribute is missing; on a {@code null}
     * value as CEL's equality has it ({@code ==} false, {@code !=} true) and false for ordering.
     */
    record Compare(String attribute, Operator op, Object value) implements PlanCondition {
        public Compare {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(op, "op");
            value = scalar(value);
        }

        @Override
        public boolean test(Map<String, ?> attributes) {
            Object a = CelValues.value(attributes.get(attribute));
            if (isNull(a)) {
                return op == Operator.NE && attributes.containsKey(attribute);
            }
            switch (op) {
                case EQ: return equal(a, value);
                case NE: return !equal(a, value);
                default:
                    Integer c = compare(a, value);
                    if (c == null) {
                        return false;
                    }
                    switch (op) {
                        case LT: return c < 0;
                        case LE: return c <= 0;
                        case GT: return c > 0;
                        default: return c >= 0;
                    }
            }
        }
    }

    /** {@code R.attr.attribute in [values]}; false when the attribute is missing. */
    record In(String attribute, List<Object> values) implements PlanCondition {
        public In {
            Objects.requireNonNull(attribute, "attribute");
            List<Object> vs = new ArrayList<>(values.size());
            for (Object v : values) {
                vs.add(scalar(v));
            }
            values = List.copyOf(vs);
        }

        @Override
        public boolean test(Map<String, ?> attributes) {
            Object a = CelValues.value(attributes.get(attribute));
            if (isNull(a)) {
                return false;
            }
            for (Object v : values) {
                if (equal(a, v)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code value in R.attr.attribute}: the list-valued attribute has {@code value} as a member. */
    record Contains(String attribute, Object value) implements PlanCondition {
        public Contains {
            Objects.requireNonNull(attribute, "attribute");
            value = scalar(value);
        }

        @Override
        public boolean test(Map<String, ?> attributes) {
            Object a = CelValues.value(attributes.get(attribute));
            if (!(a instanceof List)) {
                return false;
            }
            for (Object e : (List<?>) a) {
                if (equal(e, value)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The conjunction, folding literals and nested {@link And}s. */
    static PlanCondition and(PlanCondition... parts) {
        List<PlanCondition> out = new ArrayList<>();
        for (PlanCondition p : parts) {
            if (p instanceof Literal) {
                if (!((Literal) p).value()) {
                    return Literal.FALSE;
                }
            } else if (p instanceof And) {
                out.addAll(((And) p).of());
            } else if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out.isEmpty() ? Literal.TRUE : out.size() == 1 ? out.get(0) : new And(out);
    }

    /** The disjunction, folding literals and nested {@link Or}s. */
    static PlanCondition or(PlanCondition... parts) {
        List<PlanCondition> out = new ArrayList<>();
        for (PlanCondition p : parts) {
            if (p instanceof Literal) {
                if (((Literal) p).value()) {
                    return Literal.TRUE;
                }
            } else if (p instanceof Or) {
                out.addAll(((Or) p).of());
            } else if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out.isEmpty() ? Literal.FALSE : out.size() == 1 ? out.get(0) : new Or(out);
    }

    /** The negation, folding literals and double negation. */
    static PlanCondition not(PlanCondition c) {
        if (c instanceof Literal) {
            return ((Literal) c).value() ? Literal.FALSE : Literal.TRUE;
        }
        if (c instanceof Not) {
            return ((Not) c).of();
        }
        // De Morgan when it removes a negation: NOT (a OR NOT b) is (NOT a AND b)
        List<PlanCondition> members = c instanceof Or ? ((Or) c).of() : c instanceof And ? ((And) c).of() : List.of();
        if (members.stream().anyMatch(m -> m instanceof Not)) {
            PlanCondition[] negated = members.stream().map(PlanCondition::not).toArray(PlanCondition[]::new);
            return c instanceof Or ? and(negated) : or(negated);
        }
        return new Not(c);
    }

    private static Object scalar(Object v) {
        Object c = CelValues.value(v);
        if (c instanceof String || c instanceof Long || c instanceof Double || c instanceof Boolean) {
            return c;
        }
        throw new PlanException("a plan value must be a string, number or boolean, was "
                + (c == null ? "null" : c.getClass().getSimpleName()));
    }

    /** CEL equality of attribute values: numbers by value, lists element-wise, else equals. */
    private static boolean equal(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            Integer c = compareNumbers((Number) a, (Number) b);
            return c != null && c == 0;
        }
        if (a instanceof List && b instanceof List) {
            List<?> x = (List<?>) a;
            List<?> y = (List<?>) b;
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static Integer compare(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return compareNumbers((Number) a, (Number) b);
        }
        if (a instanceof String && b instanceof String) {
            return ((String) a).compareTo((String) b);
        }
        if (a instanceof Boolean && b instanceof Boolean) {
            return Boolean.compare((Boolean) a, (Boolean) b);
        }
        return null;
    }

    private static Integer compareNumbers(Number a, Number b) {
        if (a instanceof Long && b instanceof Long) {
            return Long.compare(a.longValue(), b.longValue());
        }
        double x = a.doubleValue();
        double y = b.doubleValue();
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return null; // NaN equals nothing and orders with nothing
        }
        return Double.compare(x == 0.0 ? 0.0 : x, y == 0.0 ? 0.0 : y);
    }
}
