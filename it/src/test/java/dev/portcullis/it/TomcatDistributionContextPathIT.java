package dev.portcullis.it;

import java.nio.file.Path;

/**
 * The demo WAR under the context path {@code /app} on the Tomcat 10.1 distribution ({@link TomcatDistribution}), its own process.
 */
class TomcatDistributionContextPathIT extends ContextPathContractTests {
    @Override
    String serverName() {
        return "tomcat-10.1-app";
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return TomcatDistribution.startAt(name, war, CONTEXT, CONTEXT + "/health", port, settings.environment());
    }
}
