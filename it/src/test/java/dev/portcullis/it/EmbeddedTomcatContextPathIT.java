package dev.portcullis.it;

import java.nio.file.Path;

/** The demo WAR under the context path {@code /app} on embedded Tomcat 11 ({@link EmbeddedTomcat}) in the test JVM. */
class EmbeddedTomcatContextPathIT extends ContextPathContractTests {
    @Override
    String serverName() {
        return "tomcat-11-embedded-app";
    }

    @Override
    WebServer deploy(String name, Path war, int port, DemoWarSettings settings) {
        return EmbeddedTomcat.startAt(name, war, CONTEXT, CONTEXT + "/health", port, settings.asMap());
    }
}
