package dev.portcullis.it;

import java.nio.file.Path;

/** The javax demo WAR's contract ({@link DemoWarContractTests}, unchanged) on the Tomcat 9.0 distribution (javax.servlet), its own process. */
class Tomcat9DistributionIT extends DemoWarContractTests {
    @Override
    String serverName() {
        return "tomcat-9.0";
    }

    @Override
    Path war() {
        return ItPaths.demoWarJavax();
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return TomcatDistribution.startAt(ItPaths.tomcat9Home(), name, war, "/", "/health", port, settings.environment());
    }
}
