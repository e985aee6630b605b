package dev.portcullis.jaxrs;

import dev.portcullis.Refusal;
import dev.portcullis.internal.AdapterHandoff;
import dev.portcullis.internal.LogText;
import dev.portcullis.internal.RequestPaths;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;


import java.util.Map;

/**
 * Turns the engine's refusals into JAX-RS responses for {@code abortWith}: the status, the RFC
 * 6750 challenge, {@code Retry-After} and the problem+json body of {@link Refusal} (the engine
 * logs them, in {@link dev.portcullis.Outcome}).
 *
 * <p>Thread safety: stateless.
 */
final class Refusals {
    private Refusals() {
    }

    /**
     * The request path for a log line or decision record: the servlet filter's path for this
     * dispatch when it runs in front ({@link AdapterHandoff#PATH_ATTRIBUTE}: the path within the web
     * application), else the request URI's path; normalised, without {@code ;jsessionid=...}.
     */
    static String recordPath(ContainerRequestContext request) {
        Object filtered = request.getProperty(AdapterHandoff.PATH_ATTRIBUTE);
        if (filtered instanceof String) {
            return (String) filtered; // the servlet filter's path for this dispatch: one request, one path
        }
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
}
