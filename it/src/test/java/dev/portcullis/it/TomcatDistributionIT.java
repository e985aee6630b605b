package dev.portcullis.it;

import java.nio.file.Path;

/** The demo WAR's contract on a standalone Tomcat 10.1 distribution ({@link TomcatDistribution}), its own process. */
class TomcatDistributionIT extends DemoWarContractTests {
    @Override
    String serverName() {
        return "tomcat-10.1";
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return TomcatDistribution.start(name, war, port, settings.environment());
    }
}
