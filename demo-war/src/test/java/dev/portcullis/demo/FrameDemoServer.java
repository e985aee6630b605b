package dev.portcullis.demo;

/**
 * The demo WAR with the shape of a security layer and none of its work, for the full-path HTTP
 * benchmark ({@code it/bench/full-path-bench.sh}) only: deployed as {@link BareDemoServer} deploys
 * it, with the descriptor {@code frame-war/web.xml}: a servlet filter that sets the request
 * attributes Portcullis sets and wraps the request as Portcullis does ({@link FrameFilter}), and a
 * JAX-RS application with the same documents resource, an authentication filter, a per-method
 * authorization filter bound by a {@code DynamicFeature}, and the demo's decision header
 * ({@link FrameApplication}). What the demo costs beyond this server is the cost of deciding;
 * what this server costs beyond the bare one is the cost of any filter-and-feature layer.
 * Serves {@code http://127.0.0.1:$PORT/api/documents/{id}}. Never part of the demo WAR.
 */
public final class FrameDemoServer {
    private FrameDemoServer() {
    }

    public static void main(String[] args) throws Exception {
        BareDemoServer.serve("/frame-war/web.xml", 8083);
    }
}
