package dev.portcullis.testing;

import org.jose4j.base64url.Base64Url;
import org.jose4j.jca.ProviderContext;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jwa.CryptoPrimitive;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A fluent builder that mints compact JWS tokens for tests, valid by default and bendable in any
 * direction: any algorithm, key, header or claim, claims removed, and raw header or payload JSON
 * for malformed cases.
 *
 * <p>Defaults: issuer {@value #ISSUER}, audience {@value #AUDIENCE}, subject {@value #SUBJECT},
 * {@code iat} = now, {@code exp} = now + 10 minutes, a random {@code jti}, the {@code kid} of the
 * signing key. "Now" is {@link Instant#now()} unless {@link Builder#at(Instant)} is given.
 *
 * <pre>{@code
 * String ok = Tokens.signedWith(TestKeys.rsa()).sign();
 * String expired = Tokens.signedWith(TestKeys.ec()).at(clock.instant()).expiresIn(Duration.ofSeconds(-60)).sign();
 * String none = Tokens.signedWith(TestKeys.rsa()).rawHeader("{\"alg\":\"none\"}").emptySignature().sign();
 * }</pre>
 *
 * <p>Thread safety: builders are not thread-safe; {@link #signedWith} may be called from any thread.
 */
public final class Tokens {
    public static final String ISSUER = "https://issuer.test";
    public static final String AUDIENCE = "api";
    public static final String SUBJECT = "alice";

    private Tokens() {
    }

    /** A token signed with {@code key}, with the algorithm its type suggests (RS256, ES256, EdDSA). */
    public static Builder signedWith(PublicJsonWebKey key) {
        return new Builder(key.getPrivateKey(), defaultAlgorithm(key), key.getKeyId());
    }

    /** An HS256 token signed with {@code secret}, without a kid. */
    public static Builder hmac(byte[] secret) {
        return new Builder(new HmacKey(secret), AlgorithmIdentifiers.HMAC_SHA256, null);
    }

    /** A token signed with any key (e.g. an {@link HmacKey} over public key bytes). */
    public static Builder signedWith(Key key, String alg) {
        return new Builder(key, alg, null);
    }

    private static String defaultAlgorithm(PublicJsonWebKey key) {
        switch (key.getKeyType()) {
            case "RSA":
                return AlgorithmIdentifiers.RSA_USING_SHA256;
            case "EC":
                return AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
            case "OKP":
                return AlgorithmIdentifiers.EDDSA;
            default:
                throw new IllegalArgumentException("no default algorithm for " + key.getKeyType());
        }
    }

    /** Base64url without padding of UTF-8 text. */
    public static String b64(String text) {
        return Base64Url.encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Base64url without padding. */
    public static String b64(byte[] bytes) {
        return Base64Url.encode(bytes);
    }

    /** The decoded header JSON of a compact token. */
    public static String header(String token) {
        return new String(Base64Url.decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
    }

    /**
     * Builds one token.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final Key key;
        private String alg;
        private final Map<String, Object> header = new LinkedHashMap<>();
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private Instant now;
        private Duration lifetime = Duration.ofMinutes(10);
        private boolean iatSet;
        private boolean expSet;
        private String rawHeader;
        private String rawPayload;
        private String signature;

        private Builder(Key key, String alg, String kid) {
            this.key = key;
            this.alg = alg;
            if (kid != null) {
                header.put("kid", kid);
            }
            claims.put("iss", ISSUER);
            claims.put("aud", AUDIENCE);
            claims.put("sub", SUBJECT);
            claims.put("jti", UUID.randomUUID().toString());
        }

        /** The time the token is minted at (default {@link Instant#now()}). */
        public Builder at(Instant now) {
            this.now = now;
            return this;
        }

        /** The {@code alg} header and signing algorithm. */
        public Builder alg(String alg) {
            this.alg = alg;
            return this;
        }

        public Builder kid(String kid) {
            return header("kid", kid);
        }

        public Builder noKid() {
            header.remove("kid");
            return this;
        }

        public Builder typ(String typ) {
            return header("typ", typ);
        }

        /** Sets a header parameter; {@code null} removes it. */
        public Builder header(String name, Object value) {
            if (value == null) {
                header.remove(name);
            } else {
                header.put(name, value);
            }
            return this;
        }

        public Builder issuer(String iss) {
            return claim("iss", iss);
        }

        public Builder subject(String sub) {
            return claim("sub", sub);
        }

        /** One audience as a string, several as an array. */
        public Builder audience(String... aud) {
            return claim("aud", aud.length == 1 ? aud[0] : Arrays.asList(aud));
        }

        /** Sets a claim; {@code null} removes it (use {@link #rawPayload} for an explicit JSON null). */
        public Builder claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            if (name.equals("iat")) {
                iatSet = true;
            } else if (name.equals("exp")) {
                expSet = true;
            }
            return this;
        }

        /** Removes claims, including the default {@code iat} and {@code exp}. */
        public Builder without(String... names) {
            for (String n : names) {
                claim(n, null);
            }
            return this;
        }

        public Builder issuedAt(Instant iat) {
            return claim("iat", iat.getEpochSecond());
        }

        public Builder expiresAt(Instant exp) {
            return claim("exp", exp.getEpochSecond());
        }

        public Builder notBefore(Instant nbf) {
            return claim("nbf", nbf.getEpochSecond());
        }

        /** {@code exp} = now + lifetime (default 10 minutes; negative for expired tokens). */
        public Builder expiresIn(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        /** The exact header JSON, replacing every header parameter (and {@link #alg}). */
        public Builder rawHeader(String json) {
            this.rawHeader = json;
            return this;
        }

        /** The exact payload text, replacing every claim. */
        public Builder rawPayload(String text) {
            this.rawPayload = text;
            return this;
        }

        /** Replaces the signature segment with {@code base64url}. */
        public Builder signature(String base64url) {
            this.signature = base64url;
            return this;
        }

        /** An empty signature segment (as with {@code alg: none}). */
        public Builder emptySignature() {
            return signature("");
        }

        /** The claims as they will be signed (with iat and exp filled in). */
        public Map<String, Object> claims() {
            Map<String, Object> out = new LinkedHashMap<>(claims);
            Instant t = now != null ? now : Instant.now();
            if (!iatSet) {
                out.put("iat", t.getEpochSecond());
            }
            if (!expSet) {
                out.put("exp", t.plus(lifetime).getEpochSecond());
            }
            return out;
        }

        /** The compact serialisation. */
        public String sign() {
            try {
                String payload = rawPayload != null ? rawPayload : JsonUtil.toJson(claims());
                String token;
                if (rawHeader == null) {
                    JsonWebSignature jws = new JsonWebSignature();
                    jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
                    jws.setDoKeyValidation(false);
                    jws.setAlgorithmHeaderValue(alg);
                    for (Map.Entry<String, Object> h : header.entrySet()) {
                        jws.getHeaders().setObjectHeaderValue(h.getKey(), h.getValue());
                    }
                    jws.setPayload(payload);
                    jws.setKey(key);
                    token = jws.getCompactSerialization();
                } else {
                    String input = b64(rawHeader) + "." + b64(payload);
                    token = input + "." + rawSign(input);
                }
                if (signature != null) {
                    token = token.substring(0, token.lastIndexOf('.') + 1) + signature;
                }
                return token;
            } catch (JoseException e) {
                throw new IllegalStateException("cannot sign test token: " + e.getMessage(), e);
            }
        }

        private String rawSign(String input) throws JoseException {
            if (alg == null || alg.equals("none")) {
                return "";
            }
            JsonWebSignatureAlgorithm a = AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(alg);
            CryptoPrimitive cp = a.prepareForSign(key, new ProviderContext());
            return b64(a.sign(cp, input.getBytes(StandardCharsets.US_ASCII)));
        }
    }

    /** A list of every default-allowed asymmetric algorithm with its shared test key. */
    public static List<Map.Entry<String, PublicJsonWebKey>> allDefaultAlgorithms() {
        return List.of(
                Map.entry("RS256", TestKeys.rsa()),
                Map.entry("PS256", TestKeys.rsa()),
                Map.entry("ES256", TestKeys.ec()),
                Map.entry("EdDSA", TestKeys.ed25519()));
    }
}
