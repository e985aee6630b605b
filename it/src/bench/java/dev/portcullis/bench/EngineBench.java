package dev.portcullis.bench;

import dev.portcullis.AccessRequest;
import dev.portcullis.Authorization;
import dev.portcullis.Outcome;
import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.Requirement;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.internal.EngineParts;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.token.internal.BearerTokenExtractor;
import dev.portcullis.token.internal.TokenCache;
import dev.portcullis.token.VerifiedToken;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine's hot path (token cache hit, attribute cache hit, role-rule decision, decision log)
 * against a no-op baseline, its parts, and the oversized-token rejection.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EngineBench {
    Portcullis engine;
    List<String> headers;
    List<String> oversized;
    List<String> none = List.of();
    VerifiedToken who;
    PrincipalAttributes attrs;
    BearerTokenExtractor extractor;
    LegacyExtractor legacyExtractor = new LegacyExtractor();
    TokenCache tokenCache;
    String tokenCopy;
    String headerCopy;
    Requirement readDocument;

    @Setup(Level.Trial)
    public void setUp() throws PortcullisException {
        engine = Fixture.engine(Fixture.workDir("engine"));
        headers = List.of("Bearer " + Fixture.token("RS256", "bob"));
        StringBuilder big = new StringBuilder("Bearer ");
        while (big.length() < 8192 + 7) {
            big.append("abcdefghijklmnopqrstuvwxyz012345");
        }
        oversized = List.of(big.toString());
        extractor = BearerTokenExtractor.builder().build();
        tokenCache = EngineParts.of(engine).tokenCache();
        // an equal but distinct string, as each request brings: equals() compares every character
        tokenCopy = new String(headers.get(0).substring("Bearer ".length()).toCharArray());
        headerCopy = new String(headers.get(0).toCharArray());
        readDocument = Requirement.permission("document", "read", "42", "EngineBench#hotPath");
        who = engine.authenticate(headers, none);
        attrs = engine.admit(who, "GET", "/api/documents/42");
        if (!hotPath().isAdmitted()) {
            throw new IllegalStateException("the hot path must admit: " + hotPath());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    /** What any request costs anyway: reading the header list. */
    @Benchmark
    public int baseline() {
        return headers.get(0).length();
    }

    /**
     * One request through the engine's entry point ({@code decide}: token, principal and policy
     * decision, everything cached, decision logged): the per-request cost of Portcullis.
     */
    @Benchmark
    public Outcome hotPath() {
        return engine.decide(AccessRequest.builder("GET", "/api/documents/42")
                .authorization(headers)
                .requirement(readDocument)
                .build());
    }

    /** The steps composed by hand, as the adapters did before {@code decide}: authenticate + admit + authorize. */
    @Benchmark
    public Authorization stepsByHand() throws PortcullisException {
        VerifiedToken t = engine.authenticate(headers, none);
        PrincipalAttributes a = engine.admit(t, "GET", "/api/documents/42");
        return engine.authorize(t, a, "document", "42", "read", "GET", "/api/documents/42");
    }

    @Benchmark
    public VerifiedToken authenticateCached() throws PortcullisException {
        return engine.authenticate(headers, none);
    }

    /** The token cache lookup alone: hash over the signature tail, full equals, expiry check. */
    @Benchmark
    public VerifiedToken tokenCacheHit() {
        return tokenCache.get(tokenCopy);
    }

    /**
     * The lookup the engine makes first: in place in the header (no copy), hashing the signature
     * tail, comparing every character.
     */
    @Benchmark
    public VerifiedToken tokenCacheHitInPlace() {
        return tokenCache.hit(headerCopy, "Bearer ".length());
    }

    @Benchmark
    public String extractOnly() throws PortcullisException {
        return extractor.extract(headers, none);
    }

    /** The extraction before issue 19's fast scan (a copy of that code), measured in the same run. */
    @Benchmark
    public String extractBeforeIssue19() throws PortcullisException {
        return legacyExtractor.extract(headers);
    }

    @Benchmark
    public PrincipalAttributes admitCached() throws PortcullisException {
        return engine.admit(who, "GET", "/api/documents/42");
    }

    @Benchmark
    public Authorization authorizeOnly() throws PortcullisException {
        return engine.authorize(who, attrs, "document", "42", "read", "GET", "/api/documents/42");
    }

    /** What the engine did per request before PrincipalContext reuse. */
    @Benchmark
    public PrincipalContext principalContextRebuilt() {
        return PrincipalContext.of(who.subject(), attrs.roles(), attrs.attributes());
    }

    /** An 8 KiB token is refused by the size gate, before any decoding. */
    @Benchmark
    public Object oversizedRejected() {
        try {
            return extractor.extract(oversized, none);
        } catch (PortcullisException e) {
            return e.reason();
        }
    }
}
