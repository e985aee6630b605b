package dev.portcullis.bench;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keys, tokens and engines shared by the benchmarks: one asymmetric issuer (RSA, EC P-256, Ed25519
 * keys in a JWKS file), one HMAC issuer, file attributes and the demo policies of the filter tests.
 */
final class Fixture {
    static final String ISSUER = "https://issuer.bench";
    static final String HMAC_ISSUER = "https://hmac.bench";
    static final String AUDIENCE = "api";
    static final byte[] SECRET = "bench-secret-bench-secret-bench-secret-0123456789".getBytes(StandardCharsets.US_ASCII);

    static final PublicJsonWebKey RSA = generate("RSA");
    static final PublicJsonWebKey EC = generate("EC");
    static final PublicJsonWebKey ED = generate("OKP");

    private Fixture() {
    }

    private static PublicJsonWebKey generate(String type) {
        try {
            PublicJsonWebKey k;
            switch (type) {
                case "RSA":
                    k = RsaJwkGenerator.generateJwk(2048);
                    break;
                case "EC":
                    k = EcJwkGenerator.generateJwk(EllipticCurves.P256);
                    break;
                default:
                    k = OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
            }
            k.setKeyId(type.toLowerCase(java.util.Locale.ROOT) + "-1");
            return k;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The verification key for {@code alg}. */
    static Key verificationKey(String alg) {
        switch (alg) {
            case "RS256":
            case "PS256":
                return RSA.getPublicKey();
            case "ES256":
                return EC.getPublicKey();
            case "EdDSA":
                return ED.getPublicKey();
            case "HS256":
                return new HmacKey(SECRET);
            default:
                throw new IllegalArgumentException(alg);
        }
    }

    /** A typical access token (about 800 characters for RS256) for {@code subject}. */
    static String token(String alg, String subject) {
        try {
            JwtClaims c = new JwtClaims();
            c.setIssuer(alg.equals("HS256") ? HMAC_ISSUER : ISSUER);
            c.setAudience(AUDIENCE);
            c.setSubject(subject);
            c.setIssuedAtToNow();
            c.setExpirationTimeMinutesInTheFuture(55);
            c.setJwtId(UUID.randomUUID().toString());
            c.setClaim("azp", "bench-client");
            c.setClaim("sid", UUID.randomUUID().toString());
            c.setClaim("auth_time", System.currentTimeMillis() / 1000 - 60);
            c.setClaim("client_id", "bench-client");
            c.setClaim("acr", "1");
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(c.toJson());
            jws.setAlgorithmHeaderValue(alg);
            jws.setHeader("typ", "JWT");
            switch (alg) {
                case "RS256":
                case "PS256":
                    jws.setKey(RSA.getPrivateKey());
                    jws.setKeyIdHeaderValue(RSA.getKeyId());
                    break;
                case "ES256":
                    jws.setKey(EC.getPrivateKey());
                    jws.setKeyIdHeaderValue(EC.getKeyId());
                    break;
                case "EdDSA":
                    jws.setKey(ED.getPrivateKey());
                    jws.setKeyIdHeaderValue(ED.getKeyId());
                    break;
                default:
                    jws.setKey(new HmacKey(SECRET));
            }
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The repository's demo policies (filter/src/test/resources/policies/demo), found from the working directory. */
    static Path demoPolicies() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("filter/src/test/resources/policies/demo");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("demo policies not found above " + dir);
    }

    /** Settings of a complete engine: both issuers, file attributes for {@code subjects}, demo policies. */
    static Map<String, String> settings(Path work, String... extra) {
        try {
            Files.createDirectories(work);
            List<JsonWebKey> publics = new ArrayList<>();
            for (PublicJsonWebKey k : List.of(RSA, EC, ED)) {
                publics.add(PublicJsonWebKey.Factory.newPublicJwk(k.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
            }
            Path jwks = Files.writeString(work.resolve("jwks.json"),
                    new JsonWebKeySet(publics).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            StringBuilder yaml = new StringBuilder("principals:\n");
            for (String[] p : new String[][] {{"bob", "viewer"}, {"carol", "user"}, {"alice", "admin"}}) {
                for (String iss : List.of(ISSUER, HMAC_ISSUER)) {
                    yaml.append("  - issuer: ").append(iss).append("\n    subject: ").append(p[0])
                            .append("\n    roles: [").append(p[1]).append("]\n    attributes:\n      department: sales\n");
                }
            }
            Path attrs = Files.writeString(work.resolve("principals.yaml"), yaml.toString());
            Map<String, String> m = new HashMap<>();
            m.put("portcullis.issuers", "asym,hmac");
            m.put("portcullis.issuers.asym.issuer", ISSUER);
            m.put("portcullis.issuers.asym.audience", AUDIENCE);
            m.put("portcullis.issuers.asym.jwks-file", jwks.toString());
            m.put("portcullis.issuers.asym.algorithms", "RS256,PS256,ES256,EdDSA");
            m.put("portcullis.issuers.hmac.issuer", HMAC_ISSUER);
            m.put("portcullis.issuers.hmac.audience", AUDIENCE);
            m.put("portcullis.issuers.hmac.hmac-secret", new String(SECRET, StandardCharsets.US_ASCII));
            m.put("portcullis.issuers.hmac.algorithms", "HS256");
            m.put("portcullis.attributes.source", "file");
            m.put("portcullis.attributes.file", attrs.toString());
            m.put("portcullis.policy.dir", demoPolicies().toString());
            // the JDK unless a benchmark names the native provider (the bench class path has it)
            m.put("portcullis.crypto.provider", "jdk");
            for (int i = 0; i < extra.length; i += 2) {
                m.put(extra[i], extra[i + 1]);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    static Portcullis engine(Path work, String... extra) {
        return Portcullis.fromSettings(Settings.of(settings(work, extra)));
    }

    static Path workDir(String name) {
        try {
            return Files.createTempDirectory("portcullis-bench-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
