package dev.portcullis.bench;

import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.token.VerifiedToken;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cold path (token cache disabled: extract, size gate, full verification, claim hygiene) per
 * algorithm, against a plain jose4j {@link JwtConsumer} doing the same checks (algorithm
 * constraint, key, exp, aud, iss, sub) on the same token.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ColdPathBench {
    @Param({"RS256", "PS256", "ES256", "EdDSA", "HS256"})
    public String alg;

    /**
     * The JCA provider Portcullis verifies with ({@code portcullis.crypto.provider}): {@code jdk}, or
     * {@code AmazonCorrettoCryptoProvider} (on the bench class path). jose4j always runs on the JDK.
     */
    @Param({"jdk"})
    public String provider;

    Portcullis engine;
    JwtConsumer raw;
    String token;
    List<String> headers;
    List<String> none = List.of();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        engine = Fixture.engine(Fixture.workDir("cold"), "portcullis.token-cache.enabled", "false",
                "portcullis.crypto.provider", provider);
        token = Fixture.token(alg, "bob");
        headers = List.of("Bearer " + token);
        raw = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg))
                .setVerificationKey(Fixture.verificationKey(alg))
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(30)
                .setExpectedIssuer(alg.equals("HS256") ? Fixture.HMAC_ISSUER : Fixture.ISSUER)
                .setExpectedAudience(Fixture.AUDIENCE)
                .setRequireSubject()
                .build();
        if (portcullis() == null || jose4j() == null) {
            throw new IllegalStateException("token refused");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public VerifiedToken portcullis() throws PortcullisException {
        return engine.authenticate(headers, none);
    }

    @Benchmark
    public JwtClaims jose4j() throws InvalidJwtException {
        return raw.processToClaims(token);
    }
}
