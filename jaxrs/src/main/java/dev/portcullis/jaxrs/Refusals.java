package dev.portcullis.jaxrs;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.Refusal;
import dev.portcullis.internal.LogText;
import dev.portcullis.internal.RequestPaths;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Turns engine refusals into JAX-RS responses with {@code abortWith}: the status, the RFC 6750
 * challenge, {@code Retry-After} and the problem+json body of {@link Refusal}.
 *
 * <p>Thread safety: stateless.
 */
final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

    private Refusals() {
    }

    static void abort(ContainerRequestContext request, PortcullisException e, String realm) {
        Reason reason = e.reason();
        if (reason.status() >= 500) {
            LOG.warn("{} {} refused: {} ({})", LogText.safe(request.getMethod()), logPath(request),
                    reason.code(), LogText.safe(e.getMessage()));
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} refused: {} ({})", LogText.safe(request.getMethod()), logPath(request),
                    reason.code(), LogText.safe(e.getMessage()));
        }
        request.abortWith(response(Refusal.of(e, realm, e.decisionId())));
    }

    /** The request path for a log line or decision record: normalised, without {@code ;jsessionid=...}. */
    static String recordPath(ContainerRequestContext request) {
        return RequestPaths.forRecord(request.getUriInfo().getRequestUri().getRawPath());
    }

    /** {@link #recordPath} made safe for a log line. */
    static String logPath(ContainerRequestContext request) {
        return LogText.safe(recordPath(request));
    }

    static Response response(Refusal refusal) {
        Response.ResponseBuilder b = Response.status(refusal.status())
                .type(Refusal.PROBLEM_JSON)
                .entity(refusal.body());
        for (Map.Entry<String, String> h : refusal.headers().entrySet()) {
            b.header(h.getKey(), h.getValue());
        }
        return b.build();
    }

    /** The answer to a bug: a generic 500 problem, never a stack trace. */
    static void abortInternalError(ContainerRequestContext request, RuntimeException e) {
        LOG.error("unexpected failure guarding {} {}", LogText.safe(request.getMethod()), logPath(request), e);
        request.abortWith(Response.status(500)
                .type(Refusal.PROBLEM_JSON)
                .header("Cache-Control", "no-store")
                .entity("{\"type\":\"" + Reason.TYPE_BASE + "internal_error\",\"title\":\"Internal error\",\"status\":500}")
                .build());
    }
}
