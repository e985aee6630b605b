package dev.portcullis.demo;

import org.eclipse.jetty.server.Server;

import java.net.URL;
import java.nio.file.Path;

/**
 * The demo WAR without Portcullis, for the full-path HTTP benchmark ({@code it/bench/full-path-bench.sh})
 * only: the same WAR file, deployed exactly as {@link DemoServer} deploys it (embedded Jetty 12, a
 * {@code WebAppContext} at {@code /}, its own class loader, session and security handlers), but with
 * the descriptor {@code bare-war/web.xml} in place of the WAR's {@code WEB-INF/web.xml}: the same
 * database listener and Jersey servlet, no Portcullis filter, and {@link BareApplication} (the same
 * {@link DocumentResource}, no {@code PortcullisFeature}) from this module's test classes. Serves
 * {@code http://127.0.0.1:$PORT/api/documents/{id}}. Never part of the demo WAR.
 */
public final class BareDemoServer {
    private BareDemoServer() {
    }

    public static void main(String[] args) throws Exception {
        serve("/bare-war/web.xml", 8081);
    }

    /** Serves the demo WAR with {@code descriptor} (a resource of these test classes) in place of its own. */
    static void serve(String descriptor, int defaultPort) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", Integer.toString(defaultPort)));
        URL url = BareDemoServer.class.getResource(descriptor);
        Path testClasses = Path.of(BareDemoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Server server = DemoServer.start(port, DemoServer.findWar(), webapp -> {
            webapp.setOverrideDescriptor(null);
            webapp.setDescriptor(url.toExternalForm());
            webapp.setExtraClasspath(testClasses.toString());
        });
        server.join();
    }
}
