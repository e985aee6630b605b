package dev.portcullis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Jetty distribution ({@code jetty-home}) running a WAR as its own process: a fresh
 * {@code jetty.base} under {@code it/target} with the {@code http} and deploy modules, the WAR as
 * {@code webapps/ROOT.war}, bound to 127.0.0.1. {@link Line} picks the release line: Jetty 12.0
 * (Jakarta, {@code ee10-deploy}; the default) or the javax lines 10.0 and 9.4 ({@code deploy},
 * modules added with {@code --add-module} and {@code --add-to-start}).
 *
 * <pre>{@code
 * try (JettyDistribution jetty = JettyDistribution.start("jetty", ItPaths.demoWar(), port, env)) {
 *     URI base = jetty.baseUri();
 * }
 * }</pre>
 *
 * <p>Thread safety: {@link #close()} may be called from any thread.
 */
public final class JettyDistribution implements WebServer {
    /** A release line of {@code jetty-home}: where it is unpacked and how a base gets its modules. */
    public enum Line {
        /** Jetty 12.0, Jakarta EE 10 ({@code ee10-*} modules). */
        JETTY_12("http,ee10-deploy", "--add-modules="),
        /** Jetty 10.0, javax.servlet (Servlet 4); {@code annotations} and {@code jsp} without prefix. */
        JETTY_10("http,deploy", "--add-module="),
        /** Jetty 9.4, javax.servlet (Servlet 3.1 API jar); modules go into {@code start.ini}. */
        JETTY_9_4("http,deploy", "--add-to-start=");

        private final String modules;
        private final String addOption;

        Line(String modules, String addOption) {
            this.modules = modules;
            this.addOption = addOption;
        }

        Path home() {
            return switch (this) {
                case JETTY_12 -> ItPaths.jettyHome();
                case JETTY_10 -> ItPaths.jetty10Home();
                case JETTY_9_4 -> ItPaths.jetty94Home();
            };
        }
    }

    private final String name;
    private final int port;
    private final ServerProcess process;

    private JettyDistribution(String name, int port, ServerProcess process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /**
     * Creates the base, deploys the WAR and starts Jetty; returns once {@code /health} answers.
     *
     * @param environment extra environment variables of the server process (e.g. {@code PORTCULLIS_*})
     */
    public static JettyDistribution start(String name, Path war, int port, Map<String, String> environment) {
        return start(name, war, "/health", port, environment);
    }

    /** As {@link #start(String, Path, int, Map)}, waiting for {@code readyPath} to answer 200. */
    public static JettyDistribution start(String name, Path war, String readyPath, int port,
                                          Map<String, String> environment) {
        return start(name, war, readyPath, port, environment, List.of());
    }

    /**
     * As {@link #start(String, Path, String, int, Map)}, with more Jetty modules than {@code http} and
     * {@code ee10-deploy}, e.g. {@code ee10-annotations} (needed for {@code @WebFilter} and for
     * {@code ServletContainerInitializer}s in the WAR's jars) or {@code ee10-jsp}.
     */
    public static JettyDistribution start(String name, Path war, String readyPath, int port,
                                          Map<String, String> environment, List<String> extraModules) {
        return startAt(name, war, "/", readyPath, port, environment, extraModules);
    }

    /**
     * As {@link #start(String, Path, String, int, Map, List)}, with the WAR under {@code contextPath}
     * ({@code /app} is {@code webapps/app.war}) instead of the root context; {@code readyPath}
     * includes the context path.
     */
    public static JettyDistribution startAt(String name, Path war, String contextPath, String readyPath, int port,
                                            Map<String, String> environment, List<String> extraModules) {
        return startAt(Line.JETTY_12, name, war, contextPath, readyPath, port, environment, extraModules);
    }

    /**
     * As {@link #startAt(String, Path, String, String, int, Map, List)} on the given release line
     * ({@code extraModules} named as that line names them, e.g. {@code annotations} on 10.0 and 9.4).
     */
    public static JettyDistribution startAt(Line line, String name, Path war, String contextPath, String readyPath,
                                            int port, Map<String, String> environment, List<String> extraModules) {
        String warName = contextPath.equals("/") ? "ROOT.war" : contextPath.substring(1) + ".war";
        Path home = line.home();
        Path base = ItPaths.freshDirectory(name + "-base");
        createBase(name, home, base, line.addOption,
                extraModules.isEmpty() ? line.modules : line.modules + "," + String.join(",", extraModules));
        try {
            Files.copy(war, base.resolve("webapps").resolve(warName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcess process = ServerProcess.builder(name, List.of(ServerProcess.java(),
                        "-Djava.io.tmpdir=" + base.resolve("work"),
                        "-jar", home.resolve("start.jar").toString(),
                        "jetty.http.host=127.0.0.1", "jetty.http.port=" + port))
                .directory(base)
                .withoutInherited("PORTCULLIS_")
                .environment("JAVA_HOME", ServerProcess.javaHome().toString())
                .environment(environment)
                .start();
        JettyDistribution jetty = new JettyDistribution(name, port, process);
        try {
            process.waitForHttp(jetty.baseUri().resolve(readyPath.substring(1)), Duration.ofSeconds(120),
                    List.of("Failed startup of context", "Unable to deploy"));
        } catch (RuntimeException e) {
            jetty.close();
            throw e;
        }
        return jetty;
    }

    private static void createBase(String name, Path home, Path base, String addOption, String modules) {
        try {
            Files.createDirectories(base.resolve("work"));
            Path log = ItPaths.logs().resolve(name + "-add-modules.log");
            Process p = new ProcessBuilder(ServerProcess.java(), "-jar", home.resolve("start.jar").toString(),
                    addOption + modules)
                    .directory(base.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("jetty " + addOption + " timed out: " + log);
            }
            if (p.exitValue() != 0 || !Files.isDirectory(base.resolve("webapps"))) {
                throw new IllegalStateException("jetty " + addOption + modules + " failed (exit " + p.exitValue()
                        + "):\n" + ServerProcess.tail(log, 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
        return List.of(process.log());
    }

    @Override
    public void close() {
        process.close();
    }
}
