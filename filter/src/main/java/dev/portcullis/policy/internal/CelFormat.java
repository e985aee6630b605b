package dev.portcullis.policy.internal;

import com.google.protobuf.ByteString;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;

import com.google.common.primitives.UnsignedLong;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code "...".format([args])}, the string formatting of cel-go's strings extension (which Cerbos
 * enables and cel-java lacks), following cel-go's {@code ext/formatting_v2.go}: {@code %s} any
 * value (lists as {@code [a, b]}, maps as {@code {k: v}} sorted by key, durations as seconds with
 * {@code s}, timestamps in RFC 3339 UTC, doubles in shortest plain form, {@code NaN},
 * {@code Infinity}); {@code %d} ints, uints and doubles; {@code %f} / {@code %e} with an optional
 * precision ({@code %.2f}, default 6); {@code %b} ints, uints, bools; {@code %x} / {@code %X} ints,
 * uints, strings, bytes; {@code %o} ints, uints; {@code %%}. Anything else is an evaluation error.
 *
 * <p>Thread safety: stateless.
 */
final class CelFormat {
    private static final int DEFAULT_PRECISION = 6;
    private static final int MAX_PRECISION = 500;

    private CelFormat() {
    }

    static String format(String pattern, List<?> args) {
        StringBuilder out = new StringBuilder();
        int arg = 0;
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '%') {
                out.append('%');
                i += 2;
                continue;
            }
            if (i + 1 >= pattern.length()) {
                throw new IllegalArgumentException("unexpected end of string");
            }
            if (arg >= args.size()) {
                throw new IllegalArgumentException("index " + arg + " out of range");
            }
            i++;
            int precision = DEFAULT_PRECISION;
            if (pattern.charAt(i) == '.') {
                int start = ++i;
                while (i < pattern.length() && pattern.charAt(i) >= '0' && pattern.charAt(i) <= '9') {
                    i++;
                }
                if (i >= pattern.length() || i == start) {
                    throw new IllegalArgumentException("could not parse formatting clause: bad precision");
                }
                precision = Integer.parseInt(pattern.substring(start, Math.min(i, start + 4)));
                if (i - start > 4 || precision > MAX_PRECISION) {
                    throw new IllegalArgumentException("precision exceeds maximum allowed precision " + MAX_PRECISION);
                }
            }
            char verb = pattern.charAt(i++);
            out.append(clause(verb, precision, args.get(arg++)));
        }
        return out.toString();
    }

    private static String clause(char verb, int precision, Object v) {
        switch (verb) {
            case 's':
                return string(v);
            case 'd':
                if (v instanceof Long || v instanceof UnsignedLong) {
                    return v.toString();
                }
                if (v instanceof Double) {
                    return plain((Double) v);
                }
                throw error("decimal clause can only be used on ints, uints, and doubles", v);
            case 'f':
            case 'e':
                Double d = number(v);
                if (d == null) {
                    throw error((verb == 'f' ? "fixed-point" : "scientific")
                            + " clause can only be used on ints, uints, and doubles", v);
                }
                if (d.isNaN() || d.isInfinite()) {
                    return plain(d);
                }
                return verb == 'f'
                        ? new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString()
                        : scientific(d, precision);
            case 'b':
                if (v instanceof Boolean) {
                    return (Boolean) v ? "1" : "0";
                }
                return integer(v, 2, "only ints, uints, and bools can be formatted as binary");
            case 'o':
                return integer(v, 8, "octal clause can only be used on ints and uints");
            case 'x':
            case 'X':
                String hex;
                if (v instanceof String) {
                    hex = hex(((String) v).getBytes(StandardCharsets.UTF_8));
                } else if (bytes(v) != null) {
                    hex = hex(bytes(v));
                } else {
                    hex = integer(v, 16, "only ints, uints, bytes, and strings can be formatted as hex");
                }
                return verb == 'X' ? hex.toUpperCase(Locale.ROOT) : hex;
            default:
                throw new IllegalArgumentException("could not parse formatting clause: unrecognized formatting clause \""
                        + verb + "\"");
        }
    }

    /** Go's {@code %1.Ne}: exact value rounded half-even, exponent of at least two digits. */
    private static String scientific(double d, int precision) {
        StringBuilder out = new StringBuilder();
        if (d < 0 || (d == 0 && 1 / d < 0)) {
            out.append('-');
        }
        String digits;
        int exp;
        if (d == 0) {
            digits = "0";
            exp = 0;
        } else {
            BigDecimal r = new BigDecimal(Math.abs(d)).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            digits = r.unscaledValue().toString();
            exp = r.precision() - r.scale() - 1;
        }
        StringBuilder m = new StringBuilder(digits);
        while (m.length() < precision + 1) {
            m.append('0');
        }
        out.append(m.charAt(0));
        if (precision > 0) {
            out.append('.').append(m, 1, precision + 1);
        }
        out.append('e').append(exp < 0 ? '-' : '+');
        int e = Math.abs(exp);
        if (e < 10) {
            out.append('0');
        }
        return out.append(e).toString();
    }

    private static IllegalArgumentException error(String what, Object v) {
        return new IllegalArgumentException("error during formatting: " + what + ", was given "
                + (v == null ? "null" : v.getClass().getSimpleName()));
    }

    private static Double number(Object v) {
        if (v instanceof Double) {
            return (Double) v;
        }
        if (v instanceof Long) {
            return ((Long) v).doubleValue();
        }
        if (v instanceof Number) {
            return new BigDecimal(v.toString()).doubleValue();
        }
        return null;
    }

    private static String integer(Object v, int radix, String what) {
        if (v instanceof Long) {
            return Long.toString((Long) v, radix);
        }
        if (v instanceof Number && !(v instanceof Double)) {
            return new java.math.BigInteger(v.toString()).toString(radix);
        }
        throw error(what, v);
    }

    private static byte[] bytes(Object v) {
        if (v instanceof CelByteString) {
            return ((CelByteString) v).toByteArray();
        }
        if (v instanceof ByteString) {
            return ((ByteString) v).toByteArray();
        }
        return null;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }

    /** Go's {@code strconv.FormatFloat(d, 'f', -1, 64)}, with cel-go's NaN and infinities. */
    static String plain(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    private static String string(Object v) {
        if (v == null || v instanceof NullValue || v instanceof com.google.protobuf.NullValue) {
            return "null";
        }
        if (v instanceof String || v instanceof Boolean || v instanceof Long) {
            return v.toString();
        }
        if (v instanceof Double) {
            return plain((Double) v);
        }
        if (bytes(v) != null) {
            return new String(bytes(v), StandardCharsets.UTF_8);
        }
        if (v instanceof Duration) {
            Duration d = (Duration) v;
            return plain(new BigDecimal(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).doubleValue()) + "s";
        }
        if (v instanceof Instant) {
            // Go's RFC3339Nano in UTC: fraction without trailing zeros
            Instant t = (Instant) v;
            String s = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .atOffset(ZoneOffset.UTC));
            if (t.getNano() > 0) {
                String frac = String.format(Locale.ROOT, "%09d", t.getNano()).replaceAll("0+$", "");
                s += "." + frac;
            }
            return s + "Z";
        }
        if (v instanceof Collection) {
            List<String> parts = new ArrayList<>();
            for (Object o : (Collection<?>) v) {
                parts.add(string(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        if (v instanceof Map) {
            List<String[]> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                entries.add(new String[] {string(e.getKey()), string(e.getValue())});
            }
            entries.sort((a, b) -> a[0].compareTo(b[0]));
            List<String> parts = new ArrayList<>();
            for (String[] e : entries) {
                parts.add(e[0] + ": " + e[1]);
            }
            return "{" + String.join(", ", parts) + "}";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        throw error("string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, "
                + "types, durations, and timestamps", v);
    }
}
