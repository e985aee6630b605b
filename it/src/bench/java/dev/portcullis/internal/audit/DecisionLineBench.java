package dev.portcullis.internal.audit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The decision log writer's work per record: the full-path demo's line (an allowed read of a
 * document, 470 characters) appended to the writer's reused buffer ({@code appendJson}), against
 * the former writer in the same run ({@code toJsonByMap}: a map through jose4j's JSON writer).
 * Issue 19 traced the writer thread at 3.6 µs of CPU per request of the full path; this isolates
 * the formatting part of it. In this package because the writer's methods are package-private.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2)
@State(Scope.Benchmark)
public class DecisionLineBench {
    final DecisionRecord record = DecisionRecord.builder(Instant.parse("2026-12-02T03:22:30.537994417Z"),
                    "e3cd3265-1ec5o")
            .request("GET", "/api/documents/1")
            .principal("urn:portcullis:demo:dev-issuer", "alice", "e3865ed1-1ef8-496f-8b5e-70385d4ffc46")
            .resource("document", "1", "read")
            .effect("ALLOW", null)
            .rule("resource.document.vdefault", "read", List.of())
            .attributes("1", 9996)
            .latencyMicros(0)
            .build();
    final StringBuilder buffer = new StringBuilder(1024);

    @Benchmark
    public int appendJson() {
        buffer.setLength(0);
        record.appendJson(buffer);
        return buffer.length();
    }

    @Benchmark
    public String toJsonByMap() {
        return record.toJsonByMap();
    }
}
