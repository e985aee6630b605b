package dev.portcullis.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The registration WARs on a standalone Jetty 12.0 distribution. Jetty applies
 * {@code @WebFilter} and runs the {@code ServletContainerInitializer}s of the WAR's jars (Jersey's,
 * Portcullis') only with the {@code ee10-annotations} module; {@code ee10-jsp} compiles the JSP.
 */
class RegistrationJettyIT extends RegistrationTests {
    @Override
    WebServer deploy(String name, Path war, int port, Map<String, String> environment) {
        return JettyDistribution.start(name, war, "/health", port, environment,
                List.of("ee10-annotations", "ee10-jsp"));
    }

    @Override
    String serverName() {
        return "jetty-12.0";
    }

    @Override
    boolean servesJsp() {
        return true;
    }

    @Override
    boolean runsInitializerWhenMetadataComplete() {
        return true;
    }
}
