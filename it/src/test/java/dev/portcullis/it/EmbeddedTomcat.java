package dev.portcullis.it;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Embedded Tomcat 11 in the test JVM, deploying a WAR with {@code Tomcat.addWebapp} at the root
 * context on 127.0.0.1.
 *
 * <p>An in-process server has no environment of its own, so the Portcullis settings are given as
 * {@code portcullis.*} system properties (which Portcullis reads before the environment); they are
 * set before the web application starts and restored on {@link #close()}. Two embedded servers
 * with different settings must therefore not run at the same time.
 *
 * <pre>{@code
 * try (EmbeddedTomcat tomcat = EmbeddedTomcat.start("tomcat-embedded", ItPaths.demoWar(), port, settings.asMap())) {
 *     URI base = tomcat.baseUri();
 * }
 * }</pre>
 *
 * <p>Thread safety: {@link #close()} may be called from any thread.
 */
public final class EmbeddedTomcat implements WebServer {
    /** Held strongly: java.util.logging forgets the handlers of loggers nobody references. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    private final String name;
    private final Tomcat tomcat;
    private final int port;
    private final Map<String, String> previousProperties;
    private final Path log;
    private final java.util.logging.Handler logHandler;
    private boolean closed;

    private EmbeddedTomcat(String name, Tomcat tomcat, int port, Map<String, String> previousProperties, Path log,
                           java.util.logging.Handler logHandler) {
        this.name = name;
        this.logHandler = logHandler;
        this.tomcat = tomcat;
        this.port = port;
        this.previousProperties = previousProperties;
        this.log = log;
    }

    /**
     * Starts Tomcat with the WAR at {@code /}; returns once {@code /health} answers.
     *
     * @param systemProperties settings by name ({@code portcullis.jwks-uri}), set for the lifetime of the server
     */
    public static EmbeddedTomcat start(String name, Path war, int port, Map<String, String> systemProperties) {
        return start(name, war, "/health", port, systemProperties);
    }

    public static EmbeddedTomcat start(String name, Path war, String readyPath, int port,
                                       Map<String, String> systemProperties) {
        return startAt(name, war, "/", readyPath, port, systemProperties);
    }

    /**
     * As {@link #start(String, Path, String, int, Map)}, with the WAR under {@code contextPath}
     * (such as {@code /app}) instead of the root context; {@code readyPath} includes the context path.
     */
    public static synchronized EmbeddedTomcat startAt(String name, Path war, String contextPath, String readyPath,
                                                      int port, Map<String, String> systemProperties) {
        Path base = ItPaths.freshDirectory(name + "-base");
        Map<String, String> previous = new HashMap<>();
        systemProperties.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        Tomcat tomcat = new Tomcat();
        Path log = ItPaths.logs().resolve(name + ".log");
        EmbeddedTomcat server = null;
        java.util.logging.Handler handler = null;
        try {
            Files.createDirectories(base.resolve("webapps"));
            // Tomcat's own log (java.util.logging) also goes to the log file; the web
            // application's logging backend writes to the test output
            handler = new java.util.logging.FileHandler(log.toString(), false);
            handler.setFormatter(new java.util.logging.SimpleFormatter());
            TOMCAT_LOG.addHandler(handler);
            TOMCAT_LOG.info("embedded Tomcat "
                    + org.apache.catalina.util.ServerInfo.getServerNumber() + " in the test JVM; system properties: "
                    + systemProperties);
            tomcat.setBaseDir(base.toString());
            tomcat.setHostname("127.0.0.1");
            tomcat.getHost().setAppBase(base.resolve("webapps").toString());
            Connector connector = new Connector();
            connector.setPort(port);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            // the stock defaults would add a JSP servlet, and the test classpath has no Jasper
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Context context = tomcat.addWebapp(contextPath.equals("/") ? "" : contextPath, war.toString());
            Wrapper defaultServlet = context.createWrapper();
            defaultServlet.setName("default");
            defaultServlet.setServletClass("org.apache.catalina.servlets.DefaultServlet");
            defaultServlet.setLoadOnStartup(1);
            defaultServlet.setOverridable(true);
            context.addChild(defaultServlet);
            context.addServletMappingDecoded("/", "default");
            server = new EmbeddedTomcat(name, tomcat, port, previous, log, handler);
            tomcat.start();
            if (context.getState() != LifecycleState.STARTED) {
                throw new IllegalStateException("the web application did not start (state " + context.getState()
                        + "): see the test output");
            }
            ServerProcess.waitForHttp(server.baseUri().resolve(readyPath.substring(1)), Duration.ofSeconds(60),
                    () -> true, () -> name);
            return server;
        } catch (IOException e) {
            closeQuietly(server, tomcat, previous, handler);
            throw new UncheckedIOException(e);
        } catch (LifecycleException | RuntimeException e) {
            closeQuietly(server, tomcat, previous, handler);
            throw new IllegalStateException("embedded Tomcat failed to start " + war + ": " + e
                    + "\n" + ServerProcess.tail(log, 40), e);
        }
    }

    private static void closeQuietly(EmbeddedTomcat server, Tomcat tomcat, Map<String, String> previous,
                                     java.util.logging.Handler handler) {
        if (server != null) {
            server.close();
        } else {
            try {
                stop(tomcat);
            } finally {
                restore(previous);
                closeHandler(handler);
            }
        }
    }

    private static void closeHandler(java.util.logging.Handler handler) {
        if (handler != null) {
            TOMCAT_LOG.removeHandler(handler);
            handler.close();
        }
    }

    private static void stop(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("embedded Tomcat did not stop: " + e, e);
        }
    }

    private static void restore(Map<String, String> previous) {
        previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    @Override
    public List<Path> logs() {
        return List.of(log);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop(tomcat);
        } finally {
            restore(previousProperties);
            closeHandler(logHandler);
        }
    }
}
