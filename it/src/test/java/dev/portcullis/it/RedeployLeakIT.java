package dev.portcullis.it;

import com.sun.net.httpserver.HttpServer;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.JreMemoryLeakPreventionListener;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redeploys web applications 20 times on embedded Tomcat 11 in the test JVM and shows that nothing
 * Portcullis starts outlives its application: no thread, no class loader, no loaded class.
 *
 * <p>Three WARs, one test each: the JAX-RS feature building its own engine (the registration WAR
 * variants {@code own-engine}, on Jersey, and {@code own-engine-resteasy}, redeployed 8 times: no servlet filter, the
 * engine fetches its keys over HTTP, loads attributes from a file and watches a policy folder), and
 * the demo WAR (servlet filter engine, HikariCP pool on H2, decision log, policy watcher, JDBC
 * drivers it registers itself). Each cycle deploys the WAR, proves it guards (401 without a token,
 * 200 with one, 403 where denied), undeploys it and checks at once that no thread named
 * {@code portcullis-*} is alive. At the end:
 * <ul>
 *   <li>every deployment's class loader has been collected (weak references cleared after
 *       {@code System.gc()}, retried for a bounded time): the strongest proof that no thread,
 *       static, ThreadLocal or JDBC registration pins it;</li>
 *   <li>live threads and loaded classes are back to what they were after warm-up;</li>
 *   <li>Tomcat's own leak detection ({@code WebappClassLoaderBase} warnings on undeploy:
 *       "failed to stop" threads, ThreadLocals, JDBC drivers) names no Portcullis thread or class,
 *       nor the JDK HTTP client's threads that key fetches would start.</li>
 * </ul>
 */
class RedeployLeakIT {
    private static final int CYCLES = 20;
    /**
     * RESTEasy: fewer cycles keep the whole class within about three minutes; its engine is closed
     * by the same servlet listener path every time, and the class loader check covers every cycle.
     */
    private static final int RESTEASY_CYCLES = 8;
    /**
     * The demo WAR (servlet filter engine): fewer cycles than the own-engine WAR, which carries the
     * 20 redeploys; each demo cycle starts H2, a pool and policy reload, and 10 keep the build's
     * time in bounds while the class loader check still covers every cycle.
     */
    private static final int DEMO_CYCLES = 10;
    /** Cycles before the baseline is taken: Tomcat's and the JDK's own lazily started threads and classes. */
    private static final int WARM_UP = 3;
    /**
     * Threads the JVM may start or retire on its own between baseline and end, whatever the
     * applications do: ForkJoinPool common-pool workers (used by CompletableFuture, retired after
     * 60 s idle), Tomcat's connector threads (grown on demand, trimmed later). One leaked
     * application would leave 3 to 10 (decision log, loader, watcher, pool, HTTP client).
     */
    private static final int THREAD_TOLERANCE = 3;

    /** Held strongly: java.util.logging forgets the handlers of loggers nobody references. */
    private static final Logger CATALINA_LOG = Logger.getLogger("org.apache.catalina");
    private static final List<String> LEAK_WARNINGS = new CopyOnWriteArrayList<>();
    /** Tomcat's notes that it could not look for a kind of leak (ThreadLocals without --add-opens). */
    private static final List<String> CHECKS_SKIPPED = new CopyOnWriteArrayList<>();
    private static final Handler LEAK_CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                String message = new java.util.logging.SimpleFormatter().formatMessage(record);
                String lower = message.toLowerCase(Locale.ROOT);
                if (lower.contains("--add-opens")) {
                    CHECKS_SKIPPED.add(message);
                } else if (lower.contains("memory leak") || lower.contains("failed to stop")
                        || lower.contains("failed to unregister") || lower.contains("threadlocal")) {
                    LEAK_WARNINGS.add(message);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private static Tomcat tomcat;
    private static int port;
    private static HttpServer jwks;
    private static Path work;

    @BeforeAll
    static void startTomcat() throws Exception {
        RegistrationTests.keys();
        work = ItPaths.freshDirectory("redeploy-leak");
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] keySet = Files.readAllBytes(RegistrationTests.jwksFile());
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keySet.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(keySet);
            }
        });
        jwks.start();

        CATALINA_LOG.addHandler(LEAK_CAPTURE);
        port = FreePorts.next();
        Path base = ItPaths.freshDirectory("redeploy-leak-tomcat");
        Files.createDirectories(base.resolve("webapps"));
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.getHost().setAppBase(base.resolve("webapps").toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.setAddDefaultWebXmlToWebapp(false);
        // as in a standalone Tomcat: the applications see only the container's classes, not the
        // test class path (whose Ehcache, H2 and SLF4J would be mixed into the WARs' own), and
        // the JDK singletons that would pin the first application are initialised up front
        tomcat.getHost().setParentClassLoader(new ContainerOnlyClassLoader(RedeployLeakIT.class.getClassLoader()));
        tomcat.getServer().addLifecycleListener(new JreMemoryLeakPreventionListener());
        tomcat.start();
    }

    @AfterAll
    static void stopTomcat() throws LifecycleException {
        CATALINA_LOG.removeHandler(LEAK_CAPTURE);
        if (jwks != null) {
            jwks.stop(0);
        }
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void featureWithItsOwnEngineOnJerseyLeavesNothingBehindAfter20Redeploys() throws IOException {
        redeploy("own-engine", RegistrationTests.war("own-engine"), "/own", ownEngineSettings(), CYCLES,
                RedeployLeakIT::exerciseOwnEngine);
    }

    @Test
    void featureWithItsOwnEngineOnResteasyLeavesNothingBehindAfter8Redeploys() throws IOException {
        redeploy("own-engine-resteasy", RegistrationTests.war("own-engine-resteasy"), "/own-rs",
                ownEngineSettings(), RESTEASY_CYCLES, RedeployLeakIT::exerciseOwnEngine);
    }

    @Test
    void demoWarWithFilterEngineJdbcStoreAndDecisionLogLeavesNothingBehindAfter10Redeploys() {
        Map<String, String> settings = new HashMap<>(DemoWarSettings.forPort(port)
                .attributesJdbcUrl("jdbc:h2:mem:redeploy-leak;DB_CLOSE_DELAY=-1").asMap());
        settings.put("portcullis.policy.reload", "true");
        redeploy("demo", ItPaths.demoWar(), "", settings, DEMO_CYCLES, RedeployLeakIT::exerciseDemo);
    }

    /** The own-engine WARs' settings: remote keys, a file attribute store, watched policies. */
    private static Map<String, String> ownEngineSettings() throws IOException {
        Path attributes = work.resolve("principals.yaml");
        Files.writeString(attributes, "principals:\n"
                + "  - issuer: " + RegistrationTests.ISSUER + "\n"
                + "    subject: alice\n"
                + "    roles: [user]\n", StandardCharsets.UTF_8);
        Path policies = Files.createDirectories(work.resolve("policies"));
        Files.writeString(policies.resolve("user.yaml"), "apiVersion: api.cerbos.dev/v1\n"
                + "resourcePolicy:\n"
                + "  resource: user\n"
                + "  version: default\n"
                + "  rules:\n"
                + "    - actions: [\"disable\"]\n"
                + "      effect: EFFECT_ALLOW\n"
                + "      roles: [\"admin\"]\n", StandardCharsets.UTF_8);
        Map<String, String> settings = new HashMap<>();
        settings.put("portcullis.issuer", RegistrationTests.ISSUER);
        settings.put("portcullis.audience", RegistrationTests.AUDIENCE);
        settings.put("portcullis.jwks-uri", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json");
        settings.put("portcullis.attributes.source", "file");
        settings.put("portcullis.attributes.file", attributes.toString());
        settings.put("portcullis.policy.dir", policies.toString());
        settings.put("portcullis.policy.reload", "true");
        return settings;
    }

    private static void exerciseOwnEngine(Http http) {
        assertThat(http.send("GET", "/api/whoami", null).status()).isEqualTo(401);
        Http.Response whoami = http.send("GET", "/api/whoami", RegistrationTests.token("alice"));
        assertThat(whoami.status()).as(whoami.toString()).isEqualTo(200);
        assertThat(whoami.body()).contains("principal=alice");
        assertThat(http.send("GET", "/api/denied", RegistrationTests.token("alice")).status()).isEqualTo(403);
    }

    private static void exerciseDemo(Http http) {
        assertThat(http.send("GET", "/api/documents/1", null).status()).isEqualTo(401);
        Http.Response issued = http.send("POST", "/dev/token?sub=alice&ttl=600", null);
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        String token = (String) issued.json().get("access_token");
        Http.Response document = http.send("GET", "/api/documents/1", token);
        assertThat(document.status()).as(document.toString()).isEqualTo(200);
        assertThat(http.send("GET", "/app/whoami", token).status()).isEqualTo(200);
    }

    private static void redeploy(String name, Path war, String contextPath, Map<String, String> settings,
                                 int cycles, Consumer<Http> exercise) {
        Map<String, String> previous = new HashMap<>();
        settings.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        LEAK_WARNINGS.clear();
        CHECKS_SKIPPED.clear();
        Http http = new Http(java.net.URI.create("http://127.0.0.1:" + port + contextPath + "/"));
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        try {
            long classesPerDeployment = 0;
            int baselineThreads = 0;
            long baselineClasses = 0;
            List<String> leftovers = new ArrayList<>();
            List<Integer> threadsAfterUndeploy = new ArrayList<>();
            for (int cycle = 1; cycle <= cycles; cycle++) {
                long before = totalLoadedClasses();
                loaders.add(deployExerciseUndeploy(war, contextPath, http, exercise));
                if (cycle == 1) {
                    classesPerDeployment = totalLoadedClasses() - before;
                }
                // checked at once, as Tomcat's own leak detection does on undeploy
                List<String> alive = portcullisThreads();
                if (!alive.isEmpty()) {
                    leftovers.add("after undeploy " + cycle + ": " + alive);
                }
                threadsAfterUndeploy.add(ManagementFactory.getThreadMXBean().getThreadCount());
                if (cycle == WARM_UP) {
                    awaitCollected(loaders, 10);
                    baselineThreads = liveThreadsAfterGc();
                    baselineClasses = loadedClasses();
                }
            }
            long pinned = awaitCollected(loaders, 30);
            List<String> holders = threadsHolding(loaders);
            int threads = liveThreadsAfterGc();
            long classes = loadedClasses();
            System.out.printf("%s: %d cycles; one deployment loads ~%d classes; after warm-up %d threads, %d"
                    + " classes; at the end %d threads, %d classes; class loaders not collected: %d; live threads"
                    + " after each undeploy: %s; Tomcat leak warnings: %s%n", name, cycles, classesPerDeployment,
                    baselineThreads, baselineClasses, threads, classes, pinned, threadsAfterUndeploy, LEAK_WARNINGS);
            assertThat(leftovers).as("threads named portcullis-* alive right after undeploying %s", name).isEmpty();
            assertThat(threads).as("live threads after %d redeploys of %s (baseline %d; after each undeploy: %s)",
                    cycles, name, baselineThreads, threadsAfterUndeploy)
                    .isLessThanOrEqualTo(baselineThreads + THREAD_TOLERANCE);
            // One leaked deployment would keep all of its classes: allow less than half of that,
            // for classes the JDK loads lazily on its own (lambda forms, reflection accessors).
            assertThat(classes).as("loaded classes after %d redeploys of %s (baseline %d, one deployment %d)",
                    cycles, name, baselineClasses, classesPerDeployment)
                    .isLessThan(baselineClasses + classesPerDeployment / 2);
            assertThat(pinned).as("class loaders of undeployed %s still reachable after 30 s of GC (threads whose"
                    + " context class loader is one of them: %s)", name, holders).isZero();
            assertThat(CHECKS_SKIPPED).as("leak checks Tomcat could not run (the --add-opens of it/pom.xml's"
                    + " argLine are missing)").isEmpty();
            assertThat(LEAK_WARNINGS).as("Tomcat's leak warnings on undeploy of %s", name)
                    .noneMatch(w -> w.toLowerCase(Locale.ROOT).contains("portcullis"))
                    .noneMatch(w -> w.contains("HttpClient"));
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    /** One deployment; returns a weak reference to its class loader, and keeps no strong one. */
    private static WeakReference<ClassLoader> deployExerciseUndeploy(Path war, String contextPath, Http http,
                                                                     Consumer<Http> exercise) {
        Context context = tomcat.addWebapp(contextPath, war.toString());
        try {
            assertThat(context.getState()).as("state of %s after deployment", war.getFileName())
                    .isEqualTo(LifecycleState.STARTED);
            exercise.accept(http);
            return new WeakReference<>(context.getLoader().getClassLoader());
        } finally {
            tomcat.getHost().removeChild(context);
        }
    }

    /** Waits (up to {@code seconds}) until every deployment's class loader is collected; returns how many are not. */
    private static long awaitCollected(List<WeakReference<ClassLoader>> loaders, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (loaders.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
            gc();
        }
        return loaders.stream().filter(r -> r.get() != null).count();
    }

    /** Names of live threads whose context class loader is one of the deployments'. */
    private static List<String> threadsHolding(List<WeakReference<ClassLoader>> loaders) {
        List<String> holders = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ClassLoader tccl = t.getContextClassLoader();
            if (tccl != null && loaders.stream().anyMatch(r -> r.get() == tccl)) {
                holders.add(t.getName());
            }
        }
        return holders;
    }

    private static void gc() {
        System.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int liveThreadsAfterGc() {
        gc();
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long loadedClasses() {
        gc();
        return ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
    }

    private static long totalLoadedClasses() {
        return ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    }

    private static List<String> portcullisThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().toLowerCase(Locale.ROOT).startsWith("portcullis")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /**
     * The parent of the web applications' class loaders: the JDK and Tomcat (servlet API
     * included), as a standalone Tomcat's common loader; nothing else from the test class path.
     */
    private static final class ContainerOnlyClassLoader extends ClassLoader {
        private static final List<String> CONTAINER = List.of("jakarta.servlet.", "jakarta.el.", "jakarta.websocket.",
                "jakarta.annotation.", "jakarta.security.auth.message.", "org.apache.catalina.", "org.apache.coyote.",
                "org.apache.tomcat.", "org.apache.juli.", "org.apache.naming.", "org.apache.el.");
        private final ClassLoader test;

        ContainerOnlyClassLoader(ClassLoader test) {
            super(ClassLoader.getPlatformClassLoader());
            this.test = test;
        }

        private static boolean container(String name) {
            return CONTAINER.stream().anyMatch(name::startsWith);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (container(name)) {
                return test.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            return container(name.replace('/', '.')) ? test.getResource(name) : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return container(name.replace('/', '.')) ? test.getResources(name) : Collections.emptyEnumeration();
        }
    }
}
