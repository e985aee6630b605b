package dev.portcullis.demo;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

import java.security.Principal;

/**
 * The demo's documents without Portcullis, for the full-path HTTP benchmark
 * ({@code it/bench/full-path-bench.sh}) only: the same {@link DocumentResource} on Jersey, the same
 * seeded H2 database through {@link DemoDatabase}, on embedded Jetty 12 at
 * {@code http://127.0.0.1:$PORT/api/documents/{id}} — but no filter, no {@code PortcullisFeature}, no
 * token, no policy. The resource reads the caller's name from the {@link SecurityContext}, so a
 * pre-matching filter sets a fixed principal ({@code bench}); that is the whole difference in work
 * apart from Portcullis. Never part of the demo WAR.
 */
public final class BareDemoServer {
    private BareDemoServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8081"));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        String url = "jdbc:h2:mem:portcullis-bare;DB_CLOSE_DELAY=-1";
        context.setInitParameter(DemoDatabase.URL, url);
        context.addEventListener(new DemoDatabase());
        ResourceConfig api = new ResourceConfig();
        api.register(new FixedPrincipal());
        api.register(new DocumentResource(new DocumentStore(url)));
        context.addServlet(new ServletHolder(new ServletContainer(api)), "/api/*");
        server.setHandler(context);
        server.setStopAtShutdown(true);
        server.start();
        server.join();
    }

    /** Sets the caller the resource echoes; stands in for no authentication at all. */
    @PreMatching
    static final class FixedPrincipal implements ContainerRequestFilter {
        private static final Principal BENCH = () -> "bench";

        @Override
        public void filter(ContainerRequestContext request) {
            SecurityContext original = request.getSecurityContext();
            request.setSecurityContext(new SecurityContext() {
                @Override
                public Principal getUserPrincipal() {
                    return BENCH;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return false;
                }

                @Override
                public boolean isSecure() {
                    return original.isSecure();
                }

                @Override
                public String getAuthenticationScheme() {
                    return null;
                }
            });
        }
    }
}
