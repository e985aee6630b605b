package dev.portcullis.policy.internal;

import dev.cel.common.values.NullValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts attribute values to the value model Cerbos gives conditions: Cerbos receives attributes
 * as JSON / {@code google.protobuf.Value}, whose only number type is a double, so every number
 * becomes a {@code Double} (a whole number too: {@code R.attr.n % 2} and {@code R.attr.n + 1} are
 * then "no matching overload" errors, as in Cerbos, while {@code R.attr.n == 1} and
 * {@code R.attr.n < 5} hold through CEL's heterogeneous numeric comparison; integers beyond
 * 2<sup>53</sup> lose precision as they do in JSON). Collections and arrays become immutable
 * {@code List}s, maps immutable {@code Map}s with the same conversion applied, and {@code null}
 * values, at any depth, are kept as CEL's {@code null} ({@code has(R.attr.x)} is true and
 * {@code R.attr.x == null} holds, as for a JSON {@code null} in Cerbos). Done once when a context
 * is built, so evaluation needs no conversion.
 *
 * <p>Internal API: not for use outside Portcullis. Thread safety: stateless.
 */
public final class CelValues {
    private CelValues() {
    }

    /** An immutable, CEL-ready copy of an attribute map (null gives an empty map). */
    public static Map<String, Object> attributes(Map<String, ?> in) {
        if (in == null || in.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>(in.size() * 2);
        for (Map.Entry<String, ?> e : in.entrySet()) {
            if (e.getKey() != null) {
                out.put(e.getKey(), element(e.getValue()));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The CEL-ready form of one value; a top-level null stays null (see {@link #attributes}). */
    public static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Double
                || v instanceof NullValue) {
            return v;
        }
        if (v instanceof Number) {
            // JSON's (and protobuf Value's) one number type; BigDecimal/BigInteger round to nearest
            return ((Number) v).doubleValue();
        }
        if (v instanceof Character || v instanceof Enum) {
            return v.toString();
        }
        if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            Map<Object, Object> out = new LinkedHashMap<>(m.size() * 2);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object k = value(e.getKey());
                if (k != null) {
                    out.put(k, element(e.getValue()));
                }
            }
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof Collection) {
            Collection<?> c = (Collection<?>) v;
            List<Object> out = new ArrayList<>(c.size());
            for (Object o : c) {
                out.add(element(o));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Object[]) {
            return value(java.util.Arrays.asList((Object[]) v));
        }
        return v;
    }

    /** A value inside an attribute map or list: {@code null} is CEL's {@code null}. */
    private static Object element(Object v) {
        return v == null ? NullValue.NULL_VALUE : value(v);
    }
}
