package dev.portcullis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A standalone Tomcat distribution (10.1 by default; 9.0, the javax one, through the overload
 * taking the home directory) running a WAR as its own process
 * ({@code bin/catalina.sh run}): a fresh {@code CATALINA_BASE} under {@code it/target} whose
 * {@code server.xml} has the HTTP connector on 127.0.0.1 and the given port, no shutdown port, and
 * the WAR as {@code webapps/ROOT.war}.
 *
 * <pre>{@code
 * try (TomcatDistribution tomcat = TomcatDistribution.start("tomcat", ItPaths.demoWar(), port, env)) {
 *     URI base = tomcat.baseUri();
 * }
 * }</pre>
 *
 * <p>Thread safety: {@link #close()} may be called from any thread.
 */
public final class TomcatDistribution implements WebServer {
    private final String name;
    private final int port;
    private final Path base;
    private final ServerProcess process;

    private TomcatDistribution(String name, int port, Path base, ServerProcess process) {
        this.name = name;
        this.port = port;
        this.base = base;
        this.process = process;
    }

    /** Creates the base, deploys the WAR and starts Tomcat; returns once {@code /health} answers. */
    public static TomcatDistribution start(String name, Path war, int port, Map<String, String> environment) {
        return start(name, war, "/health", port, environment);
    }

    /** As {@link #start(String, Path, int, Map)}, waiting for {@code readyPath} to answer 200. */
    public static TomcatDistribution start(String name, Path war, String readyPath, int port,
                                           Map<String, String> environment) {
        return startAt(name, war, "/", readyPath, port, environment);
    }

    /**
     * As {@link #start(String, Path, String, int, Map)}, with the WAR under {@code contextPath}
     * ({@code /app} is {@code webapps/app.war}) instead of the root context; {@code readyPath}
     * includes the context path.
     */
    public static TomcatDistribution startAt(String name, Path war, String contextPath, String readyPath, int port,
                                             Map<String, String> environment) {
        return startAt(ItPaths.tomcatHome(), name, war, contextPath, readyPath, port, environment);
    }

    /**
     * As {@link #startAt(String, Path, String, String, int, Map)} with the distribution unpacked at
     * {@code home}, e.g. {@link ItPaths#tomcat9Home()} (whose stock {@code server.xml} has the same
     * shutdown port and connector lines).
     */
    public static TomcatDistribution startAt(Path home, String name, Path war, String contextPath, String readyPath,
                                             int port, Map<String, String> environment) {
        String warName = contextPath.equals("/") ? "ROOT.war" : contextPath.substring(1) + ".war";
        Path base = ItPaths.freshDirectory(name + "-base");
        try {
            copyTree(home.resolve("conf"), base.resolve("conf"));
            for (String dir : List.of("logs", "temp", "webapps", "work")) {
                Files.createDirectories(base.resolve(dir));
            }
            Path serverXml = base.resolve("conf/server.xml");
            Files.writeString(serverXml, rewritePorts(Files.readString(serverXml, StandardCharsets.UTF_8), port),
                    StandardCharsets.UTF_8);
            Files.copy(war, base.resolve("webapps").resolve(warName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcess process = ServerProcess.builder(name, List.of("bash",
                        home.resolve("bin/catalina.sh").toString(), "run"))
                .directory(base)
                .withoutInherited("PORTCULLIS_")
                .withoutInherited("CATALINA_")
                .withoutInherited("JAVA_OPTS")
                .environment("JAVA_HOME", ServerProcess.javaHome().toString())
                .environment("CATALINA_HOME", home.toString())
                .environment("CATALINA_BASE", base.toString())
                .environment("CATALINA_TMPDIR", base.resolve("temp").toString())
                .environment(environment)
                .start();
        TomcatDistribution tomcat = new TomcatDistribution(name, port, base, process);
        try {
            process.waitForHttp(tomcat.baseUri().resolve(readyPath.substring(1)), Duration.ofSeconds(120),
                    List.of("startup failed due to previous errors", "Error deploying web application"));
        } catch (RuntimeException e) {
            tomcat.close();
            throw new IllegalStateException(e.getMessage() + "\n" + tomcat.logTail(40), e);
        }
        return tomcat;
    }

    /** The stock server.xml with no shutdown port and the HTTP connector on 127.0.0.1:port. */
    static String rewritePorts(String serverXml, int port) {
        String shutdown = "<Server port=\"8005\"";
        String connector = "<Connector port=\"8080\" protocol=\"HTTP/1.1\"";
        if (!serverXml.contains(shutdown) || !serverXml.contains(connector)) {
            throw new IllegalStateException("unexpected server.xml: no " + shutdown + " or " + connector);
        }
        return serverXml.replace(shutdown, "<Server port=\"-1\"")
                .replaceFirst(java.util.regex.Pattern.quote(connector),
                        "<Connector address=\"127.0.0.1\" port=\"" + port + "\" protocol=\"HTTP/1.1\"");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public List<Path> logs() {
        List<Path> logs = new ArrayList<>();
        logs.add(process.log());
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            files.sorted().forEach(logs::add);
        } catch (IOException e) {
            // no Tomcat logs yet
        }
        return logs;
    }

    @Override
    public void close() {
        process.close();
    }
}
