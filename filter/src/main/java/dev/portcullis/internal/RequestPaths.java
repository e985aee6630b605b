package dev.portcullis.internal;

import dev.portcullis.internal.route.RouteTable;

import java.util.List;

/**
 * Request paths as they may be recorded in a decision record or shown in a log line: without
 * {@code ;jsessionid=...} or other path parameters (which may carry session ids) and without a
 * query string. Log lines still pass the result through {@link LogText#safe(String)}.
 *
 * <p>Not part of the public API: it may change in any release.
 *
 * <p>Thread safety: stateless.
 */
public final class RequestPaths {
    private RequestPaths() {
    }

    /**
     * {@code rawPath} (a request URI's path, not decoded) normalised the way the route table
     * normalises it (decoded, {@code ;parameters} removed, empty and dot segments resolved), with
     * its trailing {@code /} kept; if it cannot be normalised safely, {@link #withoutParameters}.
     */
    public static String forRecord(String rawPath) {
        if (plain(rawPath)) {
            return rawPath; // what normalising it would give back: nothing to decode, drop or resolve
        }
        return normalisedForRecord(rawPath);
    }

    /** {@link #forRecord} without the shortcut for {@linkplain #plain plain} paths. */
    static String normalisedForRecord(String rawPath) {
        List<String> segments = rawPath == null ? null : RouteTable.normalise(rawPath);
        if (segments == null) {
            return withoutParameters(rawPath);
        }
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            sb.append('/').append(s);
        }
        if (sb.length() == 0 || withoutParameters(rawPath).endsWith("/")) {
            sb.append('/');
        }
        return sb.toString();
    }

    /**
     * Whether {@code rawPath} is already normalised: it starts with {@code /}, has only unreserved
     * characters (RFC 3986 §2.3: letters, digits, {@code -._~}) besides {@code /}, no empty segment
     * but a trailing one, and no {@code .} or {@code ..} segment. Such a path has nothing to decode,
     * no parameter and nothing to resolve.
     */
    public static boolean plain(String rawPath) {
        int n = rawPath == null ? 0 : rawPath.length();
        if (n == 0 || rawPath.charAt(0) != '/') {
            return false;
        }
        int start = 1;
        for (int i = 1; i <= n; i++) {
            char c = i < n ? rawPath.charAt(i) : '/';
            if (c == '/') {
                int length = i - start;
                if (length == 0 && i < n
                        || length == 1 && rawPath.charAt(start) == '.'
                        || length == 2 && rawPath.charAt(start) == '.' && rawPath.charAt(start + 1) == '.') {
                    return false;
                }
                start = i + 1;
            } else if (!unreserved(c)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code c} is an unreserved URI character (RFC 3986 §2.3: letters, digits, {@code -._~}). */
    public static boolean unreserved(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** {@code rawPath} with the {@code ;parameters} of every segment removed (nothing else changed). */
    public static String withoutParameters(String rawPath) {
        if (rawPath == null || rawPath.indexOf(';') < 0) {
            return rawPath;
        }
        StringBuilder sb = new StringBuilder(rawPath.length());
        boolean inParameter = false;
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == ';') {
                inParameter = true;
            } else if (c == '/') {
                inParameter = false;
            }
            if (!inParameter) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
