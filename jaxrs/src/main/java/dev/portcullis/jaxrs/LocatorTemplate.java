package dev.portcullis.jaxrs;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A JAX-RS {@code @Path} template as a regular expression, with the keys JAX-RS sorts candidate
 * templates by (spec §3.7.2): literal characters, template variables, variables with a regular
 * expression. Used only to tell apart sub-resource locators of one class that return the same
 * type.
 *
 * <p>Thread safety: immutable.
 */
final class LocatorTemplate {
    private static final String DEFAULT_VARIABLE = "[^/]+";

    private final Pattern pattern;
    private final int literals;
    private final int variables;
    private final int withRegex;

    private LocatorTemplate(Pattern pattern, int literals, int variables, int withRegex) {
        this.pattern = pattern;
        this.literals = literals;
        this.variables = variables;
        this.withRegex = withRegex;
    }

    /** The template, or null when it cannot be parsed (its locator is then never singled out). */
    static LocatorTemplate parse(String template) {
        String t = trim(template);
        StringBuilder regex = new StringBuilder();
        int literals = 0;
        int variables = 0;
        int withRegex = 0;
        int i = 0;
        while (i < t.length()) {
            if (t.charAt(i) == '{') {
                int depth = 0;
                int end = -1;
                for (int j = i; j < t.length(); j++) {
                    char c = t.charAt(j);
                    if (c == '{') {
                        depth++;
                    } else if (c == '}' && --depth == 0) {
                        end = j;
                        break;
                    }
                }
                if (end < 0) {
                    return null;
                }
                String inner = t.substring(i + 1, end);
                int colon = inner.indexOf(':');
                String variable = colon < 0 ? DEFAULT_VARIABLE : inner.substring(colon + 1).trim();
                if (colon >= 0) {
                    withRegex++;
                }
                variables++;
                regex.append('(').append(variable).append(')');
                i = end + 1;
            } else {
                int next = t.indexOf('{', i);
                String literal = next < 0 ? t.substring(i) : t.substring(i, next);
                literals += literal.length();
                regex.append(Pattern.quote(literal));
                i = next < 0 ? t.length() : next;
            }
        }
        try {
            return new LocatorTemplate(Pattern.compile(regex.toString()), literals, variables, withRegex);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    /** {@code path} without leading and trailing slashes. */
    static String trim(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }

    /** Whether the template is empty ({@code @Path("")} or {@code "/"}). */
    boolean isEmpty() {
        return literals == 0 && variables == 0;
    }

    /** Whether this template matches the whole (trimmed, encoded) URI segment a locator consumed. */
    boolean matches(String consumed) {
        return pattern.matcher(consumed).matches();
    }

    /** Positive when this template is more specific than {@code other} in JAX-RS order. */
    int compareSpecificity(LocatorTemplate other) {
        if (literals != other.literals) {
            return Integer.compare(literals, other.literals);
        }
        if (variables != other.variables) {
            return Integer.compare(variables, other.variables);
        }
        return Integer.compare(withRegex, other.withRegex);
    }
}
