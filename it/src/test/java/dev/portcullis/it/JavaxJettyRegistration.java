package dev.portcullis.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The javax registration WARs ({@code it/registration-wars-javax}) on a javax {@code jetty-home}
 * line, with its {@code annotations} module ({@code @WebFilter} and the jars'
 * {@code ServletContainerInitializer}s) and {@code jsp}.
 */
abstract class JavaxJettyRegistration extends RegistrationTests {
    private final JettyDistribution.Line line;
    private final String serverName;

    JavaxJettyRegistration(JettyDistribution.Line line, String serverName) {
        this.line = line;
        this.serverName = serverName;
    }

    @Override
    WebServer deploy(String name, Path war, int port, Map<String, String> environment) {
        return JettyDistribution.startAt(line, name, war, "/", "/health", port, environment, List.of("annotations", "jsp"));
    }

    @Override
    Path warsDirectory() {
        return ItPaths.registrationWarsJavax();
    }

    @Override
    String serverName() {
        return serverName;
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
