package dev.portcullis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the build put what the integration tests use: the demo WAR, the unpacked server
 * distributions and the working directories under {@code it/target}. Failsafe passes the paths as
 * system properties ({@code it.target}, {@code it.war}, {@code it.jetty.home},
 * {@code it.tomcat.home}, {@code it.keycloak.home}); the defaults suit a run from the {@code it/}
 * directory.
 *
 * <p>Thread safety: stateless.
 */
public final class ItPaths {
    private ItPaths() {
    }

    /** {@code it/target}. */
    public static Path target() {
        return Path.of(System.getProperty("it.target", "target")).toAbsolutePath();
    }

    /** The demo WAR as built. */
    public static Path demoWar() {
        return existing(System.getProperty("it.war", target().resolve("wars/portcullis-demo-war.war").toString()),
                "the demo WAR (mvn install -DskipTests at the root, then mvn -pl it verify)");
    }

    /** The javax demo WAR ({@code javax/demo-war}: the demo transformed to Servlet 4 and Jersey 2). */
    public static Path demoWarJavax() {
        return existing(System.getProperty("it.war.javax", target().resolve("wars/portcullis-demo-war-javax.war").toString()),
                "the javax demo WAR (javax/demo-war)");
    }

    /** The javax registration WARs' directory ({@code it/target/wars-javax}). */
    public static Path registrationWarsJavax() {
        return existing(System.getProperty("it.registration.wars.javax", target().resolve("wars-javax").toString()),
                "the javax registration WARs");
    }

    /** jetty-home 10.0 (javax.servlet, Servlet 4). */
    public static Path jetty10Home() {
        return existing(System.getProperty("it.jetty10.home"), "jetty-home 10 (unpacked in pre-integration-test)");
    }

    /** jetty-home 9.4 (javax.servlet, Servlet 3.1 and the javax APIs Portcullis uses). */
    public static Path jetty94Home() {
        return existing(System.getProperty("it.jetty94.home"), "jetty-home 9.4 (unpacked in pre-integration-test)");
    }

    /** The Tomcat 9.0 distribution (javax.servlet, Servlet 4). */
    public static Path tomcat9Home() {
        return existing(System.getProperty("it.tomcat9.home"), "the Tomcat 9 distribution (unpacked in pre-integration-test)");
    }

    public static Path jettyHome() {
        return existing(System.getProperty("it.jetty.home"), "jetty-home (unpacked in pre-integration-test)");
    }

    public static Path tomcatHome() {
        return existing(System.getProperty("it.tomcat.home"), "the Tomcat distribution (unpacked in pre-integration-test)");
    }

    public static Path keycloakHome() {
        return existing(System.getProperty("it.keycloak.home"), "the Keycloak distribution (unpacked in pre-integration-test)");
    }

    /** The Keycloak version with the SSF transmitter ({@code keycloak.ssf.version} in the pom). */
    public static Path keycloakSsfHome() {
        return existing(System.getProperty("it.keycloak.ssf.home"), "the Keycloak SSF distribution (unpacked in pre-integration-test)");
    }

    /** A fresh, empty working directory {@code it/target/<name>}. */
    public static Path freshDirectory(String name) {
        Path dir = target().resolve(name);
        deleteRecursively(dir);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory where server logs are kept: {@code it/target/it-logs}. */
    public static Path logs() {
        try {
            return Files.createDirectories(target().resolve("it-logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path existing(String value, String what) {
        if (value == null) {
            throw new IllegalStateException("no path for " + what + ": run under Failsafe (mvn -pl it verify)");
        }
        Path p = Path.of(value).toAbsolutePath();
        if (!Files.exists(p)) {
            throw new IllegalStateException(what + " not found at " + p);
        }
        return p;
    }
}
