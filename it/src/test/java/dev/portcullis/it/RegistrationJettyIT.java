package dev.portcullis.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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

    /**
     * Recorded behaviour: a jetty.base with only {@code http,ee10-deploy} (no {@code ee10-annotations})
     * neither runs initializers from the WAR's jars nor applies {@code @WebFilter}: the properties
     * and annotation registrations guard nothing there (the report servlet, itself annotated, is not
     * deployed either), while web.xml still guards.
     */
    @Test
    void registrationWhenAnnotationsModuleMissingThenOnlyWebXmlGuards() {
        for (String variant : List.of("properties", "annotation", "webxml")) {
            try (WebServer server = JettyDistribution.start(serverName() + "-plain-" + variant, war(variant),
                    "/static/ready.txt", FreePorts.next(), Map.of("PORTCULLIS_JWKS_FILE", jwksFile().toString()), List.of())) {
                Http.Response r = new Http(server.baseUri()).send("GET", "/whoami.jsp", null);
                assertThat(r.status() == 401).as(variant + " guarded? " + r.status() + " " + r.body()
                        + server.logTail(40)).isEqualTo(variant.equals("webxml"));
            }
        }
    }
}
