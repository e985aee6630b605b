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
