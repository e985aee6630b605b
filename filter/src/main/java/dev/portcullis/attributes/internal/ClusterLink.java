package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.ehcache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a clustered {@link AttributeCache} knows about its link to the Terracotta cluster: whether
 * the cluster is reachable, the revocations shared with other nodes, and the revocations and
 * evictions this node made while it could not share them.
 *
 * <p>The link is <em>online</em> until a cluster operation fails ({@link #failed}); from then on
 * the cache touches no clustered cache on a request thread except its own heap tier, so that no
 * request waits for cluster timeouts one after another. While offline, {@link #checkSoon} (called
 * on requests) starts at most one check per second on a background thread: a read and a write of a
 * probe key in both clustered caches, then the pending revocations and evictions are written to
 * the cluster (the {@code drop} callback drops the principal's entry) and the link is online again.
 * Every change of state calls the {@code onChange} callback (the cache empties its
 * {@link OutageEntries}) and moves the {@linkplain #epoch() epoch} on.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class ClusterLink implements AutoCloseable {
    /** Marks a pending eviction (not a revocation) in {@link #pending}. */
    static final Revocation EVICTION = new Revocation(Long.MIN_VALUE, 0);

    private static final Logger LOG = LoggerFactory.getLogger(AttributeCache.class);
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String PROBE_ISSUER = "urn:portcullis:cluster-probe";

    private final Cache<PrincipalKey, Revocation> revocations;
    private final long timeoutNanos;
    private final Clock clock;
    /** Drops a principal's entry from the clustered attributes tier; throws if the cluster fails. */
    private final Consumer<PrincipalKey> drop;
    /** Reads and removes a key in the attributes tier (Ehcache reconnects it); throws if not back. */
    private final Consumer<PrincipalKey> probe;
    private final Runnable onChange;
    private final PrincipalKey probeKey = PrincipalKey.of(PROBE_ISSUER, UUID.randomUUID().toString());
    /** Revocations and evictions this node could not write to the cluster yet. */
    private final ConcurrentHashMap<PrincipalKey, Revocation> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final LongAdder failures = new LongAdder();
    private final ExecutorService checker;
    private volatile boolean online = true;
    private volatile long epoch;
    private volatile long lastCheck = System.nanoTime() - CHECK_INTERVAL_NANOS;

    ClusterLink(Cache<PrincipalKey, Revocation> revocations, Duration timeout, Clock clock,
            Consumer<PrincipalKey> drop, Consumer<PrincipalKey> probe, Runnable onChange) {
        this.revocations = revocations;
        this.timeoutNanos = timeout.toNanos();
        this.clock = clock;
        this.drop = drop;
        this.probe = probe;
        this.onChange = onChange;
        this.checker = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1), r -> {
            Thread t = new Thread(r, "portcullis-cluster-check");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether the last cluster operation (or check) succeeded. */
    boolean online() {
        return online;
    }

    /** Moves on at every change between online and offline. */
    long epoch() {
        return epoch;
    }

    /** Cluster operations that failed. */
    long failures() {
        return failures.sum();
    }

    /** A cluster operation failed: the link is offline until a check succeeds. */
    void failed(String what, RuntimeException e) {
        failures.increment();
        boolean changed;
        synchronized (this) {
            changed = online;
            if (changed) {
                online = false;
                epoch++;
                lastCheck = System.nanoTime(); // the next check a second from now
            }
        }
        if (changed) {
            onChange.run();
            LOG.warn("The attribute cluster is unreachable ({}); serving only the principals this node holds, "
                    + "reloaded from the store past their TTL, until it is reachable again", what, e);
        } else {
            LOG.debug("The attribute cluster is still unreachable ({})", what, e);
        }
    }

    /** While offline: starts a check in the background if none ran for a second; never waits. */
    void checkSoon() {
        if (online || System.nanoTime() - lastCheck < CHECK_INTERVAL_NANOS || !checking.compareAndSet(false, true)) {
            return;
        }
        lastCheck = System.nanoTime();
        try {
            checker.execute(this::check);
        } catch (RejectedExecutionException e) {
            checking.set(false); // closed
        }
    }

    /** The latest revocation of {@code key} on any node, or null; throws if the cluster fails. */
    Revocation revocationOf(PrincipalKey key) {
        long started = System.nanoTime();
        Revocation r = revocations.get(key);
        if (r == null && missTimedOut(started)) {
            throw new IllegalStateException("reading a revocation from the attribute cluster timed out");
        }
        return r;
    }

    /**
     * Whether a clustered read that found nothing, started at {@code startedNanos}, took the
     * cluster timeout: Ehcache 3.11 answers a clustered read that timed out as a miss (only writes
     * throw), so such a miss is a failure, not an answer.
     */
    boolean missTimedOut(long startedNanos) {
        return System.nanoTime() - startedNanos >= timeoutNanos - timeoutNanos / 10;
    }

    /** Writes the revocation to the cluster; false (and offline) if that failed. */
    boolean share(PrincipalKey key, Revocation revocation) {
        try {
            revocations.put(key, revocation);
            return true;
        } catch (RuntimeException e) {
            failed("sharing a revocation", e);
            return false;
        }
    }

    /** Remembers a revocation or eviction ({@link #EVICTION}) to write when the cluster is back. */
    void hold(PrincipalKey key, Revocation revocation) {
        pending.put(key, revocation);
        if (online) {
            // a check finished meanwhile and may have missed this one: write it now
            try {
                write(key, revocation);
            } catch (RuntimeException e) {
                failed("sharing a revocation", e);
            }
        }
    }

    /** Whether a revocation or eviction of {@code key} waits to be written to the cluster. */
    boolean holds(PrincipalKey key) {
        return !pending.isEmpty() && pending.containsKey(key);
    }

    /** Stops the background checks. */
    @Override
    public void close() {
        checker.shutdownNow();
    }

    private void write(PrincipalKey key, Revocation revocation) {
        if (revocation != EVICTION) {
            revocations.put(key, revocation);
        }
        drop.accept(key);
        pending.remove(key, revocation);
    }

    private void check() {
        try {
            long now = clock.millis();
            try {
                // Read first: with Ehcache 3.11 a read notices a lost connection and starts the
                // reconnection, while a strongly consistent write on a disconnected tier only fails.
                // both managers: each has its own connection, and Ehcache reconnects one only
                // when it is used
                probe.accept(probeKey);
                revocationOf(probeKey);
                revocations.put(probeKey, new Revocation(now, 0));
                for (Map.Entry<PrincipalKey, Revocation> e : pending.entrySet()) {
                    write(e.getKey(), e.getValue());
                }
            } catch (RuntimeException e) {
                failures.increment();
                LOG.debug("The attribute cluster is still unreachable (checking)", e);
                return;
            }
            synchronized (this) {
                if (online) {
                    return;
                }
                online = true;
                epoch++;
            }
            onChange.run();
            LOG.info("The attribute cluster is reachable again");
        } finally {
            lastCheck = System.nanoTime();
            checking.set(false);
        }
    }
}
