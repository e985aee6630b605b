package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.attributes.internal.AttributesUnavailableException;
import dev.portcullis.attributes.internal.JdbcAttributeSource;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two {@link AttributeCache} nodes on a real Terracotta server, both reading one real database (H2
 * over TCP through {@link JdbcAttributeSource}), with the Terracotta server killed: the documented
 * revocation bound holds on a node cut off from the cluster (a principal disabled in the database
 * and revoked on node A is refused on node B once B's entry is past its TTL, not TTL + stale
 * window later), an entry past its TTL is reloaded while the database answers, stale answers come
 * only while the database fails too, and every answer during the outage comes within the cluster
 * timeout (plus the load timeout when the database is down, plus a generous margin). Times are
 * measured with the wall clock and appended to {@code it/target/it-work/cluster-figures.txt};
 * TTLs are moved with a test clock.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusteredOutageIT {
    private static final String ISSUER = "https://issuer.example";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration STALE = Duration.ofSeconds(60);
    private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(2);
    /** Generous: this asserts a bounded wait on a shared 2-core machine, it is not a benchmark. */
    private static final Duration MARGIN = Duration.ofMillis(1500);

    private static TerracottaServer terracotta;
    private static Path work;
    private static int dbPort;
    private static Server db;
    private static String jdbcUrl;
    /** Wall-clock time of every answer during an outage, by case. */
    private static final Map<String, List<Long>> ANSWERS = new TreeMap<>();

    private TestClock clock;
    private AttributeCache a;
    private AttributeCache b;
    private final List<AttributeCache> opened = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        work = Path.of(System.getProperty("it.work.dir", "target/it-work"), "outage-" + System.currentTimeMillis());
        Files.createDirectories(work);
        dbPort = FreePorts.next();
        startDatabase();
        jdbcUrl = "jdbc:h2:tcp://127.0.0.1:" + dbPort + "/outage";
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : schema()) {
                s.execute(sql);
            }
        }
        for (String subject : List.of("alice", "bob", "carol")) {
            insert(subject);
        }
        terracotta = new TerracottaServer(work.resolve("terracotta"), 128).start();
    }

    @AfterAll
    static void stopServers() throws IOException {
        try {
            if (terracotta != null) {
                terracotta.close();
            }
            if (db != null) {
                db.stop();
            }
        } finally {
            writeFigures();
        }
    }

    @BeforeEach
    void nodes() throws Exception {
        clock = new TestClock(Instant.now());
        for (String subject : List.of("alice", "bob", "carol")) {
            status(subject, "ACTIVE");
        }
        String entity = "outage-it-" + UUID.randomUUID();
        a = node(entity);
        b = node(entity);
    }

    @AfterEach
    void closeNodes() throws Exception {
        opened.forEach(AttributeCache::close);
        opened.clear();
        if (!db.isRunning(false)) {
            startDatabase();
        }
    }

    private AttributeCache node(String entity) {
        AttributeCache cache = AttributeCache.builder()
                .source(JdbcAttributeSource.builder().jdbcUrl(jdbcUrl).username("sa").password("")
                        .queryTimeout(Duration.ofSeconds(1)).clock(clock).build())
                .clock(clock)
                .ttl(TTL)
                .staleWindow(STALE)
                .loadTimeout(LOAD_TIMEOUT)
                .cluster(terracotta.uri(entity))
                .clusterMb(2)
                .clusterTimeout(CLUSTER_TIMEOUT)
                .build();
        opened.add(cache);
        return cache;
    }

    @Test
    @Order(1)
    void clusterDownWhenDisabledAndRevokedOnAThenRefusedOnBAfterTtlNotStaleWindow() throws Exception {
        holdOnB("bob", "alice");
        assertThat(a.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.ACTIVE);
        long bLoads = b.loads();

        terracotta.kill();
        try {
            // the administrator disables Bob on node A while the cluster is down
            status("bob", "DISABLED");
            a.revoke(ISSUER, "bob");
            assertThat(timed("store up, revoked on this node", () -> a.get(ISSUER, "bob")).status())
                    .isEqualTo(PrincipalStatus.DISABLED);
            // within its TTL, B still holds Bob's entry: the documented bound
            clock.advance(TTL.minusSeconds(1));
            assertThat(timed("store up, fresh hit", () -> b.get(ISSUER, "bob")).status())
                    .isEqualTo(PrincipalStatus.ACTIVE);
            // past the TTL B reads the database again: refused, not served stale for the window
            clock.advance(Duration.ofSeconds(1));
            assertThat(timed("store up, past TTL", () -> b.get(ISSUER, "bob")).status())
                    .isEqualTo(PrincipalStatus.DISABLED);
            // positive control: an active principal B holds is still allowed during the outage
            assertThat(timed("store up, past TTL", () -> b.get(ISSUER, "alice")).status())
                    .isEqualTo(PrincipalStatus.ACTIVE);
            // and the reloaded answers are B's for a TTL: no load on the next requests
            long loads = b.loads();
            assertThat(timed("store up, fresh hit", () -> b.get(ISSUER, "bob")).status())
                    .isEqualTo(PrincipalStatus.DISABLED);
            assertThat(timed("store up, fresh hit", () -> b.get(ISSUER, "alice")).status())
                    .isEqualTo(PrincipalStatus.ACTIVE);
            assertThat(b.loads()).isEqualTo(loads).isEqualTo(bLoads + 2);
            assertThat(b.staleServes()).isZero();
            // fail closed as documented: a principal B does not hold is not loaded while cut off
            assertThatThrownBy(() -> timed("store up, not held", () -> b.get(ISSUER, "carol")))
                    .isInstanceOf(AttributesUnavailableException.class);
            assertThat(b.loads()).isEqualTo(loads);
        } finally {
            terracotta.start();
        }
        assertBounded("store up", CLUSTER_TIMEOUT.plus(MARGIN));
    }

    @Test
    @Order(2)
    void clusterDownWhenStoreUpThenEntryPastTtlReloadedNotServedStale() throws Exception {
        holdOnB("alice");
        terracotta.kill();
        try {
            role("alice", "auditor");
            assertThat(timed("store up, fresh hit", () -> b.get(ISSUER, "alice")).roles()).containsExactly("user");
            clock.advance(TTL.plusSeconds(1));
            assertThat(timed("store up, past TTL", () -> b.get(ISSUER, "alice")).roles())
                    .containsExactly("auditor", "user");
            assertThat(b.staleServes()).isZero();
            // again after another TTL: still read from the database
            status("alice", "DISABLED");
            clock.advance(TTL.plusSeconds(1));
            assertThat(timed("store up, past TTL", () -> b.get(ISSUER, "alice")).status())
                    .isEqualTo(PrincipalStatus.DISABLED);
            assertThat(b.staleServes()).isZero();
        } finally {
            terracotta.start();
            unrole("alice", "auditor");
        }
        assertBounded("store up", CLUSTER_TIMEOUT.plus(MARGIN));
    }

    @Test
    @Order(3)
    void clusterAndStoreDownThenStaleWithinWindowThenRefusedAndNodesReconnect() throws Exception {
        holdOnB("bob", "alice");
        terracotta.kill();
        try {
            // the store still answers: past the TTL an entry is reloaded, not served stale
            clock.advance(TTL.plusSeconds(1));
            assertThat(timed("store up, past TTL", () -> b.get(ISSUER, "bob")).status())
                    .isEqualTo(PrincipalStatus.ACTIVE);
            assertThat(b.staleServes()).isZero();

            db.stop(); // the database goes down too (its TCP server stops, connections break)
            // past the TTL of the reloaded entry, within the stale window: served stale
            clock.advance(TTL.plusSeconds(1));
            assertThat(timed("store down, stale", () -> b.get(ISSUER, "bob")).status())
                    .isEqualTo(PrincipalStatus.ACTIVE);
            assertThat(b.staleServes()).isEqualTo(1);
            // a principal revoked on this node is never served stale
            b.revoke(ISSUER, "alice");
            assertThatThrownBy(() -> timed("store down, revoked", () -> b.get(ISSUER, "alice")))
                    .isInstanceOf(AttributesUnavailableException.class);
            // past the stale window: refused
            clock.advance(STALE);
            assertThatThrownBy(() -> timed("store down, past window", () -> b.get(ISSUER, "bob")))
                    .isInstanceOf(AttributesUnavailableException.class);

            startDatabase(); // the database is back, the cluster is not: Bob is read again
            // (the pool may hand out one broken connection first: H2 says "database closed")
            PrincipalAttributes bob = null;
            for (int i = 0; i < 10 && bob == null; i++) {
                try {
                    bob = timed("store down, recovering", () -> b.get(ISSUER, "bob"));
                } catch (AttributesUnavailableException e) {
                    Thread.sleep(600);
                }
            }
            assertThat(bob).as("read again once the database is back").isNotNull();
            assertThat(bob.status()).isEqualTo(PrincipalStatus.ACTIVE);
        } finally {
            terracotta.start();
        }
        assertBounded("store up", CLUSTER_TIMEOUT.plus(MARGIN));
        assertBounded("store down", CLUSTER_TIMEOUT.plus(LOAD_TIMEOUT).plus(MARGIN));

        // both nodes reconnect to the restarted (empty) server and load Carol, whom neither held
        long t0 = System.nanoTime();
        for (AttributeCache node : List.of(b, a)) {
            PrincipalAttributes carol = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (carol == null && System.nanoTime() < deadline) {
                try {
                    carol = node.get(ISSUER, "carol");
                } catch (AttributesUnavailableException e) {
                    Thread.sleep(250);
                }
            }
            assertThat(carol).as("node reconnected").isNotNull();
            assertThat(carol.status()).isEqualTo(PrincipalStatus.ACTIVE);
        }
        // and a revocation crosses nodes again
        a.get(ISSUER, "bob");
        b.get(ISSUER, "bob");
        status("bob", "DISABLED");
        a.revoke(ISSUER, "bob");
        assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
        record("reconnection after restart", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    // ---------------------------------------------------------------------------------------

    /** Node B loads the principals once: it then holds them (the load reads its entry back into B's heap tier). */
    private void holdOnB(String... subjects) throws AttributesUnavailableException {
        for (String subject : subjects) {
            assertThat(b.get(ISSUER, subject).roles()).containsExactly("user");
        }
    }

    private interface Get {
        PrincipalAttributes get() throws AttributesUnavailableException;
    }

    private static PrincipalAttributes timed(String what, Get get) throws AttributesUnavailableException {
        long t = System.nanoTime();
        try {
            return get.get();
        } finally {
            record(what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
        }
    }

    private static synchronized void record(String what, long millis) {
        ANSWERS.computeIfAbsent(what, k -> new ArrayList<>()).add(millis);
    }

    private static synchronized void assertBounded(String prefix, Duration bound) {
        ANSWERS.forEach((what, millis) -> {
            if (what.startsWith(prefix)) {
                assertThat(Collections.max(millis)).as("longest answer (%s) in ms, all %s", what, millis)
                        .isLessThanOrEqualTo(bound.toMillis());
            }
        });
    }

    private static synchronized void writeFigures() throws IOException {
        StringBuilder out = new StringBuilder("outage answers (cluster-timeout=" + CLUSTER_TIMEOUT.toMillis()
                + " ms, load-timeout=" + LOAD_TIMEOUT.toMillis() + " ms), max ms and all ms by case:\n");
        ANSWERS.forEach((what, millis) -> out.append("  outage.").append(what.replace(' ', '-').replace(",", ""))
                .append(".max.ms=").append(Collections.max(millis)).append(" all=").append(millis).append('\n'));
        System.out.print(out);
        Path figures = work.getParent().resolve("cluster-figures.txt");
        Files.writeString(figures, out.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void startDatabase() throws SQLException {
        db = Server.createTcpServer("-tcpPort", Integer.toString(dbPort), "-baseDir",
                work.resolve("db").toAbsolutePath().toString(), "-ifNotExists").start();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "sa", "");
    }

    private static List<String> schema() throws IOException {
        // the shipped schema's documented location (README), whatever package the source class is in
        try (InputStream in = JdbcAttributeSource.class.getResourceAsStream("/dev/portcullis/attributes/schema.sql")) {
            assertThat(in).as("the shipped schema dev/portcullis/attributes/schema.sql").isNotNull();
            StringBuilder sql = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.strip().startsWith("--")) {
                    sql.append(line).append('\n');
                }
            }
            List<String> statements = new ArrayList<>();
            for (String s : sql.toString().split(";")) {
                if (!s.isBlank()) {
                    statements.add(s.strip());
                }
            }
            return statements;
        }
    }

    private static void insert(String subject) throws SQLException {
        update("INSERT INTO portcullis_principal (issuer, subject, status, version) VALUES (?, ?, 'ACTIVE', 1)",
                ISSUER, subject);
        update("INSERT INTO portcullis_principal_role (issuer, subject, role_name) VALUES (?, ?, 'user')",
                ISSUER, subject);
    }

    private static void status(String subject, String status) throws SQLException {
        update("UPDATE portcullis_principal SET status = ?, version = version + 1 WHERE issuer = ? AND subject = ?",
                status, ISSUER, subject);
    }

    private static void role(String subject, String role) throws SQLException {
        update("INSERT INTO portcullis_principal_role (issuer, subject, role_name) VALUES (?, ?, ?)",
                ISSUER, subject, role);
    }

    private static void unrole(String subject, String role) throws SQLException {
        update("DELETE FROM portcullis_principal_role WHERE issuer = ? AND subject = ? AND role_name = ?",
                ISSUER, subject, role);
    }

    private static void update(String sql, String... args) throws SQLException {
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setString(i + 1, args[i]);
            }
            p.executeUpdate();
        }
    }
}
