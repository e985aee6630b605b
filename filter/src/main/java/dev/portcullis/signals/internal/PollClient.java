package dev.portcullis.signals.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.internal.LogText;

import org.jose4j.json.JsonUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The poll client of one stream (RFC 8936): a single daemon thread, {@code portcullis-signal-poll},
 * owned by the engine (stopped by {@link #close()}, without the web application's context class
 * loader), that every poll interval POSTs {@code {"maxEvents": N, "returnImmediately": true,
 * "ack": [...], "setErrs": {...}}} with the stream's bearer token and hands each SET of the answer
 * to the receiver; the next poll acknowledges the accepted ones and reports the refused ones with
 * their error codes. While the transmitter says {@code moreAvailable}, it polls again at once (at
 * most ten times in a row). An answer larger than N SETs of the maximum body size is refused.
 *
 * <p>Thread safety: the poll thread is the only one that uses its state.
 */
final class PollClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PollClient.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SignalReceiver receiver;
    private final URI uri;
    private final String token;
    private final int maxEvents;
    private final int maxAnswerBytes;
    private final ScheduledExecutorService thread;
    private List<String> ack = new ArrayList<>();
    private Map<String, Object> errors = new LinkedHashMap<>();

    private PollClient(SignalReceiver receiver, URI uri, String token, int maxEvents, int maxBodyBytes) {
        this.receiver = receiver;
        this.uri = uri;
        this.token = token;
        this.maxEvents = maxEvents;
        this.maxAnswerBytes = (int) Math.min(16L * 1024 * 1024, (long) maxEvents * maxBodyBytes + 4096);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portcullis-signal-poll");
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
    }

    static PollClient start(SignalReceiver receiver, URI uri, String token, Duration interval, int maxEvents,
                            int maxBodyBytes) {
        PollClient c = new PollClient(receiver, uri, token, maxEvents, maxBodyBytes);
        c.thread.scheduleWithFixedDelay(c::pollSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    private void pollSafely() {
        try {
            for (int i = 0; i < 10 && poll(); i++) {
                // more available: poll again at once, a bounded number of times
            }
        } catch (RuntimeException e) {
            LOG.warn("Polling {} failed: {}", uri, e.toString());
        }
    }

    /** One poll; whether the transmitter has more. */
    boolean poll() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("maxEvents", maxEvents);
        request.put("returnImmediately", true);
        request.put("ack", ack);
        if (!errors.isEmpty()) {
            request.put("setErrs", errors);
        }
        Map<String, Object> answer;
        try {
            SignalHttp.Answer a = SignalHttp.exchange(uri, token, JsonUtil.toJson(request), TIMEOUT, maxAnswerBytes);
            if (a.status() != 200) {
                LOG.warn("Poll of {} answered {}", uri, a.status());
                return false;
            }
            answer = JsonUtil.parseJson(a.body());
        } catch (Exception e) {
            LOG.warn("Poll of {} failed: {}", uri, e.toString());
            return false; // ack and errors are sent again with the next poll
        }
        ack = new ArrayList<>();
        errors = new LinkedHashMap<>();
        Object sets = answer.get("sets");
        if (sets instanceof Map) {
            int n = 0;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) sets).entrySet()) {
                if (++n > maxEvents) {
                    LOG.warn("Poll of {} returned more than the {} SETs asked for; the rest is left", uri, maxEvents);
                    break;
                }
                String jti = String.valueOf(e.getKey());
                if (!(e.getValue() instanceof String)) {
                    errors.put(jti, Map.of("err", SignalException.INVALID_REQUEST, "description", "not a compact SET"));
                    continue;
                }
                try {
                    receiver.receive((String) e.getValue());
                    ack.add(jti);
                } catch (SignalException refused) {
                    LOG.warn("Polled SET {} refused: {} ({})", LogText.safe(jti), refused.code(),
                            LogText.safe(refused.getMessage()));
                    if (!SignalException.UNAVAILABLE.equals(refused.code())) {
                        errors.put(jti, Map.of("err", refused.code(), "description", "The SET is not accepted"));
                    }
                } catch (PortcullisException unavailable) {
                    LOG.warn("Polled SET {} not verified now ({}); it is polled again", LogText.safe(jti),
                            LogText.safe(unavailable.getMessage()));
                }
            }
        }
        return Boolean.TRUE.equals(answer.get("moreAvailable"));
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("The signal poll thread is still running 2 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
