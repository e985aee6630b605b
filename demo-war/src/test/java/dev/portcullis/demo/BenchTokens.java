package dev.portcullis.demo;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Keys and tokens for the HTTP benchmarks in {@code it/bench} (bench tooling, not part of the demo
 * WAR): an RSA 2048, an EC P-256 and an Ed25519 key with their public JWKS, and per algorithm a file
 * of distinct tokens of the demo's issuer and audience for the seeded users, plus a file of invalid
 * tokens (bad signature, expired, wrong audience, garbage).
 *
 * <pre>{@code java ... dev.portcullis.demo.BenchTokens OUT_DIR COUNT TTL_SECONDS}</pre>
 */
public final class BenchTokens {
    private static final String[] USERS = {"alice", "bob", "carol", "dave"};

    private BenchTokens() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        long ttl = Long.parseLong(args[2]);
        PublicJsonWebKey rsa = RsaJwkGenerator.generateJwk(2048);
        rsa.setKeyId("bench-rsa");
        PublicJsonWebKey ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        ec.setKeyId("bench-ec");
        PublicJsonWebKey ed = OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
        ed.setKeyId("bench-ed");
        List<JsonWebKey> publics = new ArrayList<>();
        for (PublicJsonWebKey k : List.of(rsa, ec, ed)) {
            publics.add(PublicJsonWebKey.Factory.newPublicJwk(k.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
        }
        Files.writeString(out.resolve("jwks.json"), new JsonWebKeySet(publics).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        Object[][] algs = {{"RS256", rsa}, {"ES256", ec}, {"EdDSA", ed}};
        for (Object[] a : algs) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < count; i++) {
                lines.append(sign((String) a[0], (PublicJsonWebKey) a[1], USERS[i % USERS.length], ttl,
                        DevIssuerServlet.AUDIENCE)).append('\n');
            }
            Files.writeString(out.resolve("tokens-" + a[0] + ".txt"), lines, StandardCharsets.US_ASCII);
        }
        // one line per user, for the mixed traffic of the soak run
        StringBuilder users = new StringBuilder();
        for (String u : USERS) {
            users.append(sign("ES256", ec, u, ttl, DevIssuerServlet.AUDIENCE)).append('\n');
        }
        Files.writeString(out.resolve("tokens-users.txt"), users, StandardCharsets.US_ASCII);
        String good = sign("RS256", rsa, "alice", ttl, DevIssuerServlet.AUDIENCE);
        String invalid = good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBA" : "AAAA") + "\n"
                + sign("RS256", rsa, "alice", -120, DevIssuerServlet.AUDIENCE) + "\n"
                + sign("ES256", ec, "bob", ttl, "someone-else") + "\n"
                + "not-a-token\n";
        Files.writeString(out.resolve("tokens-invalid.txt"), invalid, StandardCharsets.US_ASCII);
    }

    private static String sign(String alg, PublicJsonWebKey key, String sub, long ttlSeconds, String audience) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(DevIssuerServlet.ISSUER);
        claims.setAudience(audience);
        claims.setSubject(sub);
        long now = System.currentTimeMillis() / 1000;
        claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(ttlSeconds < 0 ? now + ttlSeconds - 60 : now));
        claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(now + ttlSeconds));
        claims.setJwtId(UUID.randomUUID().toString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg.equals("EdDSA") ? AlgorithmIdentifiers.EDDSA : alg);
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }
}
