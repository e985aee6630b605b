package dev.portcullis.it;

import java.nio.file.Path;

/** The demo WAR's contract on a standalone Jetty 12.0 distribution ({@link JettyDistribution}), its own process. */
class JettyDistributionIT extends DemoWarContractTests {
    @Override
    String serverName() {
        return "jetty-12.0";
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return JettyDistribution.start(name, war, port, settings.environment());
    }
}
