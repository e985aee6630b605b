package dev.portcullis.internal.hygiene;

import dev.portcullis.Reason;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The structural half of claim hygiene: the number of members, string and array lengths and the
 * nesting depth of one claims set, walked without recursion and never below the depth limit (see
 * {@link ClaimHygiene} for the definitions).
 *
 * <p>Thread safety: immutable.
 */
final class StructuralLimits {
    /** Limit reasons in precedence order (after FORBIDDEN_CLAIMS). */
    static final Reason[] ORDER = {
        Reason.TOO_MANY_CLAIMS, Reason.CLAIMS_TOO_DEEP, Reason.CLAIM_ARRAY_TOO_LONG, Reason.CLAIM_TOO_LONG,
    };
    private static final int TOO_MANY = 0;
    private static final int TOO_DEEP = 1;
    private static final int ARRAY_TOO_LONG = 2;
    private static final int TOO_LONG = 3;

    private final int maxClaims;
    private final int maxStringLength;
    private final int maxArrayLength;
    private final int maxDepth;

    StructuralLimits(int maxClaims, int maxStringLength, int maxArrayLength, int maxDepth) {
        this.maxClaims = maxClaims;
        this.maxStringLength = maxStringLength;
        this.maxArrayLength = maxArrayLength;
        this.maxDepth = maxDepth;
    }

    int maxClaims() {
        return maxClaims;
    }

    int maxStringLength() {
        return maxStringLength;
    }

    int maxArrayLength() {
        return maxArrayLength;
    }

    int maxDepth() {
        return maxDepth;
    }

    /** The limits one claims set breaks, or null when it breaks none. */
    Findings check(Map<String, Object> claims) {
        Findings limits = null;
        ArrayDeque<Object> stack = null;
        if (claims.size() > maxClaims) {
            limits = Findings.record(null, TOO_MANY, null, claims.size());
        }
        for (Map.Entry<String, Object> e : claims.entrySet()) {
            String name = e.getKey();
            if (name.length() > maxStringLength) {
                limits = Findings.record(limits, TOO_LONG, name, name.length());
            }
            Object value = e.getValue();
            if (value instanceof String) {
                int len = ((String) value).length();
                if (len > maxStringLength) {
                    limits = Findings.record(limits, TOO_LONG, name, len);
                }
            } else if (value instanceof List || value instanceof Map) {
                if (stack == null) {
                    stack = new ArrayDeque<>(8);
                }
                limits = walk(name, value, stack, limits);
            }
        }
        return limits;
    }

    /**
     * Walks one container claim value without recursion, stopping at the depth limit. The root
     * container is examined in place; only containers nested in it go on the explicit stack.
     */
    private Findings walk(String claim, Object root, ArrayDeque<Object> stack, Findings limits) {
        Object value = root;
        int depth = 1;
        while (true) {
            limits = examine(claim, value, depth, stack, limits);
            if (stack.isEmpty()) {
                return limits;
            }
            value = stack.pop();
            depth = (Integer) stack.pop();
        }
    }

    /** Checks one container at {@code depth} and pushes its container children. */
    private Findings examine(String claim, Object value, int depth, ArrayDeque<Object> stack, Findings limits) {
        Collection<?> children;
        if (value instanceof List) {
            List<?> list = (List<?>) value;
            if (list.size() > maxArrayLength) {
                limits = Findings.record(limits, ARRAY_TOO_LONG, claim, list.size());
            }
            children = list;
        } else {
            Map<?, ?> map = (Map<?, ?>) value;
            if (map.size() > maxClaims) {
                limits = Findings.record(limits, TOO_MANY, claim, map.size());
            }
            for (Object key : map.keySet()) {
                String k = String.valueOf(key);
                if (k.length() > maxStringLength) {
                    limits = Findings.record(limits, TOO_LONG, claim, k.length());
                }
            }
            children = map.values();
        }
        if (children.isEmpty()) {
            return limits;
        }
        int childDepth = depth + 1;
        if (childDepth > maxDepth) {
            return Findings.record(limits, TOO_DEEP, claim, childDepth);
        }
        for (Object child : children) {
            if (child instanceof String) {
                int len = ((String) child).length();
                if (len > maxStringLength) {
                    limits = Findings.record(limits, TOO_LONG, claim, len);
                }
            } else if (child instanceof List || child instanceof Map) {
                stack.push(childDepth);
                stack.push(child);
            }
        }
        return limits;
    }

    private int limitOf(int index) {
        switch (index) {
            case TOO_MANY:
                return maxClaims;
            case TOO_DEEP:
                return maxDepth;
            case ARRAY_TOO_LONG:
                return maxArrayLength;
            default:
                return maxStringLength;
        }
    }

    /**
     * Adds one violation per broken limit, in {@link #ORDER}.
     *
     * @return the first broken limit's reason, or null when {@code limits} is null
     */
    Reason addViolations(Findings limits, List<HygieneViolation> violations) {
        Reason first = null;
        if (limits == null) {
            return null;
        }
        for (int i = 0; i < ORDER.length; i++) {
            if (limits.claims[i] != null) {
                violations.add(HygieneViolation.limit(ORDER[i], List.copyOf(limits.claims[i]), limitOf(i),
                        limits.measured[i]));
                if (first == null) {
                    first = ORDER[i];
                }
            }
        }
        return first;
    }

    /** Claim names in insertion order (a named type so that an array of them is not raw). */
    private static final class NameSet extends LinkedHashSet<String> {
        private static final long serialVersionUID = 1L;
    }

    /** Findings of the structural limits, by index into {@link #ORDER}. */
    static final class Findings {
        final NameSet[] claims = new NameSet[ORDER.length];
        final long[] measured = new long[ORDER.length];

        static Findings record(Findings limits, int index, String claim, long measured) {
            Findings l = limits == null ? new Findings() : limits;
            l.record(index, claim, measured);
            return l;
        }

        void record(int index, String claim, long value) {
            if (claims[index] == null) {
                claims[index] = new NameSet();
            }
            if (claim != null) {
                claims[index].add(claim);
            }
            measured[index] = Math.max(measured[index], value);
        }
    }
}
