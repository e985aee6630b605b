package dev.portcullis.it;

import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The attribute database that every test "node" reads: statuses by subject, a switch that makes
 * every load fail (database down), and an optional gate that holds loads until released.
 * Thread safety: safe for concurrent use.
 */
final class SharedSource {
    static final String ISSUER = "https://issuer.example";

    private final Map<String, PrincipalStatus> statuses = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile boolean down;
    final AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    final AtomicReference<CountDownLatch> entered = new AtomicReference<>();

    SharedSource(Clock clock) {
        this.clock = clock;
    }

    void set(String subject, PrincipalStatus status) {
        statuses.put(subject, status);
    }

    void down(boolean down) {
        this.down = down;
    }

    /** A view for one node (the cache closes its source; this one owns nothing). */
    AttributeSource node() {
        return (issuer, subject) -> {
            CountDownLatch in = entered.get();
            PrincipalStatus status = statuses.getOrDefault(subject, PrincipalStatus.UNKNOWN);
            if (in != null) {
                in.countDown();
            }
            CountDownLatch g = gate.get();
            if (g != null) {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AttributeSourceException("interrupted", e);
                }
            }
            if (down) {
                throw new AttributeSourceException("database down");
            }
            if (status == PrincipalStatus.UNKNOWN) {
                return PrincipalAttributes.unknown(issuer, subject, clock.instant());
            }
            return PrincipalAttributes.builder(issuer, subject).status(status).role("user")
                    .loadedAt(clock.instant()).build();
        };
    }
}
