package dev.portcullis.cli;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Signed test tokens (jose4j, a generated RSA key) and hand-made malformed ones. */
final class TestTokens {
    private final RsaJsonWebKey key;

    TestTokens() {
        try {
            key = RsaJwkGenerator.generateJwk(2048);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        key.setKeyId("test-key-1");
    }

    String sign(Map<String, Object> claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(claims));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setHeader("typ", "at+jwt");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWKS of the signing key. */
    String publicJwks() {
        return new org.jose4j.jwk.JsonWebKeySet(key).toJson(org.jose4j.jwk.JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** An identity-only claim set valid now (for full verification). */
    static Map<String, Object> currentIdentity() {
        Map<String, Object> c = identity();
        long now = System.currentTimeMillis() / 1000;
        c.put("iat", now);
        c.put("exp", now + 300);
        return c;
    }

    static Map<String, Object> identity() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", "https://idp.example.com/realms/demo");
        c.put("sub", "5b7a0c3e-2f1d-4d8e-9c55-0b1f0c9a1d2e");
        c.put("aud", "orders-api");
        c.put("exp", 1764387600L);
        c.put("iat", 1764387300L);
        c.put("jti", "c0ffee00-1111-2222-3333-444455556666");
        c.put("azp", "orders-web");
        c.put("scope", "openid orders");
        return c;
    }

    static Map<String, Object> keycloak() {
        Map<String, Object> c = identity();
        c.put("typ", "Bearer");
        c.put("realm_access", Map.of("roles",
                List.of("default-roles-demo", "offline_access", "uma_authorization")));
        c.put("resource_access", Map.of("account", Map.of("roles",
                List.of("manage-account", "view-profile"))));
        c.put("email_verified", Boolean.FALSE);
        c.put("name", "Alice Doe");
        c.put("preferred_username", "alice");
        c.put("email", "alice@example.com");
        return c;
    }

    /** Three base64url segments of the given raw header and payload text and a fake signature. */
    static String raw(String header, String payload) {
        return b64(header) + "." + b64(payload) + ".c2lnbmF0dXJl";
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
