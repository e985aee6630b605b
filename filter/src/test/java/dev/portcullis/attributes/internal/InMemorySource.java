package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real, in-memory attribute store for cache tests: principals in a map, a switch that makes
 * the store fail, a count of loads, and an optional gate a load waits at after reading (so a test
 * can hold a load in flight with data read before a change).
 */
final class InMemorySource implements AttributeSource {
    static final String ISSUER = "https://idp.example";

    private final Clock clock;
    private final Map<PrincipalKey, PrincipalStatus> statuses = new ConcurrentHashMap<>();
    private final Map<PrincipalKey, String> departments = new ConcurrentHashMap<>();
    final AtomicInteger loads = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    final CountDownLatch firstLoadStarted = new CountDownLatch(1);
    volatile boolean closed;

    InMemorySource(Clock clock) {
        this.clock = clock;
    }

    InMemorySource put(String subject, PrincipalStatus status, String department) {
        PrincipalKey key = PrincipalKey.of(ISSUER, subject);
        departments.put(key, department);
        statuses.put(key, status);
        return this;
    }

    void setStatus(String subject, PrincipalStatus status) {
        statuses.put(PrincipalKey.of(ISSUER, subject), status);
    }

    @Override
    public PrincipalAttributes load(String issuer, String subject) throws AttributeSourceException {
        loads.incrementAndGet();
        if (failing.get()) {
            throw new AttributeSourceException("store is down");
        }
        PrincipalKey key = PrincipalKey.of(issuer, subject);
        PrincipalStatus status = statuses.get(key);
        PrincipalAttributes answer = status == null
                ? PrincipalAttributes.unknown(issuer, subject, clock.instant())
                : PrincipalAttributes.builder(key).status(status).role("user")
                        .attribute("department", departments.get(key)).loadedAt(clock.instant()).build();
        firstLoadStarted.countDown();
        CountDownLatch g = gate.get();
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AttributeSourceException("interrupted");
            }
        }
        return answer;
    }

    @Override
    public void close() {
        closed = true;
    }
}
