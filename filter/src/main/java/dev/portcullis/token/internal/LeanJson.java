package dev.portcullis.token.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader for a token's JOSE header and claims set (RFC 8259), read once per
 * token without the 16 K-character scanner buffer jose4j's parser allocates for each segment.
 *
 * <p>It accepts a subset of what jose4j's {@code JsonUtil} accepts and, for that subset, yields the
 * same values, so the verdict on a token cannot depend on which of the two read it:
 * <ul>
 *   <li>the top level is an object; objects are {@link LinkedHashMap}s (member order kept), arrays
 *       {@link ArrayList}s, strings {@link String}s (with {@code \\uXXXX} escapes as jose4j decodes
 *       them), {@code true}/{@code false} {@link Boolean}s, {@code null} null;</li>
 *   <li>numbers follow RFC 8259's grammar (no leading zeros, no {@code +}, no bare {@code .5});
 *       an integer is a {@link Long}, or a {@link BigInteger} beyond the long range; a number with a
 *       fraction or an exponent is a {@link Double} — jose4j's types;</li>
 *   <li>a member name twice in one object is refused (jose4j refuses it too: RFC 7515 §4,
 *       RFC 7519 §4); so are unescaped control characters in strings, trailing text, and nesting
 *       deeper than {@value #MAX_DEPTH}.</li>
 * </ul>
 * Anything refused returns {@code null}; the caller then reads the token the former way (jose4j),
 * which gives the refusal its usual reason, or accepts the rare token that only jose4j's more
 * lenient grammar reads (e.g. a leading zero) exactly as before.
 *
 * <p>Thread safety: stateless; each call uses its own reader.
 */
final class LeanJson {
    /** Deepest nesting read here; a deeper document goes to jose4j (and then claim hygiene). */
    static final int MAX_DEPTH = 32;

    private final String text;
    private int pos;

    private LeanJson(String text) {
        this.text = text;
    }

    /** The object {@code text} holds, or null when this reader does not accept it. */
    static Map<String, Object> parseObject(String text) {
        LeanJson reader = new LeanJson(text);
        try {
            reader.skipWhitespace();
            if (reader.peek() != '{') {
                return null;
            }
            Map<String, Object> value = reader.object(0);
            reader.skipWhitespace();
            return reader.pos == text.length() ? value : null;
        } catch (Refused e) {
            return null;
        }
    }

    /** Thrown inside the reader for anything it does not accept; carries no stack trace. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private static final Refused INSTANCE = new Refused();

        private Refused() {
            super(null, null, false, false);
        }
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void expect(char c) throws Refused {
        if (peek() != c) {
            throw Refused.INSTANCE;
        }
        pos++;
    }

    private Object value(int depth) throws Refused {
        skipWhitespace();
        int c = peek();
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw Refused.INSTANCE;
        }
    }

    private Object literal(String word, Object value) throws Refused {
        if (!text.startsWith(word, pos)) {
            throw Refused.INSTANCE;
        }
        pos += word.length();
        return value;
    }

    private Map<String, Object> object(int depth) throws Refused {
        if (depth >= MAX_DEPTH) {
            throw Refused.INSTANCE;
        }
        expect('{');
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw Refused.INSTANCE;
            }
            String name = string();
            skipWhitespace();
            expect(':');
            Object v = value(depth + 1);
            if (out.containsKey(name)) {
                throw Refused.INSTANCE; // a duplicate member name
            }
            out.put(name, v);
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                throw Refused.INSTANCE;
            }
        }
    }

    private List<Object> array(int depth) throws Refused {
        if (depth >= MAX_DEPTH) {
            throw Refused.INSTANCE;
        }
        expect('[');
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return out;
        }
        while (true) {
            out.add(value(depth + 1));
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                throw Refused.INSTANCE;
            }
        }
    }

    private String string() throws Refused {
        expect('"');
        int start = pos;
        // the common case: no escape, a substring
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw Refused.INSTANCE;
            }
            pos++;
        }
        StringBuilder out = new StringBuilder(text.length() - start).append(text, start, pos);
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw Refused.INSTANCE;
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw Refused.INSTANCE;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    out.append(e);
                    break;
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'u':
                    out.append(hex4());
                    break;
                default:
                    throw Refused.INSTANCE;
            }
        }
        throw Refused.INSTANCE; // unterminated
    }

    private char hex4() throws Refused {
        if (pos + 4 > text.length()) {
            throw Refused.INSTANCE;
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char h = text.charAt(pos++);
            // ASCII hex digits only: Character.digit also takes full-width and other Unicode digits
            int d = h < 0x80 ? Character.digit(h, 16) : -1;
            if (d < 0) {
                throw Refused.INSTANCE;
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    private Object number() throws Refused {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int c = peek();
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            digits();
        } else {
            throw Refused.INSTANCE;
        }
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            pos++;
            if (digits() == 0) {
                throw Refused.INSTANCE;
            }
        }
        c = peek();
        if (c == 'e' || c == 'E') {
            integer = false;
            pos++;
            c = peek();
            if (c == '+' || c == '-') {
                pos++;
            }
            if (digits() == 0) {
                throw Refused.INSTANCE;
            }
        }
        String lexeme = text.substring(start, pos);
        if (!integer) {
            return Double.valueOf(lexeme);
        }
        // jose4j: Long, or BigInteger when the value leaves the long range
        if (pos - start <= 18) {
            return Long.valueOf(lexeme);
        }
        try {
            return Long.valueOf(lexeme);
        } catch (NumberFormatException e) {
            return new BigInteger(lexeme);
        }
    }

    private int digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos - start;
    }
}
