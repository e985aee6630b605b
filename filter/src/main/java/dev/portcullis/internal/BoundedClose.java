package dev.portcullis.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes something that may block for long (an Ehcache manager with a clustered tier whose
 * Terracotta server is gone waits about two and a half minutes for the server before it gives up)
 * without letting an engine's {@code close()} wait longer than a bound: the close runs on its own
 * daemon thread, and when it has not finished within the bound the caller goes on, with a WARN, and
 * the thread finishes the close on its own.
 *
 * <p>The thread has no context class loader (it does not pin the web application's after a
 * redeploy beyond the close it finishes) and a name saying what it closes.
 *
 * <pre>{@code
 * BoundedClose.close("the attribute cache", manager::close, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Thread safety: stateless.
 */
public final class BoundedClose {
    private static final Logger LOG = LoggerFactory.getLogger(BoundedClose.class);

    private BoundedClose() {
    }

    /**
     * Runs {@code close} and waits for it at most {@code limit}.
     *
     * @return true if it finished (a failure is logged at WARN), false if it was left running
     */
    public static boolean close(String what, Runnable close, Duration limit) {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                close.run();
            } catch (RuntimeException e) {
                failure.set(e);
            } finally {
                done.countDown();
            }
        }, "portcullis-close");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.start();
        boolean finished;
        try {
            finished = done.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            LOG.warn("Closing {} did not finish within {} (is its cluster unreachable?); going on, it goes on"
                    + " closing in the background", what, limit);
            return false;
        }
        if (failure.get() != null) {
            LOG.warn("Closing {} failed", what, failure.get());
        }
        return true;
    }
}
