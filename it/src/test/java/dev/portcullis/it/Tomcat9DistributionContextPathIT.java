package dev.portcullis.it;

import java.nio.file.Path;

/** The javax demo WAR under the context path {@code /app} ({@link ContextPathContractTests}) on the Tomcat 9.0 distribution, its own process. */
class Tomcat9DistributionContextPathIT extends ContextPathContractTests {
    @Override
    String serverName() {
        return "tomcat-9.0-app";
    }

    @Override
    Path war() {
        return ItPaths.demoWarJavax();
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return TomcatDistribution.startAt(ItPaths.tomcat9Home(), name, war, CONTEXT, CONTEXT + "/health", port, settings.environment());
    }
}
