package dev.portcullis.bench;

import dev.portcullis.AccessRequest;
import dev.portcullis.Outcome;
import dev.portcullis.Portcullis;
import dev.portcullis.Requirement;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What a DPoP proof costs per request (issue 20), against the bearer path in the same run: one
 * {@code decide} with the access token cached and the principal cached, once as {@code Bearer}
 * and once as {@code DPoP} with a fresh proof (made outside the measurement, per invocation: a
 * proof is single-use, so it can never be cached). The proof's algorithm is the parameter; the
 * access token is RS256 either way.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class DpopBench {
    private static final String URL = "https://api.example.com/api/documents/42";

    @Param({"ES256", "RS256", "EdDSA"})
    public String alg;

    Portcullis engine;
    PublicJsonWebKey clientKey;
    String boundToken;
    List<String> bearer;
    List<String> dpop;
    Requirement readDocument;

    /** A fresh proof for each invocation of {@link #dpopHotPath}. */
    @State(Scope.Thread)
    public static class Proof {
        List<String> header;

        @Setup(Level.Invocation)
        public void make(DpopBench bench) {
            header = List.of(bench.proof());
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        engine = Fixture.engine(Fixture.workDir("dpop-" + alg), "portcullis.issuers.asym.dpop-mode", "allowed");
        clientKey = alg.equals("ES256") ? EcJwkGenerator.generateJwk(EllipticCurves.P256)
                : alg.equals("RS256") ? RsaJwkGenerator.generateJwk(2048)
                : OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
        boundToken = token(Map.of("jkt", clientKey.calculateBase64urlEncodedThumbprint("SHA-256")));
        bearer = List.of("Bearer " + Fixture.token("RS256", "bob"));
        dpop = List.of("DPoP " + boundToken);
        readDocument = Requirement.permission("document", "read", "42", "DpopBench");
        if (!bearerHotPath().isAdmitted()) {
            throw new IllegalStateException("the bearer path must admit: " + bearerHotPath());
        }
        Proof p = new Proof();
        p.make(this);
        Outcome o = dpopHotPath(p);
        if (!o.isAdmitted()) {
            throw new IllegalStateException("the DPoP path must admit: " + o);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    private static String token(Map<String, Object> cnf) throws JoseException {
        JwtClaims c = new JwtClaims();
        c.setIssuer(Fixture.ISSUER);
        c.setAudience(Fixture.AUDIENCE);
        c.setSubject("bob");
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(55);
        c.setJwtId(UUID.randomUUID().toString());
        c.setClaim("cnf", cnf);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setAlgorithmHeaderValue("RS256");
        jws.setKey(Fixture.RSA.getPrivateKey());
        jws.setKeyIdHeaderValue(Fixture.RSA.getKeyId());
        return jws.getCompactSerialization();
    }

    String proof() {
        try {
            JwtClaims c = new JwtClaims();
            c.setJwtId(UUID.randomUUID().toString());
            c.setClaim("htm", "GET");
            c.setClaim("htu", URL);
            c.setIssuedAtToNow();
            c.setClaim("ath", Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest
                    .getInstance("SHA-256").digest(boundToken.getBytes(StandardCharsets.US_ASCII))));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(c.toJson());
            jws.setAlgorithmHeaderValue(alg);
            jws.setHeader("typ", "dpop+jwt");
            jws.getHeaders().setObjectHeaderValue("jwk", clientKey.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            jws.setKey(clientKey.getPrivateKey());
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bearer path: decide, token and principal cached, role-rule decision, decision logged. */
    @Benchmark
    public Outcome bearerHotPath() {
        return engine.decide(AccessRequest.builder("GET", "/api/documents/42").url(URL)
                .authorization(bearer).requirement(readDocument).build());
    }

    /** The same with the token bound to a key and presented with a fresh DPoP proof. */
    @Benchmark
    public Outcome dpopHotPath(Proof proof) {
        return engine.decide(AccessRequest.builder("GET", "/api/documents/42").url(URL)
                .authorization(dpop).dpop(proof.header).requirement(readDocument).build());
    }
}
