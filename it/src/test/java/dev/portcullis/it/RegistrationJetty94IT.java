package dev.portcullis.it;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Recorded behaviour on jetty-home 9.4 (Servlet 3.1 API: no default methods on
 * {@code ServletContextListener} or {@code Filter}): the {@code portcullis.properties} registration
 * ({@code PortcullisInitializer}, with the {@code annotations} module) fails the deployment with an
 * {@code AbstractMethodError}, because the listener it adds, {@code ApplicationEnginesCloser},
 * implements only {@code contextDestroyed} and relies on Servlet 4's default
 * {@code contextInitialized}. Until that listener (filter/src/main) implements both methods, Jetty
 * 9.4 is supported with web.xml registration in a {@code metadata-complete} WAR only, as the javax
 * demo WAR proves ({@link Jetty94DistributionIT}). When this test fails, the listener was fixed:
 * run {@link RegistrationTests} on Jetty 9.4 too (a subclass like {@link RegistrationJetty10IT}).
 */
class RegistrationJetty94IT {
    @Test
    void propertiesWhenServlet31ThenInitializerListenerFailsTheDeployment() throws Exception {
        Path jwks = ItPaths.freshDirectory("registration-keys-9.4").resolve("jwks.json");
        Files.writeString(jwks, "{\"keys\":[]}", StandardCharsets.UTF_8);
        Path logFile = ItPaths.logs().resolve("jetty-9.4-registration-properties.log");
        Files.deleteIfExists(logFile);

        assertThatThrownBy(() -> JettyDistribution.startAt(JettyDistribution.Line.JETTY_9_4,
                "jetty-9.4-registration-properties", RegistrationTests.war(ItPaths.registrationWarsJavax(), "properties"),
                "/", "/health", FreePorts.next(), Map.of("PORTCULLIS_JWKS_FILE", jwks.toString()),
                List.of("annotations", "jsp")).close())
                .isInstanceOf(IllegalStateException.class);
        String log = Files.readString(logFile, StandardCharsets.UTF_8);
        assertThat(log).contains("AbstractMethodError")
                .contains("dev.portcullis.servlet.ApplicationEnginesCloser")
                .contains("contextInitialized(javax.servlet.ServletContextEvent)");
    }
}
