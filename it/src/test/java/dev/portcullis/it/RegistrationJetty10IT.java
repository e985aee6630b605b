package dev.portcullis.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The javax registration WARs ({@code it/registration-wars-javax}) on jetty-home 10.0, with its
 * {@code annotations} module ({@code @WebFilter} and the jars' {@code ServletContainerInitializer}s)
 * and {@code jsp}.
 */
class RegistrationJetty10IT extends RegistrationTests {
    @Override
    WebServer deploy(String name, Path war, int port, Map<String, String> environment) {
        return JettyDistribution.startAt(JettyDistribution.Line.JETTY_10, name, war, "/", "/health", port, environment,
                List.of("annotations", "jsp"));
    }

    @Override
    Path warsDirectory() {
        return ItPaths.registrationWarsJavax();
    }

    @Override
    String serverName() {
        return "jetty-10.0";
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
