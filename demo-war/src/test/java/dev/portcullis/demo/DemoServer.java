package dev.portcullis.demo;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs the built demo WAR on an embedded Jetty 12 at {@code http://localhost:$PORT/} (default
 * 8080). This is what the README's demo command starts ({@code mvn -Pdemo ...}).
 *
 * <p>The WAR trusts its own development issuer; since the JWKS URL contains the port, it is set
 * here (as the system property {@code portcullis.jwks-uri}) unless {@code PORTCULLIS_JWKS_URI}
 * names another issuer.
 */
public final class DemoServer {
    private DemoServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        if (System.getenv("PORTCULLIS_JWKS_URI") == null && System.getProperty("portcullis.jwks-uri") == null) {
            System.setProperty("portcullis.jwks-uri", "http://127.0.0.1:" + port + "/dev/jwks.json");
        }
        Server server = start(port, findWar());
        server.join();
    }

    static Server start(int port, Path war) throws Exception {
        return start(port, war, webapp -> { });
    }

    /** Starts the WAR as {@link #main} does; {@code customise} may change the context before it starts. */
    static Server start(int port, Path war, Consumer<WebAppContext> customise) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(System.getenv().getOrDefault("HOST", "127.0.0.1"));
        connector.setPort(port);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(war.toString());
        webapp.setThrowUnavailableOnStartupException(true);
        // The WAR brings its own SLF4J and backend; keep the server's copy out of its sight.
        webapp.getHiddenClassMatcher().add("org.slf4j.");
        customise.accept(webapp);
        server.setHandler(webapp);
        server.setStopAtShutdown(true);
        server.start();
        return server;
    }

    static Path findWar() throws Exception {
        Path configured = Path.of(System.getProperty("demo.target", "target"));
        Path target = Files.isDirectory(configured) ? configured : Path.of("demo-war", "target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("portcullis-demo-war-.*\\.war"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no demo WAR in " + target.toAbsolutePath()
                            + ": build it first (mvn -Pdemo -DskipTests verify)"));
        }
    }
}
