package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;

/**
 * The request's one token, located but not yet checked for syntax: the characters of
 * {@link #source()} from {@link #start()} to its end (the {@code Authorization} header after
 * {@code Bearer }, or a whole {@code access_token} parameter), as
 * {@link BearerTokenExtractor#locate} found it. The engine looks it up in the token cache in place
 * ({@link TokenCache#hit}) and asks for {@link #checkedToken()} only on a miss.
 *
 * <p>Thread safety: immutable.
 */
public final class LocatedToken {
    private final BearerTokenExtractor extractor;
    private final String source;
    private final int start;
    private final boolean inHeader;

    LocatedToken(BearerTokenExtractor extractor, String source, int start, boolean inHeader) {
        this.extractor = extractor;
        this.source = source;
        this.start = start;
        this.inHeader = inHeader;
    }

    /** The string that ends with the token: a header value or a request parameter. */
    public String source() {
        return source;
    }

    /** Where the token starts in {@link #source()}. */
    public int start() {
        return start;
    }

    /** The token's characters as they are, unchecked (a copy out of the header). */
    public String text() {
        return source.substring(start);
    }

    /**
     * The token after the syntax rules: for a header token the separators, for a parameter
     * token the size gate, then three canonical base64url segments.
     *
     * @throws PortcullisException {@code invalid_request}, {@code malformed_token},
     *         {@code token_too_large} or {@code encrypted_token}
     */
    public String checkedToken() throws PortcullisException {
        String token = text();
        if (inHeader) {
            // one scan of a well-formed token proves it has no separator either; only a token
            // that fails it is looked at again for the separators that make the request invalid
            if (!extractor.isWellFormed(token)) {
                BearerTokenExtractor.checkSeparators(token);
                extractor.checkSyntaxOneByOne(token);
            }
        } else {
            extractor.checkSyntax(token);
        }
        return token;
    }
}
