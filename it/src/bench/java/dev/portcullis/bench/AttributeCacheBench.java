package dev.portcullis.bench;

import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.attributes.internal.AttributesUnavailableException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.PrincipalStatus;

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

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** An attribute cache hit (Ehcache heap tier) beside a plain ConcurrentHashMap lookup of the same value. */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class AttributeCacheBench {
    AttributeCache cache;
    ConcurrentHashMap<PrincipalKey, PrincipalAttributes> map;
    String issuer = Fixture.ISSUER;
    String subject = "bob";

    @Setup(Level.Trial)
    public void setUp() throws AttributesUnavailableException {
        Clock clock = Clock.systemUTC();
        cache = AttributeCache.builder().clock(clock).source((iss, sub) -> PrincipalAttributes.builder(iss, sub)
                .status(PrincipalStatus.ACTIVE).roles(Set.of("viewer")).attribute("department", "sales")
                .loadedAt(clock.instant()).build()).build();
        map = new ConcurrentHashMap<>();
        for (int i = 0; i < 1000; i++) {
            cache.get(issuer, "user" + i);
            map.put(PrincipalKey.of(issuer, "user" + i), cache.get(issuer, "user" + i));
        }
        map.put(PrincipalKey.of(issuer, subject), cache.get(issuer, subject));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cache.close();
    }

    @Benchmark
    public PrincipalAttributes attributeCacheHit() throws AttributesUnavailableException {
        return cache.get(issuer, subject);
    }

    @Benchmark
    public PrincipalAttributes concurrentHashMapHit() {
        return map.get(PrincipalKey.of(issuer, subject));
    }
}
