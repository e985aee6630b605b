package dev.portcullis.token.internal;

import dev.portcullis.config.SettingNames;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Finds the one bearer token of a request, per RFC 6750 §2, and checks its syntax and size before
 * anything decodes it.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>At most one {@code Authorization} header; two or more are {@code invalid_request}.</li>
 *   <li>The scheme {@code Bearer} is matched case-insensitively and must be followed by exactly one
 *       space and one token ({@code b64token} of RFC 6750 §2.1); anything else after it, a second
 *       token, or a tab separator is {@code invalid_request}. Another scheme ({@code Basic}...)
 *       counts as no bearer token.</li>
 *   <li>Tokens in the query string ({@code access_token}) or a form body are refused unless
 *       {@linkplain Builder#allowInsecureQueryParameterTokens() explicitly allowed}; a token in both
 *       the header and the query is {@code invalid_request} (RFC 6750 §2: one method only).</li>
 *   <li>Size gate: a token longer than {@code maxTokenBytes} is {@code token_too_large} before any
 *       other check; a header segment longer than the limit for {@code maxHeaderBytes} decoded
 *       bytes likewise.</li>
 *   <li>Syntax: exactly three non-empty segments of unpadded base64url
 *       ({@code ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$}), each of a length base64url can
 *       produce; five segments are a JWE and refused as {@code encrypted_token}.</li>
 * </ol>
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class BearerTokenExtractor {
    /** Default maximum token length in bytes. */
    public static final int DEFAULT_MAX_TOKEN_BYTES = 4096;
    /** Default maximum decoded JOSE header length in bytes. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 1024;

    private static final String SCHEME = "bearer";
    /** The unpadded base64url alphabet, indexed by byte value. */
    private static final boolean[] BASE64URL = new boolean[256];
    /**
     * The same alphabet for the fast scan: 0 for a base64url character, 1 for every other byte
     * value (the dot included), so a segment is valid when the OR of its entries is 0.
     */
    private static final byte[] NOT_BASE64URL = new byte[256];

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
        for (int i = 0; i < 256; i++) {
            NOT_BASE64URL[i] = (byte) (BASE64URL[i] ? 0 : 1);
        }
    }

    private final int maxTokenBytes;
    private final int maxHeaderSegmentChars;
    private final boolean allowQueryParameterTokens;

    private BearerTokenExtractor(Builder b) {
        this.maxTokenBytes = b.maxTokenBytes;
        this.maxHeaderSegmentChars = (b.maxHeaderBytes * 4 + 2) / 3;
        this.allowQueryParameterTokens = b.allowQueryParameterTokens;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code access_token} request parameters are accepted (the insecure switch). */
    public boolean allowsQueryParameterTokens() {
        return allowQueryParameterTokens;
    }

    public int maxTokenBytes() {
        return maxTokenBytes;
    }

    /**
     * Extracts the token: {@link #locate} and {@link LocatedToken#checkedToken}.
     *
     * @param authorizationHeaders every {@code Authorization} header value of the request, in order
     * @param parameterTokens every {@code access_token} value from the query string or form body
     * @return the token, or {@code null} when the request carries no bearer credentials at all
     * @throws PortcullisException with {@code invalid_request}, {@code malformed_token},
     *         {@code token_too_large} or {@code encrypted_token}
     */
    public String extract(List<String> authorizationHeaders, List<String> parameterTokens)
            throws PortcullisException {
        LocatedToken located = locate(authorizationHeaders, parameterTokens);
        return located == null ? null : located.checkedToken();
    }

    /**
     * Finds the one token of the request (rules 1 to 3 and the size gate of a header token)
     * without copying it out of the header and without the syntax scan, which
     * {@link LocatedToken#checkedToken} runs. The engine looks a located token up in the
     * verified-token cache first: only a token that passed {@code checkedToken} and full
     * validation is ever cached, so a hit (the same characters, compared in full) has passed the
     * syntax rules already, and a miss takes the checked path. Every request gets the answer
     * {@link #extract} gives.
     *
     * @return where the token is, or {@code null} when the request carries no bearer credentials
     * @throws PortcullisException as {@link #extract}, except for the syntax faults of the token
     *         itself, which {@link LocatedToken#checkedToken} throws
     */
    public LocatedToken locate(List<String> authorizationHeaders, List<String> parameterTokens)
            throws PortcullisException {
        if (authorizationHeaders.size() > 1) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "more than one Authorization header");
        }
        LocatedToken inHeader = authorizationHeaders.size() == 1 ? fromHeader(authorizationHeaders.get(0)) : null;
        if (parameterTokens.isEmpty()) {
            return inHeader;
        }
        if (inHeader != null) {
            // a header token's own separators are reported before the parameter conflict, as ever
            String token = inHeader.text();
            if (!isWellFormed(token)) {
                checkSeparators(token);
            }
        }
        if (!allowQueryParameterTokens) {
            if (inHeader == null) {
                throw new PortcullisException(Reason.INVALID_REQUEST,
                        "access_token request parameter refused (query and form tokens are disabled)");
            }
            throw new PortcullisException(Reason.INVALID_REQUEST,
                    "token in both the Authorization header and a request parameter");
        }
        if (inHeader != null || parameterTokens.size() > 1) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "more than one token in the request");
        }
        String token = parameterTokens.get(0);
        return token == null ? null : new LocatedToken(this, token, 0, false);
    }

    private LocatedToken fromHeader(String header) throws PortcullisException {
        if (header == null) {
            return null;
        }
        int space = header.indexOf(' ');
        if (space == SCHEME.length() && header.regionMatches(true, 0, SCHEME, 0, space)) {
            // the common case without allocating the lower-cased scheme (no other character case-folds to b, e, a or r)
            return tokenAfter(header, space);
        }
        String scheme = space < 0 ? header : header.substring(0, space);
        if (!scheme.toLowerCase(Locale.ROOT).equals(SCHEME)) {
            if (scheme.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
                // "Bearer:x", "Bearer\tx", "Bearerx": a bearer attempt with a broken separator
                throw new PortcullisException(Reason.INVALID_REQUEST, "malformed Bearer credentials");
            }
            return null; // another scheme, such as Basic: not ours
        }
        return tokenAfter(header, space);
    }

    private LocatedToken tokenAfter(String header, int space) throws PortcullisException {
        int length = space < 0 ? 0 : header.length() - space - 1;
        if (length == 0) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "Bearer scheme without a token");
        }
        if (length > maxTokenBytes) {
            // the size gate comes before every scan of the token
            throw tooLarge(length);
        }
        return new LocatedToken(this, header, space + 1, true); // separators: checked with the syntax
    }

    /** A space, tab or comma after {@code Bearer }: several tokens or parameters, an invalid request. */
    static void checkSeparators(String token) throws PortcullisException {
        if (token.indexOf(' ') >= 0 || token.indexOf('\t') >= 0 || token.indexOf(',') >= 0) {
            throw new PortcullisException(Reason.INVALID_REQUEST, "more than one token after Bearer");
        }
    }

    private PortcullisException tooLarge(int length) {
        return new PortcullisException(Reason.TOKEN_TOO_LARGE, "token of " + length + " bytes exceeds " + maxTokenBytes);
    }

    void checkSyntax(String token) throws PortcullisException {
        if (token.length() > maxTokenBytes) {
            throw tooLarge(token.length());
        }
        if (!isWellFormed(token)) {
            checkSyntaxOneByOne(token); // throws the reason of the first fault
        }
    }

    /**
     * The fast scan for the common case, a well-formed token: the two dots found by
     * {@link String#indexOf} (vectorised), the segment length rules, then each segment's characters
     * checked eight at a time without a branch per character ({@link #allBase64Url}).
     *
     * @return true only when {@link #checkSyntaxOneByOne} would accept the token too (it accepts
     *         exactly the same strings: {@code BearerTokenExtractorTest} checks them against each
     *         other); false for any fault, which that slower pass then names
     */
    boolean isWellFormed(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0 || first > maxHeaderSegmentChars) {
            return false;
        }
        int length = token.length();
        if (!segmentFits(token, 0, first) || !segmentFits(token, first + 1, second)
                || !segmentFits(token, second + 1, length)) {
            return false;
        }
        byte[] bytes = token.getBytes(StandardCharsets.ISO_8859_1); // non-Latin-1 becomes '?': refused
        return allBase64Url(bytes, 0, first) && allBase64Url(bytes, first + 1, second)
                && allBase64Url(bytes, second + 1, length);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;

    /**
     * Whether {@code bytes[from, to)} are all base64url: eight bytes per step as one {@code long}
     * (SWAR: for bytes below 0x80, {@code b + 0x80 - lo} has its high bit set exactly when
     * {@code b >= lo}, and no sum carries into the next byte), the rest through the table. A byte of
     * 0x80 or more marks its word invalid by itself, whatever its carries did to its neighbours.
     */
    private static boolean allBase64Url(byte[] bytes, int from, int to) {
        long bad = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(bytes, i);
            long valid = inRange(w | 0x2020202020202020L, 'a', 'z') // A-Z folded onto a-z
                    | inRange(w, '0', '9') | inRange(w, '-', '-') | inRange(w, '_', '_');
            bad |= w | ~valid;
        }
        int tail = 0;
        byte[] table = NOT_BASE64URL;
        for (; i < to; i++) {
            tail |= table[bytes[i] & 0xff];
        }
        return (bad & HIGH_BITS) == 0 && tail == 0;
    }

    /** The high bit of each byte of {@code w} (each below 0x80) set when the byte is in {@code [lo, hi]}. */
    private static long inRange(long w, int lo, int hi) {
        return (w + (0x80 - lo) * ONES) & ~(w + (0x7f - hi) * ONES) & HIGH_BITS;
    }

    /** A segment's length and last character rules ({@link #checkSegment}, {@link #checkCanonicalEnd}) as a test. */
    private static boolean segmentFits(String token, int start, int end) {
        int length = end - start;
        int rest = length % 4;
        if (length == 0 || rest == 1) {
            return false;
        }
        if (rest == 0) {
            return true;
        }
        char last = token.charAt(end - 1);
        return last < 256 && BASE64URL[last] && (base64UrlValue(last) & (rest == 2 ? 0x0f : 0x03)) == 0;
    }

    /**
     * The reference scan, character by character in token order: the first fault found is the one
     * reported (offsets, segment numbers). Runs only for a token the fast scan refused.
     */
    void checkSyntaxOneByOne(String token) throws PortcullisException {
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

    /**
     * Builds a {@link BearerTokenExtractor}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private boolean allowQueryParameterTokens;

        private Builder() {
        }

        /** Maximum token length in bytes, 256 to 65536 (default 4096). */
        public Builder maxTokenBytes(int bytes) {
            if (bytes < 256 || bytes > 65536) {
                throw new ConfigurationException(SettingNames.MAX_TOKEN_BYTES, "maxTokenBytes must be between 256 and 65536, was " + bytes);
            }
            this.maxTokenBytes = bytes;
            return this;
        }

        /** Maximum decoded JOSE header length in bytes, 64 to 8192 (default 1024). */
        public Builder maxHeaderBytes(int bytes) {
            if (bytes < 64 || bytes > 8192) {
                throw new ConfigurationException(SettingNames.MAX_HEADER_BYTES, "maxHeaderBytes must be between 64 and 8192, was " + bytes);
            }
            this.maxHeaderBytes = bytes;
            return this;
        }

        /**
         * Accepts tokens in the {@code access_token} query parameter or form field.
         *
         * <p><b>Insecure:</b> URLs end up in access logs, browser history and {@code Referer}
         * headers, so tokens passed this way leak (RFC 6750 §5.3). Use only for clients that
         * cannot set headers.
         */
        public Builder allowInsecureQueryParameterTokens() {
            this.allowQueryParameterTokens = true;
            return this;
        }

        public BearerTokenExtractor build() {
            return new BearerTokenExtractor(this);
        }
    }
}
