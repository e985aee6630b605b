package dev.portcullis.it;

import java.nio.file.Path;

/** The demo WAR's contract on embedded Tomcat 11 ({@link EmbeddedTomcat}) in the test JVM. */
class EmbeddedTomcatIT extends DemoWarContractTests {
    @Override
    String serverName() {
        return "tomcat-11-embedded";
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return EmbeddedTomcat.start(name, war, port, settings.asMap());
    }
}
