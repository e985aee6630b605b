package dev.portcullis.it;

import java.nio.file.Path;
import java.util.List;

/**
 * The demo WAR under the context path {@code /app} on the Jetty 12.0 distribution ({@link JettyDistribution}), its own process.
 */
class JettyDistributionContextPathIT extends ContextPathContractTests {
    @Override
    String serverName() {
        return "jetty-12.0-app";
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return JettyDistribution.startAt(name, war, CONTEXT, CONTEXT + "/health", port, settings.environment(),
                List.of());
    }
}
