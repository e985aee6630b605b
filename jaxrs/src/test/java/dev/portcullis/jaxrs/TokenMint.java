package dev.portcullis.jaxrs;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test issuer: an RS256 key, its JWKS file, and tokens signed with it (or forged with another key). */
final class TokenMint {
    static final String ISSUER = "https://idp.test/realms/docs";
    static final String AUDIENCE = "docs-api";

    private final String issuer;
    private final RsaJsonWebKey key;
    private final RsaJsonWebKey otherKey;
    private final Path jwksFile;

    TokenMint(Path dir) {
        this(dir, ISSUER);
    }

    /** A mint for another issuer, with its own key; its JWKS file goes to {@code dir}, created if needed. */
    TokenMint(Path dir, String issuer) {
        this.issuer = issuer;
        try {
            Files.createDirectories(dir);
            key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("test-key");
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            otherKey = RsaJwkGenerator.generateJwk(2048);
            otherKey.setKeyId("test-key");
            jwksFile = dir.resolve("jwks.json");
            Files.writeString(jwksFile, jwks(), StandardCharsets.UTF_8);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The public JWKS document. */
    String jwks() {
        return new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    Path jwksFile() {
        return jwksFile;
    }

    String issuer() {
        return issuer;
    }

    /** Engine settings trusting this issuer through the JWKS file. */
    Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("portcullis.issuer", issuer);
        s.put("portcullis.audience", AUDIENCE);
        s.put("portcullis.jwks-file", jwksFile.toString());
        return s;
    }

    /** A valid token of this issuer for {@code subject}, minted for {@code audience}. */
    String tokenFor(String subject, String audience) {
        JwtClaims claims = claims(subject);
        claims.setAudience(audience);
        return sign(key, claims);
    }

    /** A valid token for {@code subject}. */
    String token(String subject) {
        return sign(key, subject, Map.of());
    }

    /** A valid token that also claims roles (which Portcullis must never believe). */
    String tokenClaimingRoles(String subject, List<String> roles) {
        return sign(key, subject, Map.of("groups", roles));
    }

    /** A valid token for {@code subject} with more claims (such as {@code cnf}). */
    String tokenWith(String subject, Map<String, Object> extra) {
        return sign(key, subject, extra);
    }

    /** A token with the right kid signed by a key the issuer never published. */
    String forged(String subject) {
        return sign(otherKey, subject, Map.of());
    }

    /** An OIDC back-channel logout token of this issuer for {@code subject}, addressed to {@code clientId}. */
    String logoutToken(String subject, String clientId) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(clientId);
        claims.setSubject(subject);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(2);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setHeader("typ", "logout+jwt");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token that expired an hour ago. */
    String expired(String subject) {
        JwtClaims claims = claims(subject);
        claims.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 7200));
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 3600));
        return sign(key, claims);
    }

    private String sign(RsaJsonWebKey signer, String subject, Map<String, Object> extra) {
        JwtClaims claims = claims(subject);
        extra.forEach(claims::setClaim);
        return sign(signer, claims);
    }

    private JwtClaims claims(String subject) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(AUDIENCE);
        claims.setSubject(subject);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(10);
        claims.setJwtId(UUID.randomUUID().toString());
        return claims;
    }

    private static String sign(RsaJsonWebKey signer, JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signer.getPrivateKey());
        jws.setKeyIdHeaderValue(signer.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
