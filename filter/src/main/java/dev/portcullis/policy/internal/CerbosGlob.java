package dev.portcullis.policy.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Action, role and resource-kind patterns as Cerbos matches them: a name that contains {@code *}
 * is a glob compiled with gobwas/glob and {@code :} as the separator (Cerbos
 * {@code internal/util/globs_common.go}); any other name is compared literally (so {@code {a,b}}
 * without a {@code *} is just a name). A lone {@code *} is read as {@code **} and matches
 * everything. Glob syntax: {@code *} any run of characters other than {@code :}, {@code **} any run
 * of characters, {@code ?} one character other than {@code :}, {@code [abc]} / {@code [a-z]} /
 * {@code [!abc]} one character of (or not of) a class, {@code {view,edit}} alternatives (which may
 * hold patterns), {@code \} escapes the next character. So {@code view:*} matches
 * {@code view:public} but neither {@code view} nor {@code view:a:b}; {@code view:**} matches
 * {@code view:a:b} too; {@code {view,edit}*} matches {@code view}, {@code viewer}, {@code edit}
 * and {@code editor} but not {@code edit:x}. A malformed glob (an unclosed {@code [} or <code>{</code>) is refused at load;
 * Cerbos logs it and never matches it.
 *
 * <p>Thread safety: stateless; compiled patterns are immutable.
 */
final class CerbosGlob {
    private CerbosGlob() {
    }

    static boolean isPattern(String s) {
        return s.indexOf('*') >= 0;
    }

    /**
     * The compiled form of a glob, or null for a literal name and for {@code *} (which matches
     * everything).
     *
     * @throws IllegalArgumentException naming the pattern when it is malformed
     */
    static Pattern compile(String glob) {
        if (!isPattern(glob) || glob.equals("*")) {
            return null;
        }
        StringBuilder re = new StringBuilder();
        int depth = 0;
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '\\':
                    if (i + 1 < n) {
                        i++;
                        literal(re, glob.charAt(i));
                    } else {
                        literal(re, c);
                    }
                    break;
                case '*':
                    if (i + 1 < n && glob.charAt(i + 1) == '*') {
                        i++;
                        re.append("(?s:.*)");
                    } else {
                        re.append("[^:]*");
                    }
                    break;
                case '?':
                    re.append("[^:]");
                    break;
                case '[':
                    i = characterClass(glob, i, re);
                    break;
                case '{':
                    depth++;
                    re.append("(?:");
                    break;
                case ',':
                    if (depth > 0) {
                        re.append('|');
                    } else {
                        literal(re, c);
                    }
                    break;
                case '}':
                    if (depth > 0) {
                        depth--;
                        re.append(')');
                    } else {
                        literal(re, c);
                    }
                    break;
                default:
                    literal(re, c);
            }
        }
        if (depth > 0) {
            throw new IllegalArgumentException("malformed glob '" + glob + "': unclosed '{'");
        }
        return Pattern.compile(re.toString());
    }

    private static int characterClass(String glob, int start, StringBuilder re) {
        int i = start + 1;
        boolean negate = i < glob.length() && glob.charAt(i) == '!';
        if (negate) {
            i++;
        }
        StringBuilder cls = new StringBuilder();
        for (; i < glob.length() && glob.charAt(i) != ']'; i++) {
            char c = glob.charAt(i);
            if (c == '\\' && i + 1 < glob.length()) {
                c = glob.charAt(++i);
            } else if (c == '-' && cls.length() > 0 && i + 1 < glob.length() && glob.charAt(i + 1) != ']') {
                cls.append('-');
                continue;
            }
            if (Character.isLetterOrDigit(c)) {
                cls.append(c);
            } else {
                cls.append('\\').append(c);
            }
        }
        if (i >= glob.length() || cls.length() == 0) {
            throw new IllegalArgumentException("malformed glob '" + glob + "': unclosed or empty '['");
        }
        re.append('[').append(negate ? "^" : "").append(cls).append(']');
        return i;
    }

    private static void literal(StringBuilder re, char c) {
        if (Character.isLetterOrDigit(c) || c == '_' || c == ':') {
            re.append(c);
        } else {
            re.append('\\').append(c);
        }
    }

    /** Whether {@code pattern} (compiled as {@code compiled}, or null to compile now) matches. */
    static boolean matches(String pattern, Pattern compiled, String value) {
        if (pattern.equals("*")) {
            return true;
        }
        if (!isPattern(pattern)) {
            return pattern.equals(value);
        }
        Pattern p = compiled != null ? compiled : compile(pattern);
        return p.matcher(value).matches();
    }

    /** A rule's {@code roles} or a derived role's {@code parentRoles}: names and globs. */
    static final class Names {
        final Set<String> literals;
        final Pattern[] patterns;
        final boolean any;

        private Names(Set<String> literals, Pattern[] patterns, boolean any) {
            this.literals = literals;
            this.patterns = patterns;
            this.any = any;
        }

        /** @throws IllegalArgumentException naming a malformed glob */
        static Names of(Collection<String> names) {
            Set<String> literals = new HashSet<>();
            List<Pattern> patterns = new java.util.ArrayList<>();
            boolean any = false;
            for (String n : names) {
                if (n.equals("*")) {
                    any = true;
                } else if (isPattern(n)) {
                    patterns.add(compile(n));
                } else {
                    literals.add(n);
                }
            }
            return new Names(Set.copyOf(literals), patterns.toArray(new Pattern[0]), any);
        }

        boolean matches(String name) {
            if (any || literals.contains(name)) {
                return true;
            }
            for (Pattern p : patterns) {
                if (p.matcher(name).matches()) {
                    return true;
                }
            }
            return false;
        }

        /** Whether some of {@code names} matches. */
        boolean matchesAny(Collection<String> names) {
            if (any) {
                return true;
            }
            for (String n : names) {
                if (matches(n)) {
                    return true;
                }
            }
            return false;
        }
    }
}
