package dev.portcullis.it;

import java.nio.file.Path;
import java.util.Map;

/** The registration WARs on a standalone Tomcat 10.1 distribution (Jasper compiles the JSP). */
class RegistrationTomcatIT extends RegistrationTests {
    @Override
    WebServer deploy(String name, Path war, int port, Map<String, String> environment) {
        return TomcatDistribution.start(name, war, "/health", port, environment);
    }

    @Override
    String serverName() {
        return "tomcat-10.1";
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
