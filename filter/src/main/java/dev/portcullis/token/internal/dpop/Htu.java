package dev.portcullis.token.internal.dpop;

import dev.portcullis.internal.RequestPaths;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The {@code htu} comparison of RFC 9449 §4.3 (check 9): both URIs are reduced to scheme,
 * authority and path after RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based normalisation
 * (scheme and host lower-cased, the default port dropped, percent-encodings upper-cased and
 * unreserved ones decoded, dot segments removed, an empty path made {@code /}); query and
 * fragment are ignored. Anything that is not an absolute {@code http}/{@code https} URI does
 * not normalise (null), and so never matches.
 *
 * <p>Thread safety: stateless.
 */
final class Htu {
    private Htu() {
    }

    /** The normalised form, or null when {@code uri} is not an absolute http(s) URI. */
    static String normalise(String uri) {
        if (uri == null || uri.isEmpty() || uri.length() > 4096) {
            return null;
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = parsed.getScheme();
        if (scheme == null || parsed.isOpaque() || parsed.getRawAuthority() == null || parsed.getHost() == null) {
            return null;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        int port = parsed.getPort();
        if (scheme.equals("http")) {
            port = port == 80 ? -1 : port;
        } else if (scheme.equals("https")) {
            port = port == 443 ? -1 : port;
        } else {
            return null;
        }
        if (parsed.getRawUserInfo() != null) {
            return null; // RFC 9110 §4.2.4: no userinfo in http(s) URIs
        }
        String host = parsed.getHost().toLowerCase(Locale.ROOT);
        String path = percentEncodings(parsed.getRawPath());
        if (path == null) {
            return null;
        }
        path = removeDotSegments(path.isEmpty() ? "/" : path);
        return scheme + "://" + host + (port < 0 ? "" : ":" + port) + path;
    }

    /** Upper-cases percent-encodings and decodes those of unreserved characters (RFC 3986 §6.2.2.1–2). */
    private static String percentEncodings(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= raw.length()) {
                return null;
            }
            int hi = Character.digit(raw.charAt(i + 1), 16);
            int lo = Character.digit(raw.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            char decoded = (char) (hi * 16 + lo);
            if (RequestPaths.unreserved(decoded)) {
                out.append(decoded);
            } else {
                out.append('%').append(Character.toUpperCase(raw.charAt(i + 1)))
                        .append(Character.toUpperCase(raw.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    /** RFC 3986 §5.2.4 on an absolute path. */
    private static String removeDotSegments(String path) {
        Deque<String> out = new ArrayDeque<>();
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".")) {
                if (last) {
                    out.addLast("");
                }
            } else if (s.equals("..")) {
                out.pollLast();
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(s);
            }
        }
        return "/" + String.join("/", out);
    }
}
