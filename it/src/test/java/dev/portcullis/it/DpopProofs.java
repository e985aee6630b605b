package dev.portcullis.it;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.json.JsonUtil;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A DPoP client written in the tests (RFC 9449 §4.2; the filter module's test client, copied): a key pair of its own and proofs made with
 * it, correct by default, with a switch for each way an attacker could bend one.
 *
 * <p>Not thread-safe per builder; the client itself is immutable.
 */
final class DpopProofs {
    static PublicJsonWebKey newEc() {
        try {
            return org.jose4j.jwk.EcJwkGenerator.generateJwk(org.jose4j.keys.EllipticCurves.P256);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private final PublicJsonWebKey key;
    private final String alg;

    public DpopProofs(PublicJsonWebKey key, String alg) {
        this.key = key;
        this.alg = alg;
    }

    /** A client with a fresh P-256 key (ES256). */
    public static DpopProofs ec() {
        return new DpopProofs(newEc(), "ES256");
    }

    /** The RFC 7638 thumbprint of the client's key: the token's {@code cnf.jkt}. */
    public String thumbprint() {
        return key.calculateBase64urlEncodedThumbprint("SHA-256");
    }

    /** {@code cnf} claim binding a token to this client's key. */
    public Map<String, Object> cnf() {
        return Map.of("jkt", thumbprint());
    }

    public static String ath(String accessToken) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A correct proof. */
    public String proof(String method, String htu, String accessToken) {
        return builder(method, htu, accessToken).sign();
    }

    public Builder builder(String method, String htu, String accessToken) {
        return new Builder(method, htu, accessToken);
    }

    /** One proof, correct unless told otherwise. */
    public final class Builder {
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private final Map<String, Object> header = new LinkedHashMap<>();
        private String signingAlg = alg;
        private byte[] hmac;
        private boolean none;
        private PublicJsonWebKey signer = key;

        private Builder(String method, String htu, String accessToken) {
            header.put("typ", "dpop+jwt");
            header.put("alg", alg);
            header.put("jwk", key.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            claims.put("jti", UUID.randomUUID().toString());
            claims.put("htm", method);
            claims.put("htu", htu);
            claims.put("iat", Instant.now().getEpochSecond());
            if (accessToken != null) {
                claims.put("ath", ath(accessToken));
            }
        }

        /** Sets a claim; null removes it. */
        public Builder claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        public Builder iat(Instant iat) {
            return claim("iat", iat.getEpochSecond());
        }

        /** Sets a header; null removes it. */
        public Builder header(String name, Object value) {
            if (value == null) {
                header.remove(name);
            } else {
                header.put(name, value);
            }
            return this;
        }

        /** The jwk header with the private key members too. */
        public Builder withPrivateKeyInJwk() {
            return header("jwk", key.toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
        }

        /** Signed by (and naming in jwk) another key pair. */
        public Builder signedBy(PublicJsonWebKey other, String otherAlg) {
            this.signer = other;
            this.signingAlg = otherAlg;
            header.put("alg", otherAlg);
            header.put("jwk", other.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            return this;
        }

        /** HS256 over a shared secret, with the secret as an {@code oct} jwk. */
        public Builder hmac(byte[] secret) {
            this.hmac = secret;
            header.put("alg", "HS256");
            header.put("jwk", Map.of("kty", "oct", "k", Base64.getUrlEncoder().withoutPadding().encodeToString(secret)));
            return this;
        }

        /** {@code alg: none}, no signature. */
        public Builder none() {
            this.none = true;
            header.put("alg", "none");
            return this;
        }

        public String sign() {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            if (none) {
                return b64.encodeToString(JsonUtil.toJson(header).getBytes(StandardCharsets.UTF_8)) + "."
                        + b64.encodeToString(JsonUtil.toJson(claims).getBytes(StandardCharsets.UTF_8)) + ".";
            }
            try {
                JsonWebSignature jws = new JsonWebSignature();
                jws.setPayload(JsonUtil.toJson(claims));
                for (Map.Entry<String, Object> h : header.entrySet()) {
                    if (h.getValue() instanceof String) {
                        jws.setHeader(h.getKey(), (String) h.getValue());
                    } else {
                        jws.getHeaders().setObjectHeaderValue(h.getKey(), h.getValue());
                    }
                }
                jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
                jws.setKey(hmac != null ? new HmacKey(hmac) : signer.getPrivateKey());
                jws.setDoKeyValidation(false);
                return jws.getCompactSerialization();
            } catch (JoseException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
