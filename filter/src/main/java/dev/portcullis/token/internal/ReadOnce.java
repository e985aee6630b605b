package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.token.VerifiedToken;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The cold path of {@link TokenValidator#validate} for the common token, read once: each segment
 * decoded once, header and claims read by {@link LeanJson} (no jose4j JSON parser and its 16 K-char
 * buffer per segment), the signature verified from the parts ({@link SignatureVerifier.Signed}).
 * The rules and their order are those of the jose4j path it stands in for: header rules, issuer,
 * algorithm allowlist, {@code typ}, signature, claims.
 *
 * <p>Thread safety: stateless.
 */
final class ReadOnce {
    private ReadOnce() {
    }

    /**
     * The common case read once, without jose4j's JSON parser: a compact JWS of three base64url
     * segments whose header and payload are strict UTF-8 JSON objects ({@link LeanJson}); then the
     * same rules in the same order as {@link TokenValidator}'s jose4j path.
     *
     * @return the verified token, or null when the token is not read here (anything
     *         {@link LeanJson} refuses, a header with {@code cty} or {@code b64}, which change how
     *         jose4j reads the token): {@link TokenValidator#validate} then reads it as before
     * @throws PortcullisException the verdict on a token read here
     */
    static VerifiedToken validate(String token, IssuerKeys issuers, ClaimChecks claimChecks) throws PortcullisException {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            return null;
        }
        String headerJson = utf8(token, 0, first);
        String payloadJson = headerJson == null ? null : utf8(token, first + 1, second);
        if (payloadJson == null) {
            return null;
        }
        Map<String, Object> header = LeanJson.parseObject(headerJson);
        if (header == null || header.containsKey("cty") || header.containsKey("b64")) {
            return null;
        }
        Map<String, Object> claims = LeanJson.parseObject(payloadJson);
        if (claims == null) {
            return null;
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(second + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        JwsRules.Header checked = JwsRules.check(header);
        Object iss = claims.get("iss");
        if (!(iss instanceof String)) {
            throw new PortcullisException(Reason.UNTRUSTED_ISSUER, "iss missing or not a string");
        }
        IssuerKeys.IssuerVerifier verifier = issuers.of(iss);
        if (verifier == null) {
            throw new PortcullisException(Reason.UNTRUSTED_ISSUER, "issuer not configured: " + TokenValidator.abbreviate((String) iss));
        }
        verifier.signature.checkAlgorithm(checked.alg());
        JwsRules.checkTypeValue(header.get("typ"), verifier.config.requiredType());
        verifier.signature.verify(new SignatureVerifier.Signed(checked.alg(), checked.kid(), (String) header.get("x5t"),
                (String) header.get("x5t#S256"), token.substring(0, second).getBytes(StandardCharsets.US_ASCII),
                signature, null));
        return claimChecks.check(verifier.config, claims, checked.alg(), checked.kid());
    }

    /** The strict UTF-8 text of a base64url segment, or null when it is not one. */
    private static String utf8(String token, int start, int end) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(token.substring(start, end));
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }
}
