package dev.portcullis.it;

import java.nio.file.Path;
import java.util.List;

/** The javax demo WAR under the context path {@code /app} ({@link ContextPathContractTests}) on jetty-home 9.4, its own process. */
class Jetty94DistributionContextPathIT extends ContextPathContractTests {
    @Override
    String serverName() {
        return "jetty-9.4-app";
    }

    @Override
    Path war() {
        return ItPaths.demoWarJavax();
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return JettyDistribution.startAt(JettyDistribution.Line.JETTY_9_4, name, war, CONTEXT, CONTEXT + "/health", port, settings.environment(), List.of());
    }
}
