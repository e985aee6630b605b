package dev.portcullis.it;

import java.nio.file.Path;
import java.util.List;

/** The javax demo WAR under the context path {@code /app} ({@link ContextPathContractTests}) on jetty-home 10.0, its own process. */
class Jetty10DistributionContextPathIT extends ContextPathContractTests {
    @Override
    String serverName() {
        return "jetty-10.0-app";
    }

    @Override
    Path war() {
        return ItPaths.demoWarJavax();
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return JettyDistribution.startAt(JettyDistribution.Line.JETTY_10, name, war, CONTEXT, CONTEXT + "/health", port, settings.environment(), List.of());
    }
}
