package dev.portcullis.token.internal.dpop;

import dev.portcullis.Reason;
import dev.portcullis.internal.LogText;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Checks one DPoP proof as RFC 9449 §4.3 lists, in that order: exactly one {@code DPoP} header
 * value; a compact JWS of bounded size; {@code typ: dpop+jwt}; an asymmetric {@code alg} from
 * the allowlist; a {@code jwk} header with a public key only (a private member such as {@code d}
 * is refused, and so is a symmetric {@code oct} key); the signature under that key; {@code jti},
 * {@code htm} (equal to the request method), {@code htu} (equal to the request's external URL
 * after {@link Htu normalisation}), {@code iat} within {@code max-age} (and the clock skew into the
 * future); {@code ath} equal to the hash of the access token; the key's RFC 7638 thumbprint equal
 * to the token's {@code cnf.jkt}; the server nonce when nonces are on; and last, so that no
 * refused proof fills it, the {@code jti} replay cache.
 *
 * <p>Every refusal is {@code invalid_dpop_proof} (or {@code use_dpop_nonce}) with the detail in the
 * log only; the proof is never echoed.
 *
 * <p>Thread safety: thread-safe.
 */
final class ProofVerifier {
    /** Longest DPoP header value looked at. */
    static final int MAX_PROOF_CHARS = 8192;
    static final String TYPE = "dpop+jwt";
    /** JWK members that only a private (or symmetric) key has (RFC 7517 §9.3, RFC 7518 §6). */
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Set<String> algorithms;
    private final long maxAgeSeconds;
    private final long skewSeconds;
    private final Clock clock;
    private final Nonces nonces;
    private final ReplayCache replays;

    ProofVerifier(Set<String> algorithms, Duration maxAge, Duration skew, Clock clock, Nonces nonces,
                  ReplayCache replays) {
        this.algorithms = Set.copyOf(algorithms);
        this.maxAgeSeconds = maxAge.toSeconds();
        this.skewSeconds = skew.toSeconds();
        this.clock = clock;
        this.nonces = nonces;
        this.replays = replays;
    }

    /** The algorithms for the challenge's {@code algs}, space-separated. */
    String algs() {
        return String.join(" ", new java.util.TreeSet<>(algorithms));
    }

    /**
     * Verifies the proof of a request carrying {@code accessToken} bound to {@code jkt}.
     *
     * @param url the request's external URL (normalised here), or null when unknown
     */
    void verify(List<String> headers, String method, String url, String accessToken, String jkt)
            throws SenderException {
        if (headers.isEmpty()) {
            throw invalid("no DPoP header");
        }
        if (headers.size() > 1) {
            throw invalid("more than one DPoP header");
        }
        String proof = headers.get(0);
        if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF_CHARS) {
            throw invalid("DPoP header empty or longer than " + MAX_PROOF_CHARS);
        }
        JsonWebSignature jws = new JsonWebSignature();
        PublicJsonWebKey key;
        JwtClaims claims;
        try {
            jws.setCompactSerialization(proof);
            String typ = jws.getHeader("typ");
            if (typ == null || !typ.toLowerCase(Locale.ROOT).equals(TYPE)) {
                throw invalid("typ is not dpop+jwt");
            }
            String alg = jws.getAlgorithmHeaderValue();
            if (alg == null || !algorithms.contains(alg)) {
                throw invalid("alg " + LogText.safe(String.valueOf(alg)) + " not allowed for proofs");
            }
            Object jwk = jws.getHeaders().getObjectHeaderValue("jwk");
            if (!(jwk instanceof Map)) {
                throw invalid("no jwk header");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> members = (Map<String, Object>) jwk;
            for (String member : members.keySet()) {
                if (PRIVATE_MEMBERS.contains(member)) {
                    throw invalid("jwk carries the private or symmetric member '" + member + "'");
                }
            }
            key = PublicJsonWebKey.Factory.newPublicJwk(members);
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg));
            jws.setKey(key.getPublicKey());
            if (!jws.verifySignature()) {
                throw invalid("bad signature");
            }
            claims = JwtClaims.parse(jws.getUnverifiedPayload());
        } catch (JoseException | org.jose4j.jwt.consumer.InvalidJwtException | RuntimeException e) {
            throw invalid("unparseable or unverifiable proof: " + LogText.safe(e.getMessage(), 200));
        }
        checkClaims(claims, method, url, accessToken);
        String thumbprint;
        try {
            thumbprint = key.calculateBase64urlEncodedThumbprint("SHA-256");
        } catch (RuntimeException e) {
            throw invalid("no thumbprint for the proof key");
        }
        if (jkt == null || !MessageDigest.isEqual(thumbprint.getBytes(StandardCharsets.US_ASCII),
                jkt.getBytes(StandardCharsets.UTF_8))) {
            throw invalid("proof key does not match the token's cnf.jkt");
        }
        String jti = string(claims, "jti");
        if (nonces != null) {
            String nonce = claims.getClaimValue("nonce") instanceof String ? (String) claims.getClaimValue("nonce") : null;
            if (!nonces.accepts(nonce)) {
                throw new SenderException(Reason.USE_DPOP_NONCE, nonce == null ? "proof without nonce"
                        : "stale or foreign nonce", true, nonces.current());
            }
        }
        long expires = clock.instant().getEpochSecond() + maxAgeSeconds + 2 * skewSeconds;
        boolean first;
        try {
            first = replays.firstUse(thumbprint + " " + jti, expires);
        } catch (IllegalStateException e) {
            throw new SenderException(Reason.REPLAY_CHECK_UNAVAILABLE, e.getMessage(), true, null);
        }
        if (!first) {
            throw invalid("replayed proof (jti seen before)");
        }
    }

    private void checkClaims(JwtClaims claims, String method, String url, String accessToken) throws SenderException {
        String jti = string(claims, "jti");
        if (jti.length() > 256) {
            throw invalid("jti longer than 256 characters");
        }
        if (!string(claims, "htm").equals(method)) {
            throw invalid("htm does not match the request method");
        }
        String htu = Htu.normalise(string(claims, "htu"));
        String expected = Htu.normalise(url);
        if (htu == null || expected == null || !htu.equals(expected)) {
            throw invalid("htu " + LogText.safe(String.valueOf(htu), 200) + " does not match the request URL "
                    + LogText.safe(String.valueOf(expected), 200));
        }
        NumericDate iat;
        try {
            iat = claims.getIssuedAt();
        } catch (MalformedClaimException e) {
            iat = null;
        }
        if (iat == null) {
            throw invalid("no numeric iat");
        }
        long now = clock.instant().getEpochSecond();
        if (iat.getValue() > now + skewSeconds) {
            throw invalid("iat in the future");
        }
        if (iat.getValue() < now - maxAgeSeconds - skewSeconds) {
            throw invalid("proof older than the max age");
        }
        String ath = string(claims, "ath");
        if (!MessageDigest.isEqual(ath.getBytes(StandardCharsets.UTF_8),
                accessTokenHash(accessToken).getBytes(StandardCharsets.US_ASCII))) {
            throw invalid("ath does not match the access token");
        }
    }

    /** base64url(SHA-256(ASCII(token))), the {@code ath} of RFC 9449 §4.2. */
    static String accessTokenHash(String accessToken) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String string(JwtClaims claims, String name) throws SenderException {
        Object value = claims.getClaimValue(name);
        if (!(value instanceof String) || ((String) value).isEmpty()) {
            throw invalid("no string claim " + name);
        }
        return (String) value;
    }

    private static SenderException invalid(String detail) {
        return new SenderException(Reason.INVALID_DPOP_PROOF, detail, true, null);
    }
}
