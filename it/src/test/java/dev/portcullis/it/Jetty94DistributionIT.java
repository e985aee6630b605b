package dev.portcullis.it;

import java.nio.file.Path;
import java.util.List;

/** The javax demo WAR's contract ({@link DemoWarContractTests}, unchanged) on jetty-home 9.4 (javax.servlet), its own process. */
class Jetty94DistributionIT extends DemoWarContractTests {
    @Override
    String serverName() {
        return "jetty-9.4";
    }

    @Override
    Path war() {
        return ItPaths.demoWarJavax();
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return JettyDistribution.startAt(JettyDistribution.Line.JETTY_9_4, name, war, "/", "/health", port, settings.environment(), List.of());
    }
}
