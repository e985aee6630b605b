package dev.portcullis.it;

import java.nio.file.Path;
import java.util.List;

/** The javax demo WAR's contract ({@link DemoWarContractTests}, unchanged) on jetty-home 10.0 (javax.servlet), its own process. */
class Jetty10DistributionIT extends DemoWarContractTests {
    @Override
    String serverName() {
        return "jetty-10.0";
    }

    @Override
    Path war() {
        return ItPaths.demoWarJavax();
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return JettyDistribution.startAt(JettyDistribution.Line.JETTY_10, name, war, "/", "/health", port, settings.environment(), List.of());
    }
}
