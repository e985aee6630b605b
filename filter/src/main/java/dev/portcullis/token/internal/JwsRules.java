package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import org.jose4j.jwx.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The JOSE header rules (RFC 7515 §4, RFC 8725 §3) every token passes before its signature is
 * checked. {@link TokenValidator#validate} (the filter) and {@link TokenValidator#verifySignature}
 * ({@code verify-token --signature-only}) both call these, so the command line can never judge a
 * token by other rules than the filter.
 *
 * <p>Thread safety: stateless.
 */
final class JwsRules {
    /**
     * Header parameters that are refused outright: {@code crit} (extensions we do not implement),
     * the key-carrying or key-locating {@code jku}, {@code x5u}, {@code jwk}, {@code x5c}, nesting
     * ({@code cty}), and JWE parameters.
     */
    /** Headers jose4j's key selection reads as strings (RFC 7515 §4.1.7, §4.1.8). */
    static final Set<String> KEY_SELECTION_HEADERS = Set.of("x5t", "x5t#S256");
    static final Set<String> FORBIDDEN_HEADERS = Set.of("crit", "jku", "x5u", "jwk", "x5c",
            "cty", "enc", "zip", "p2c", "p2s", "epk");

    private JwsRules() {
    }

    /** What a JOSE header that passed the rules says: its {@code alg} and optional {@code kid}. */
    record Header(String alg, String kid) {
    }

    /**
     * Refuses a base64url segment that is not valid UTF-8 once decoded (RFC 7515 §5.2, RFC 8259
     * §8.1): jose4j decodes leniently, replacing bad bytes, so two different signed byte sequences
     * could read as the same JSON text.
     */
    static void requireUtf8(String segment, String part) throws PortcullisException {
        try {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            decoder.decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(segment)));
        } catch (CharacterCodingException e) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, part + " is not valid UTF-8");
        } catch (IllegalArgumentException e) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, part + " is not base64url");
        }
    }

    /**
     * Checks the header: none of {@link #FORBIDDEN_HEADERS}, a string {@code alg}, a string
     * {@code kid} when present. The algorithm allowlist is the key source's
     * ({@link SignatureVerifier#checkAlgorithm}).
     */
    static Header check(Headers header) throws PortcullisException {
        return check(header::getObjectHeaderValue);
    }

    /** {@link #check(Headers)} on a header read as a map. */
    static Header check(Map<String, Object> header) throws PortcullisException {
        return check(header::get);
    }

    private static Header check(Function<String, Object> header) throws PortcullisException {
        for (String name : FORBIDDEN_HEADERS) {
            if (header.apply(name) != null) {
                throw new PortcullisException(Reason.FORBIDDEN_HEADER, "header '" + name + "' is not accepted");
            }
        }
        Object alg = header.apply("alg");
        if (!(alg instanceof String)) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "alg header missing or not a string");
        }
        Object kid = header.apply("kid");
        if (kid != null && !(kid instanceof String)) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "kid header is not a string");
        }
        // key selection reads these as strings: another JSON type is a malformed header, not a crash
        for (String name : KEY_SELECTION_HEADERS) {
            Object value = header.apply(name);
            if (value != null && !(value instanceof String)) {
                throw new PortcullisException(Reason.MALFORMED_TOKEN, name + " header is not a string");
            }
        }
        return new Header((String) alg, (String) kid);
    }

    /**
     * Checks {@code typ}: with a required type it must name it (compared as RFC 7515 §4.1.9 says);
     * without one it may be absent, and when present must be a string.
     */
    static void checkType(Headers header, String requiredType) throws PortcullisException {
        checkTypeValue(header.getObjectHeaderValue("typ"), requiredType);
    }

    /** {@link #checkType(Headers, String)} on the {@code typ} value of a header read as a map. */
    static void checkTypeValue(Object typ, String requiredType) throws PortcullisException {
        if (requiredType != null) {
            if (!(typ instanceof String) || !IssuerConfig.normaliseType((String) typ).equals(requiredType)) {
                throw new PortcullisException(Reason.WRONG_TYPE, "typ header is not " + requiredType);
            }
        } else if (typ != null && !(typ instanceof String)) {
            throw new PortcullisException(Reason.MALFORMED_TOKEN, "typ header is not a string");
        }
    }
}
