package dev.portcullis.testing;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code portcullis.requests} holds in a registry: the count (or time) of the requests with an
 * outcome and reason, or of all of them. Zero when nothing was counted yet (no meter).
 */
public final class RequestCounts {
    private RequestCounts() {
    }

    /** Requests counted with {@code outcome} and {@code reason} (tag values, {@code none} for no reason). */
    public static double count(MeterRegistry registry, String outcome, String reason) {
        return search(registry).tags("outcome", outcome, "reason", reason).functionTimers().stream()
                .mapToDouble(FunctionTimer::count).sum();
    }

    /** Every request counted, whatever its outcome. */
    public static double total(MeterRegistry registry) {
        return search(registry).functionTimers().stream().mapToDouble(FunctionTimer::count).sum();
    }

    /** The time counted for requests with {@code outcome} and {@code reason}, in nanoseconds. */
    public static double nanos(MeterRegistry registry, String outcome, String reason) {
        return search(registry).tags("outcome", outcome, "reason", reason).functionTimers().stream()
                .mapToDouble(t -> t.totalTime(TimeUnit.NANOSECONDS)).sum();
    }

    /**
     * Asserts that the registry holds exactly these counts and no others: {@code admitted}
     * requests, {@code accessDenied} refused with {@code access_denied} and {@code missingToken}
     * refused with {@code missing_token}. It waits for them first (the servlet filter counts an
     * admitted request after its chain, or when its asynchronous cycle ends, which may be after
     * the client has the answer), then a little longer for a count too many.
     *
     * @param context what the counts stand for, for the failure message
     */
    public static void assertExactly(MeterRegistry registry, String context, int admitted, int accessDenied,
                                     int missingToken) throws InterruptedException {
        assertExactly(registry, context, admitted, accessDenied, missingToken, 0);
    }

    /** {@link #assertExactly(MeterRegistry, String, int, int, int)} with {@code handled} requests (revocation, health) too. */
    public static void assertExactly(MeterRegistry registry, String context, int admitted, int accessDenied,
                                     int missingToken, int handled) throws InterruptedException {
        int all = admitted + accessDenied + missingToken + handled;
        awaitTotal(registry, all);
        assertThat(count(registry, "admitted", "none")).as(context + ": admitted").isEqualTo(admitted);
        assertThat(count(registry, "refused", "access_denied")).as(context + ": access_denied").isEqualTo(accessDenied);
        assertThat(count(registry, "refused", "missing_token")).as(context + ": missing_token").isEqualTo(missingToken);
        assertThat(count(registry, "handled", "none")).as(context + ": handled").isEqualTo(handled);
        Thread.sleep(300);
        assertThat(total(registry)).as(context + ": one count per request, no more").isEqualTo(all);
    }

    /** Waits up to 5 s until at least {@code n} requests are counted. */
    private static void awaitTotal(MeterRegistry registry, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (total(registry) < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static Search search(MeterRegistry registry) {
        return Search.in(registry).name("portcullis.requests");
    }
}
