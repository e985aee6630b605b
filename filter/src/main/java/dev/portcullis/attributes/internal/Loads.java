package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.internal.LogText;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loads of an {@link AttributeCache}: single flight per principal, a bounded pool of loader
 * threads, and a bounded wait.
 * <ul>
 *   <li><b>Single flight.</b> Concurrent misses for one principal share one {@link Flight}; other
 *       principals load in parallel on at most {@code threads} loader threads, with at most
 *       {@code queue} loads waiting (beyond that a load fails at once).</li>
 *   <li><b>Timeout.</b> A flight that has not answered within its timeout fails for everyone
 *       waiting on it; its thread is interrupted and its late answer is discarded (the load
 *       stores nothing once its flight is done).</li>
 *   <li><b>Detaching.</b> An invalidation {@linkplain #detach detaches} the principal's flight, so
 *       that the next miss starts a new load instead of joining one that may have read old data.</li>
 * </ul>
 * What a load does is the caller's ({@code load} in {@link #flightFor}); it completes the flight.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class Loads {
    private static final Logger LOG = LoggerFactory.getLogger(AttributeCache.class);
    /** How long {@link #close()} waits for the loader threads. */
    private static final long CLOSE_WAIT_MILLIS = 2000;

    private final ThreadPoolExecutor loader;
    /**
     * Times loads out. Not {@code CompletableFuture.orTimeout}: its JDK-wide timer thread, started by
     * the first caller, would keep that caller's web application class loader for the life of the JVM.
     */
    private final ScheduledThreadPoolExecutor timeouts;
    private final ConcurrentHashMap<PrincipalKey, Flight> inFlight = new ConcurrentHashMap<>();
    private final Generations generations;
    private final Counters counters;
    /** The load timeout as configured, for the log. */
    private final Duration loadTimeout;
    /** How long a get waits for a load: the load timeout, plus one cluster timeout if clustered. */
    private final long flightTimeoutNanos;

    Loads(int threads, int queue, Duration loadTimeout, Duration flightTimeout, Generations generations,
            Counters counters) {
        this.generations = generations;
        this.counters = counters;
        this.loadTimeout = loadTimeout;
        this.flightTimeoutNanos = flightTimeout.toNanos();
        this.loader = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queue), new LoaderThreads("portcullis-attribute-loader-"));
        this.loader.allowCoreThreadTimeOut(true);
        this.timeouts = new ScheduledThreadPoolExecutor(1, new LoaderThreads("portcullis-attribute-timeout-"));
        this.timeouts.setRemoveOnCancelPolicy(true);
        this.timeouts.setKeepAliveTime(30, TimeUnit.SECONDS);
        this.timeouts.allowCoreThreadTimeOut(true);
    }

    /**
     * The flight loading {@code key}: the one in flight, or a new one that runs {@code load} on a
     * loader thread. {@code load} must complete the flight's future.
     */
    Flight flightFor(PrincipalKey key, BiConsumer<PrincipalKey, Flight> load) {
        Flight mine = new Flight();
        while (true) {
            Flight existing = inFlight.putIfAbsent(key, mine);
            if (existing == null) {
                break;
            }
            if (!existing.future.isDone()) {
                return existing;
            }
            // A finished flight whose completion callback has not yet removed it: its answer was
            // for a caller that already had it; a new miss needs a new load.
            inFlight.remove(key, existing);
        }
        // The generation is read after the flight is visible and before the source is called:
        // whatever the load reads, it reads after this point, so if no invalidation bumps the
        // generation in between, its answer is at least as new as any invalidation before it.
        // (No stripe lock: a clustered put may hold it for a cluster timeout; put compares under it.)
        mine.generation = generations.read(key);
        try {
            Future<?> timeout = timeouts.schedule(() -> mine.future.completeExceptionally(new TimeoutException()),
                    flightTimeoutNanos, TimeUnit.NANOSECONDS);
            // Callers wait on this stage, not on the future itself: it completes only after the
            // bookkeeping (flight removed, failure counted and logged), which would otherwise run
            // after the waiters wake (a future releases its last waiter first).
            mine.answer = mine.future.whenComplete((result, error) -> {
                timeout.cancel(false);
                finished(key, mine, error);
            });
            mine.task = loader.submit(() -> load.accept(key, mine));
        } catch (RejectedExecutionException e) {
            mine.future.completeExceptionally(new AttributeSourceException(
                    "too many attribute loads queued", e));
        }
        return mine;
    }

    /** Detaches the flight of {@code key}, if any; call under the key's generation lock. */
    void detach(PrincipalKey key) {
        inFlight.remove(key);
    }

    /** Detaches every flight. */
    void detachAll() {
        inFlight.clear();
    }

    /**
     * Stops the loader and timeout threads and waits for them, bounded: a load stuck in its source
     * (JDBC ignores interrupts) ends only when the source is closed, which the cache does after this.
     */
    void close() {
        loader.shutdownNow();
        timeouts.shutdownNow();
        try {
            // bounded: a load stuck in its source (JDBC ignores interrupts) ends when the source closes
            if (!loader.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                    || !timeouts.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("attribute loader threads still running {} ms after close", CLOSE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finished(PrincipalKey key, Flight flight, Throwable error) {
        inFlight.remove(key, flight);
        if (error == null) {
            counters.loadSuccess();
            return;
        }
        counters.loadFailure();
        if (error instanceof TimeoutException) {
            Future<?> task = flight.task;
            if (task != null) {
                task.cancel(true);
            }
            LOG.warn("Loading attributes of subject {} of issuer {} took longer than {}",
                    LogText.safe(key.subject()), LogText.safe(key.issuer()), loadTimeout);
        } else if (error instanceof AttributeSourceException) {
            LOG.warn("Loading attributes of subject {} of issuer {} failed: {}",
                    LogText.safe(key.subject()), LogText.safe(key.issuer()), error.toString());
            LOG.debug("Attribute load failure", error);
        } else {
            LOG.warn("Loading attributes of subject {} of issuer {} failed unexpectedly",
                    LogText.safe(key.subject()), LogText.safe(key.issuer()), error);
        }
    }

    /** One load in flight, shared by every get() that missed while it runs. */
    static final class Flight {
        final CompletableFuture<PrincipalAttributes> future = new CompletableFuture<>();
        /** What callers wait on: the future, once its bookkeeping has run. */
        volatile CompletableFuture<PrincipalAttributes> answer = future;
        /** The generation read before the source was called (see {@link Generations}). */
        volatile long generation;
        volatile Future<?> task;
    }

    private static final class LoaderThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();
        private final String prefix;

        LoaderThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
