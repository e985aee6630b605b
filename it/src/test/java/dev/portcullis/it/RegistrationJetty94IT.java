package dev.portcullis.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The javax registration WARs ({@code it/registration-wars-javax}) on jetty-home 9.4 (Servlet 3.1:
 * no default methods on {@code ServletContextListener} or {@code Filter}, so every listener and
 * filter the WARs and Portcullis bring implements all of its methods), with its
 * {@code annotations} module and {@code jsp}.
 */
class RegistrationJetty94IT extends RegistrationTests {
    @Override
    WebServer deploy(String name, Path war, int port, Map<String, String> environment) {
        return JettyDistribution.startAt(JettyDistribution.Line.JETTY_9_4, name, war, "/", "/health", port, environment,
                List.of("annotations", "jsp"));
    }

    @Override
    Path warsDirectory() {
        return ItPaths.registrationWarsJavax();
    }

    @Override
    String serverName() {
        return "jetty-9.4";
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
