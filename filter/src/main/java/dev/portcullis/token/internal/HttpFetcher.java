package dev.portcullis.token.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches small JSON documents (JWKS, discovery) with a hard deadline on the whole exchange and a
 * hard limit on the body size, so that a slow, hanging or huge key endpoint cannot hold a request
 * thread or the heap.
 *
 * <p>The JDK HTTP client is made on the first fetch (an engine with local keys starts no thread) and
 * runs its work on daemon threads named {@code portcullis-key-fetch-N} that {@link #close()} stops;
 * its selector thread is created without the caller's context class loader, so that it cannot pin
 * a web application's class loader, and is stopped by {@code HttpClient.shutdownNow()} on Java 21
 * and later (on Java 17 it ends by itself once the client is unreachable).
 *
 * <p>Thread safety: thread-safe.
 */
final class HttpFetcher implements AutoCloseable {
    /** A fetched document. */
    static final class Response {
        final int status;
        final byte[] body;
        final Optional<String> cacheControl;

        Response(int status, byte[] body, Optional<String> cacheControl) {
            this.status = status;
            this.body = body;
            this.cacheControl = cacheControl;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpFetcher.class);
    private static final long CLOSE_WAIT_MILLIS = 2000;

    private final Duration timeout;
    private final int maxBytes;
    private HttpClient client; // guarded by this
    private ExecutorService executor; // guarded by this
    private boolean closed; // guarded by this

    HttpFetcher(Duration timeout, int maxBytes) {
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    private synchronized HttpClient client() throws IOException {
        if (closed) {
            throw new IOException("the key fetcher is closed");
        }
        if (client == null) {
            executor = Executors.newCachedThreadPool(new FetchThreads());
            Thread current = Thread.currentThread();
            ClassLoader context = current.getContextClassLoader();
            current.setContextClassLoader(null); // inherited by the client's selector thread
            try {
                client = HttpClient.newBuilder()
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(executor)
                        .build();
            } finally {
                current.setContextClassLoader(context);
            }
        }
        return client;
    }

    /** Stops the client's threads (waiting up to 2 s); later fetches fail. Idempotent. */
    @Override
    public void close() {
        HttpClient c;
        ExecutorService e;
        synchronized (this) {
            closed = true;
            c = client;
            e = executor;
            client = null;
            executor = null;
        }
        if (c != null) {
            shutdownNow(c);
        }
        if (e != null) {
            e.shutdownNow();
            try {
                if (!e.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("key fetch threads still running {} ms after close", CLOSE_WAIT_MILLIS);
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code HttpClient.shutdownNow()}, which exists from Java 21 (this code is built for 17). */
    private static void shutdownNow(HttpClient c) {
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(c);
        } catch (NoSuchMethodException e) {
            // Java 17: the selector thread ends once the client is unreachable
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("stopping the HTTP client", e);
        }
    }

    /** Daemon threads without the web application's context class loader. */
    private static final class FetchThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "portcullis-key-fetch-" + count.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        }
    }

    Response get(URI uri) throws IOException {
        HttpClient client = client();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json, application/jwk-set+json")
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> future =
                client.sendAsync(request, info -> new LimitedBody(maxBytes));
        try {
            HttpResponse<byte[]> response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Response(response.statusCode(), response.body(),
                    response.headers().firstValue("Cache-Control"));
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IOException("no complete answer from " + uri + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("fetching " + uri + " failed: " + cause.getMessage(), cause);
        }
    }

    /** Collects the body, failing as soon as it grows past the limit. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (out.size() + b.remaining() > maxBytes) {
                    subscription.cancel();
                    result.completeExceptionally(new IOException("response body larger than " + maxBytes + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
