package dev.portcullis.it;

import java.nio.file.Path;
import java.util.Map;

/** The javax registration WARs ({@code it/registration-wars-javax}) on the Tomcat 9.0 distribution (Jasper compiles the JSP). */
class RegistrationTomcat9IT extends RegistrationTests {
    @Override
    WebServer deploy(String name, Path war, int port, Map<String, String> environment) {
        return TomcatDistribution.startAt(ItPaths.tomcat9Home(), name, war, "/", "/health", port, environment);
    }

    @Override
    Path warsDirectory() {
        return ItPaths.registrationWarsJavax();
    }

    @Override
    String serverName() {
        return "tomcat-9.0";
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
