package dev.portcullis.bench;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The bearer extraction as it was before issue 19 (copied from
 * {@code BearerTokenExtractor} at commit efb2ecf, header path only, default limits): the baseline of
 * {@code EngineBench.extractBeforeIssue19}, measured in the same run as today's {@code extractOnly}.
 */
final class LegacyExtractor {
    private static final String SCHEME = "bearer";
    private static final boolean[] BASE64URL = new boolean[256];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            BASE64URL[c] = true;
            BASE64URL[Character.toLowerCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            BASE64URL[c] = true;
        }
        BASE64URL['-'] = true;
        BASE64URL['_'] = true;
    }

    private final int maxTokenBytes = 4096;
    private final int maxHeaderSegmentChars = (1024 * 4 + 2) / 3;

    String extract(List<String> authorizationHeaders) throws PortcullisException {
        if (authorizationHeaders.size() > 1) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "more than one Authorization header");
        }
        String token = authorizationHeaders.isEmpty() ? null : fromHeader(authorizationHeaders.get(0));
        if (token != null) {
            checkSyntax(token);
        }
        return token;
    }

    private String fromHeader(String header) throws PortcullisException {
        if (header == null) {
            return null;
        }
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        if (!scheme.toLowerCase(Locale.ROOT).equals(SCHEME)) {
            if (scheme.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
                // "Bearer:x", "Bearer\tx", "Bearerx": a bearer attempt with a broken separator
                throw new PortcullisException(Reason.INVALID_REQUEST, "malformed Bearer credentials");
            }
            return null; // another scheme, such as Basic: not ours
        }
        int length = space < 0 ? 0 : header.length() - space - 1;
        if (length == 0) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "Bearer scheme without a token");
        }
        if (length > maxTokenBytes) {
            // the size gate comes before every scan of the token
            throw tooLarge(length);
        }
        // indexOf is a vectorised scan: much cheaper than a per-character loop on every request
        if (header.indexOf(' ', space + 1) >= 0 || header.indexOf('\t', space + 1) >= 0
                || header.indexOf(',', space + 1) >= 0) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "more than one token after Bearer");
        }
        return header.substring(space + 1);
    }

    private PortcullisException tooLarge(int length) {
        return new PortcullisException(Reason.TOKEN_TOO_LARGE, "token of " + length + " bytes exceeds " + maxTokenBytes);
    }

    private void checkSyntax(String token) throws PortcullisException {
        if (token.length() > maxTokenBytes) {
            throw tooLarge(token.length());
        }
        // A JWE is recognised by its five segments before the JWS syntax rules: its encrypted-key
        // segment is legitimately empty with "alg":"dir", which must not make it look malformed.
        int dots = 0;
        for (int i = token.indexOf('.'); i >= 0; i = token.indexOf('.', i + 1)) {
            dots++;
        }
        if (dots == 4) {
            throw new PortcullisException(Reason.ENCRYPTED_TOKEN, "five segments: a JWE, refused without decryption");
        }
        int segments = 1;
        int segmentStart = 0;
        // A byte copy (one array copy for an ASCII string) scans faster than charAt; a non-Latin-1
        // character becomes '?', which is refused like any other character outside base64url.
        byte[] bytes = token.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            if (!BASE64URL[c]) {
                if (c != '.') {
                    throw new PortcullisException(Reason.MALFORMED_TOKEN,
                            "character outside base64url at offset " + i);
                }
                checkSegment(segmentStart, i, segments);
                checkCanonicalEnd(token, segmentStart, i, segments);
                if (segments == 1 && i > maxHeaderSegmentChars) {
                    throw new PortcullisException(Reason.TOKEN_TOO_LARGE, "JOSE header too large");
                }
                segments++;
                segmentStart = i + 1;
            }
        }
        checkSegment(segmentStart, token.length(), segments);
        checkCanonicalEnd(token, segmentStart, token.length(), segments);
        if (segments == 5) {
            throw new PortcullisException(Reason.ENCRYPTED_TOKEN, "five segments: a JWE, refused without decryption");
        }
        if (segments != 3) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, segments + " segments, expected 3");
        }
    }

    private static void checkSegment(int start, int end, int index) throws PortcullisException {
        int length = end - start;
        if (length == 0) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "empty segment " + index);
        }
        if (length % 4 == 1) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "segment " + index + " is not base64url");
        }
    }

    /**
     * The last character of an unpadded base64url segment may carry bits that decoders drop
     * (RFC 4648 §3.5); accepting them would let many different strings stand for one signed token.
     */
    private static void checkCanonicalEnd(String token, int start, int end, int index) throws PortcullisException {
        int rest = (end - start) % 4;
        if (rest == 0) {
            return;
        }
        int bits = base64UrlValue(token.charAt(end - 1));
        int unused = rest == 2 ? 0x0f : 0x03;
        if ((bits & unused) != 0) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "segment " + index + " is not canonical base64url");
        }
    }

    private static int base64UrlValue(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }
}
