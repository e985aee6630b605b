package dev.portcullis.attributes.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for a test class, registered as a static {@code @RegisterExtension}
 * field.
 *
 * <p>If {@code PORTCULLIS_TEST_PG_URL} is set (with {@code PORTCULLIS_TEST_PG_USER} and
 * {@code PORTCULLIS_TEST_PG_PASSWORD}), that server is used. Otherwise a throwaway cluster is
 * created with the Debian PostgreSQL binaries ({@code /usr/lib/postgresql/<version>/bin/initdb}
 * and {@code pg_ctl}, the newest version found) in a temporary directory, listening on a free
 * loopback port only; when running as root (initdb refuses root) the binaries run as the
 * {@code postgres} user through {@code runuser}. The cluster is stopped and deleted after the
 * class, also when tests fail, and by a shutdown hook if the JVM ends first.
 *
 * <p>Either way each test class gets a fresh schema (dropped afterwards), selected by
 * {@code currentSchema} in {@link #jdbcUrl()}. The tests are skipped, with the reason, only when
 * no PostgreSQL can be had.
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
    static final String URL_ENV = "PORTCULLIS_TEST_PG_URL";
    static final String USER_ENV = "PORTCULLIS_TEST_PG_USER";
    static final String PASSWORD_ENV = "PORTCULLIS_TEST_PG_PASSWORD";

    private Cluster cluster;
    private String baseUrl;
    private String user;
    private String password;
    private String schema;
    private String jdbcUrl;

    /** The JDBC URL of the test schema. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A new connection to the test schema. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String external = System.getenv(URL_ENV);
        if (external != null && !external.isBlank()) {
            baseUrl = external.trim();
            user = System.getenv(USER_ENV);
            password = System.getenv(PASSWORD_ENV);
        } else {
            try {
                cluster = Cluster.start();
            } catch (ClusterUnavailable e) {
                Assumptions.abort("No PostgreSQL server for " + context.getDisplayName() + ": "
                        + e.getMessage() + " (set " + URL_ENV + " to use an existing one)");
            }
            baseUrl = cluster.url();
            user = Cluster.SUPERUSER;
            password = "";
        }
        schema = "portcullis_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(baseUrl, user, password);
             Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            stopCluster();
            throw new IllegalStateException("cannot create a schema on " + baseUrl, e);
        }
        jdbcUrl = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (schema != null && baseUrl != null) {
                try (Connection c = DriverManager.getConnection(baseUrl, user, password);
                     Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                } catch (SQLException e) {
                    if (cluster == null) {
                        throw new IllegalStateException("cannot drop schema " + schema, e);
                    }
                }
            }
        } finally {
            stopCluster();
        }
    }

    private void stopCluster() {
        if (cluster != null) {
            cluster.stop();
            cluster = null;
        }
    }

    /** Thrown when no cluster can be started here (no binaries, no postgres user...). */
    static final class ClusterUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        ClusterUnavailable(String message) {
            super(message);
        }
    }

    /** A throwaway PostgreSQL cluster in a temporary directory. */
    static final class Cluster {
        static final String SUPERUSER = "portcullis";

        private final Path dir;
        private final Path bin;
        private final List<String> prefix;
        private final int port;
        private final Thread hook;
        private boolean stopped;

        private Cluster(Path dir, Path bin, List<String> prefix, int port) {
            this.dir = dir;
            this.bin = bin;
            this.prefix = prefix;
            this.port = port;
            this.hook = new Thread(this::stopQuietly, "portcullis-test-pg-stop");
        }

        String url() {
            return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        }

        static Cluster start() throws ClusterUnavailable {
            return start(Paths.get("/usr/lib/postgresql"));
        }

        /** Starts a cluster with the newest binaries under {@code base}/VERSION/bin. */
        static Cluster start(Path base) throws ClusterUnavailable {
            Path bin = findBinaries(base);
            boolean root = isRoot();
            List<String> prefix = new ArrayList<>();
            Path dir;
            try {
                dir = Files.createTempDirectory("portcullis-pg-");
            } catch (IOException e) {
                throw new ClusterUnavailable("cannot create a temporary directory: " + e);
            }
            try {
                if (root) {
                    if (!Files.isExecutable(Paths.get("/usr/sbin/runuser"))
                            && !Files.isExecutable(Paths.get("/sbin/runuser"))) {
                        throw new ClusterUnavailable("running as root and runuser is missing");
                    }
                    handOverToPostgres(dir);
                    prefix.addAll(List.of("runuser", "-u", "postgres", "--"));
                }
                Path data = dir.resolve("data");
                run(dir, "initdb", prefix, List.of(bin.resolve("initdb").toString(), "-D", data.toString(),
                        "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"), 120);
                ClusterUnavailable last = null;
                for (int attempt = 0; attempt < 3; attempt++) {
                    int port = freePort();
                    Cluster cluster = new Cluster(dir, bin, prefix, port);
                    try {
                        run(dir, "pg_ctl-start", prefix, List.of(bin.resolve("pg_ctl").toString(), "-D",
                                data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir
                                        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                                "start"), 90);
                        Runtime.getRuntime().addShutdownHook(cluster.hook);
                        return cluster;
                    } catch (ClusterUnavailable e) {
                        last = e; // most likely the port was taken meanwhile: try another
                        cluster.stopQuietly();
                    }
                }
                throw last;
            } catch (ClusterUnavailable e) {
                deleteTree(dir);
                throw e;
            }
        }

        void stop() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run
            }
            stopQuietly();
        }

        private synchronized void stopQuietly() {
            if (stopped) {
                return;
            }
            stopped = true;
            try {
                run(dir, "pg_ctl-stop", prefix, List.of(bin.resolve("pg_ctl").toString(), "-D",
                        dir.resolve("data").toString(), "-m", "immediate", "-w", "-t", "30", "stop"), 60);
            } catch (ClusterUnavailable e) {
                // not running (start failed) or already gone; nothing else to do
            } finally {
                deleteTree(dir);
            }
        }

        private static Path findBinaries(Path base) throws ClusterUnavailable {
            if (!Files.isDirectory(base)) {
                throw new ClusterUnavailable("no PostgreSQL binaries under " + base);
            }
            try (Stream<Path> versions = Files.list(base)) {
                return versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())))
                        .orElseThrow(() -> new ClusterUnavailable("no initdb/pg_ctl under " + base + "/*/bin"));
            } catch (IOException e) {
                throw new ClusterUnavailable("cannot list " + base + ": " + e);
            }
        }

        private static int version(String name) {
            try {
                return Integer.parseInt(name);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private static boolean isRoot() {
            try {
                return Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self"), "unix:uid"));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return "root".equals(System.getProperty("user.name"));
            }
        }

        private static void handOverToPostgres(Path dir) throws ClusterUnavailable {
            UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
            try {
                UserPrincipal postgres = lookup.lookupPrincipalByName("postgres");
                GroupPrincipal group = lookup.lookupPrincipalByGroupName("postgres");
                PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
                view.setOwner(postgres);
                view.setGroup(group);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (IOException e) {
                throw new ClusterUnavailable("running as root and there is no usable 'postgres' user: " + e);
            }
        }

        private static void run(Path dir, String name, List<String> prefix, List<String> command, int timeoutSeconds)
                throws ClusterUnavailable {
            List<String> full = new ArrayList<>(prefix);
            full.addAll(command);
            Path log;
            try {
                log = Files.createTempFile("portcullis-pg-" + name, ".log");
            } catch (IOException e) {
                throw new ClusterUnavailable("cannot create a log file: " + e);
            }
            try {
                Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new ClusterUnavailable(name + " did not finish in " + timeoutSeconds + "s");
                }
                if (p.exitValue() != 0) {
                    throw new ClusterUnavailable(name + " failed (exit " + p.exitValue() + "): "
                            + tail(log) + tail(dir.resolve("server.log")));
                }
            } catch (IOException e) {
                throw new ClusterUnavailable("cannot run " + full.get(0) + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterUnavailable("interrupted while running " + name);
            } finally {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a stray log in the temporary directory is harmless
                }
            }
        }

        private static String tail(Path file) {
            try {
                String s = Files.readString(file, StandardCharsets.UTF_8).trim();
                return s.length() > 800 ? "..." + s.substring(s.length() - 800) : s;
            } catch (IOException e) {
                return "";
            }
        }

        private static int freePort() throws ClusterUnavailable {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new ClusterUnavailable("no free loopback port: " + e);
            }
        }

        private static void deleteTree(Path dir) {
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // best effort: leftover files in the temporary directory
                    }
                });
            } catch (IOException ignored) {
                // best effort
            }
        }

        @Override
        public String toString() {
            return "PostgreSQL cluster on port " + port + " in " + dir.toString().toLowerCase(Locale.ROOT);
        }
    }
}
