package dev.portcullis.policy.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts attribute values to the value model the CEL runtime expects: whole numbers become
 * {@code Long}, other numbers {@code Double}, collections and arrays immutable {@code List}s, maps
 * immutable {@code Map}s with the same conversion applied; {@code null} entries are dropped. Done
 * once when a context is built, so evaluation needs no conversion.
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
            Object v = value(e.getValue());
            if (e.getKey() != null && v != null) {
                out.put(e.getKey(), v);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The CEL-ready form of one value; null stays null. */
    public static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long
                || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float) {
            return ((Float) v).doubleValue();
        }
        if (v instanceof BigInteger) {
            BigInteger b = (BigInteger) v;
            return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
        }
        if (v instanceof BigDecimal) {
            return ((BigDecimal) v).doubleValue();
        }
        if (v instanceof Number) {
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
                Object val = value(e.getValue());
                if (k != null && val != null) {
                    out.put(k, val);
                }
            }
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof Collection) {
            Collection<?> c = (Collection<?>) v;
            List<Object> out = new ArrayList<>(c.size());
            for (Object o : c) {
                Object val = value(o);
                if (val != null) {
                    out.add(val);
                }
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Object[]) {
            return value(java.util.Arrays.asList((Object[]) v));
        }
        return v;
    }
}
