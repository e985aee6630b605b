package dev.portcullis.servlet;

import dev.portcullis.config.ConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Matches application paths (servlet path plus path info, as the container decoded and
 * normalised them) against exact paths ({@code /health}) and prefixes ({@code /static/*}, which
 * matches {@code /static} and everything below it, never {@code /staticky}).
 *
 * <p>Thread safety: immutable.
 */
final class PathMatcher {
    private final Set<String> exact;
    private final List<String> prefixes;
    private final List<String> patterns;

    private PathMatcher(Set<String> exact, List<String> prefixes, List<String> patterns) {
        this.exact = exact;
        this.prefixes = prefixes;
        this.patterns = patterns;
    }

    static PathMatcher of(String setting, List<String> patterns) {
        java.util.Set<String> exact = new java.util.HashSet<>();
        List<String> prefixes = new ArrayList<>();
        for (String p : patterns) {
            if (!p.startsWith("/")) {
                throw new ConfigurationException(setting, "path '" + p + "' must start with /");
            }
            if (p.endsWith("/*")) {
                prefixes.add(p.substring(0, p.length() - 2));
            } else if (p.contains("*")) {
                throw new ConfigurationException(setting, "path '" + p + "': '*' is allowed only as a final /*");
            } else {
                exact.add(p);
            }
        }
        return new PathMatcher(Set.copyOf(exact), List.copyOf(prefixes), List.copyOf(patterns));
    }

    boolean matches(String path) {
        if (exact.contains(path)) {
            return true;
        }
        for (String prefix : prefixes) {
            // the prefix itself, or the prefix then '/': no string made per request and prefix
            if (prefix.isEmpty() || path.startsWith(prefix)
                    && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
