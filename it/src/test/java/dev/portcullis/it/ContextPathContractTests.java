package dev.portcullis.it;

import dev.portcullis.Reason;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo WAR deployed under the non-root context {@code /app} (the way most legacy WARs are
 * deployed), run unchanged on every server (one subclass per server). Its route table
 * ({@code WEB-INF/routes.yaml}) protects the admin console servlet ({@code GET /admin/console}:
 * admins only) and leaves other paths to any authenticated principal; a table of spellings of the
 * context and of the path, with every method, is sent as raw bytes over a socket: each answer is
 * a refusal, the same decision as the canonical path, or (when the container maps the spelling
 * elsewhere, e.g. another case) an answer that is not the console; a viewer never reaches the
 * console, and Portcullis never answers 5xx.
 * Also: forwards and includes to the console are decided on the console's route.
 *
 * <p>The answers of every spelling are written to {@code <server>-context-spellings.txt} beside the
 * server logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ContextPathContractTests {
    static final String CONTEXT = "/app";
    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    /**
     * Statuses that are a refusal by the container or by Portcullis (501: a container's default
     * servlet for a method it does not implement, on a path that is not the console).
     */
    static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 404, 405, 501);
    static final List<String> SPELLINGS = List.of(
            "/app/admin/console",
            // percent-encoded letters
            "/%61pp/admin/console",
            "/%61%70%70/admin/console",
            "/app/%61dmin/console",
            "/app/admin/%63onsole",
            // repeated slashes
            "//app/admin/console",
            "///app/admin/console",
            "/app//admin/console",
            "/app/admin//console",
            // dot segments
            "/app/./admin/console",
            "/./app/admin/console",
            "/x/../app/admin/console",
            "/app/x/../admin/console",
            "/app/admin/../admin/console",
            "/app/admin/console/../console",
            "/app/%2e/admin/console",
            "/app/x/%2e%2e/admin/console",
            // ; parameters
            "/app;x=1/admin/console",
            "/app;jsessionid=1/admin/console",
            "/app/admin;x=1/console",
            "/app/admin/console;jsessionid=1",
            "/app/admin/console;",
            // case
            "/APP/admin/console",
            "/App/admin/console",
            "/app/ADMIN/console",
            "/app/admin/CONSOLE",
            // trailing slash
            "/app/admin/console/",
            "/app/admin/console//",
            // encoded separators
            "/app%2fadmin/console",
            "/app/admin%2fconsole",
            "/app/admin%5cconsole",
            // absolute form ({authority} is the server's host and port, as in the Host header)
            "http://{authority}/app/admin/console",
            "http://{authority}//%61pp/admin/console");

    DemoDatabase database;
    WebServer server;
    Http http;
    int port;

    /** A short name for directories and logs, e.g. {@code jetty-12.0-app}. */
    abstract String serverName();

    /** Deploys the WAR under {@value #CONTEXT} on this class's server at {@code 127.0.0.1:port}. */
    abstract WebServer deploy(String name, Path war, int port, DemoWarSettings settings);

    /** The WAR under test: the Jakarta demo WAR; the javax servers' classes give the javax one. */
    Path war() {
        return ItPaths.demoWar();
    }

    @BeforeAll
    void startServer() {
        port = FreePorts.next();
        database = DemoDatabase.fresh(serverName());
        DemoWarSettings settings = DemoWarSettings.forPort(port)
                .set("portcullis.jwks-uri", "http://127.0.0.1:" + port + CONTEXT + "/dev/jwks.json")
                .attributesJdbcUrl(database.url());
        server = deploy(serverName(), war(), port, settings);
        http = new Http(server.baseUri());
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    String devToken(String subject) {
        Http.Response r = http.send("POST", CONTEXT + "/dev/token?sub=" + subject + "&ttl=600", null);
        assertThat(r.status()).as("%s\n%s", r, server.logTail(30)).isEqualTo(200);
        return (String) r.json().get("access_token");
    }

    /** Sends {@code method target HTTP/1.1} byte for byte and returns the whole response. */
    String raw(String method, String target, String token) {
        String authority = "127.0.0.1:" + port;
        String request = method + " " + target.replace("{authority}", authority) + " HTTP/1.1\r\n"
                + "Host: " + authority + "\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + (Set.of("POST", "PUT", "PATCH").contains(method) ? "Content-Length: 0\r\n" : "")
                + "Connection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target, e);
        }
    }

    static int status(String response) {
        assertThat(response).as("no HTTP response").startsWith("HTTP/1.1 ");
        return Integer.parseInt(response.substring(9, 12));
    }

    static boolean reachedConsole(String response) {
        return response.contains("\"console\":\"admin\"");
    }

    @Test
    void consoleWhenCanonicalPathThenAdminServedAndViewerDenied() {
        String admin = raw("GET", "/app/admin/console", devToken("alice"));
        assertThat(status(admin)).as("%s\n%s", admin, server.logTail(30)).isEqualTo(200);
        assertThat(reachedConsole(admin)).as(admin).isTrue();

        String viewer = raw("GET", "/app/admin/console", devToken("carol"));
        assertThat(status(viewer)).as(viewer).isEqualTo(403);
        assertThat(viewer).contains("application/problem+json").contains("\"" + Reason.ACCESS_DENIED.code() + "\"");

        String unrouted = raw("GET", "/app/app/whoami", devToken("carol"));
        assertThat(status(unrouted)).as("positive control: unrouted paths need authentication only: %s", unrouted)
                .isEqualTo(200);
        assertThat(unrouted).contains("\"subject\":\"carol\"");
    }

    @Test
    void consoleWhenContextOrPathSpelledOtherwiseThenRefusedOrCanonicalDecision() throws IOException {
        Map<String, String> tokens = Map.of("alice", devToken("alice"), "carol", devToken("carol"));
        Map<String, Integer> canonical = new HashMap<>();
        for (String user : tokens.keySet()) {
            for (String method : METHODS) {
                canonical.put(user + " " + method, status(raw(method, "/app/admin/console", tokens.get(user))));
            }
        }
        assertThat(canonical.get("alice GET")).as("positive control").isEqualTo(200);
        assertThat(canonical.get("alice HEAD")).as("HEAD uses the GET route").isEqualTo(200);
        List<String> table = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, Boolean> getReached = new HashMap<>();
        for (String target : SPELLINGS) {
            for (String method : METHODS) {
                for (String user : List.of("alice", "carol")) {
                    String response = raw(method, target, tokens.get(user));
                    int status = status(response);
                    int expected = canonical.get(user + " " + method);
                    // a HEAD answer has no body: it reached the console if the GET of the same spelling did
                    boolean reached = method.equals("HEAD") ? status == 200 && getReached.get(target + " " + user)
                            : reachedConsole(response);
                    if (method.equals("GET")) {
                        getReached.put(target + " " + user, reached);
                    }
                    table.add(String.format("%-8s %-40s %-6s %d%s (canonical %d)", method, target, user, status,
                            reached ? " console" : "", expected));
                    if (user.equals("carol") && reached) {
                        failures.add("viewer reached the console: " + method + " " + target);
                    }
                    if (reached && expected != 200) {
                        failures.add(method + " " + target + " as " + user + " reached the console, the canonical"
                                + " path gives " + expected);
                    }
                    if (status != expected && !REFUSALS.contains(status) && (status != 200 || reached)) {
                        failures.add(method + " " + target + " as " + user + ": " + status + " but the canonical path"
                                + " gives " + expected + "\n" + response);
                    }
                }
            }
        }
        Files.write(ItPaths.logs().resolve(serverName() + "-context-spellings.txt"), table);
        assertThat(failures).as("see %s-context-spellings.txt\n%s", serverName(), server.logTail(20)).isEmpty();
    }

    @Test
    void forwardWhenTargetRouteDeniesThenRefusedAndAllowedForAdmin() {
        String viewer = raw("GET", "/app/portal/forward", devToken("carol"));
        assertThat(status(viewer)).as("%s\n%s", viewer, server.logTail(30)).isEqualTo(403);
        assertThat(viewer).contains("application/problem+json").contains("\"" + Reason.ACCESS_DENIED.code() + "\"");
        assertThat(reachedConsole(viewer)).isFalse();

        String admin = raw("GET", "/app/portal/forward", devToken("alice"));
        assertThat(status(admin)).as("%s\n%s", admin, server.logTail(30)).isEqualTo(200);
        assertThat(reachedConsole(admin)).as(admin).isTrue();
    }

    @Test
    void includeWhenTargetRouteDeniesThenTargetNotIncludedAndIncludedForAdmin() {
        String viewer = raw("GET", "/app/portal/include", devToken("carol"));
        // an include cannot change the including page's status: the console is not run, the page is told why
        assertThat(status(viewer)).as("%s\n%s", viewer, server.logTail(30)).isEqualTo(200);
        assertThat(viewer).contains("portal:(console refused: " + Reason.ACCESS_DENIED.code() + "):end");
        assertThat(reachedConsole(viewer)).as(viewer).isFalse();

        String admin = raw("GET", "/app/portal/include", devToken("alice"));
        assertThat(status(admin)).as("%s\n%s", admin, server.logTail(30)).isEqualTo(200);
        assertThat(admin).contains("portal:{\"console\":\"admin\"").contains(":end");
    }

    /**
     * Issue 14 (5d): path parameters such as {@code ;jsessionid=} never reach the decision log or a
     * log line; both adapters record the one path the servlet filter decided the dispatch on, the
     * path within the web application (the JAX-RS record is the same request's: not the request
     * URI with the context path). Checked where the server's log
     * file holds the web application's log (the distributions; embedded Tomcat logs to the test
     * output instead).
     */
    @Test
    void decisionLogWhenPathParametersThenRecordedPathHasNone() throws IOException, InterruptedException {
        String marker = "s3cr3tSession" + port;
        String lastTokenId = null;
        for (String user : List.of("alice", "carol")) {
            String token = devToken(user);
            lastTokenId = tokenId(token);
            // the unrouted whoami first: it is not recorded; the JAX-RS read (GET only) and the
            // console's six decisions are
            for (String target : List.of("/app/app/whoami;jsessionid=" + marker,
                    "/app/api/documents/1;jsessionid=" + marker, "/app/admin/console;jsessionid=" + marker, "/app;jsessionid=" + marker + "/admin/console",
                    "/app/admin;jsessionid=" + marker + "/console")) {
                raw("GET", target, token);
                raw("POST", target, token);
            }
        }
        String logs = "";
        for (int attempt = 0; attempt < 100 && occurrences(logs, lastTokenId) < 7; attempt++) {
            Thread.sleep(100); // the decision log is written asynchronously, in order
            StringBuilder sb = new StringBuilder();
            for (Path log : server.logs()) {
                if (!log.getFileName().toString().contains("access_log")) { // the container's, raw request lines
                    sb.append(Files.readString(log, StandardCharsets.ISO_8859_1));
                }
            }
            logs = sb.toString();
        }
        // the demo writes its decision log to standard output (portcullis.decision-log.output=stdout),
        // which the distributions' process logs hold; an embedded server's is the test JVM's own
        assumeTrue(logs.contains("\"decision_id\":\""), "this server's log file has no decision log");
        assertThat(occurrences(logs, lastTokenId)).as("the viewer's seven decisions were recorded").isEqualTo(7);
        assertThat(logs).contains("\"path\":\"/admin/console\"").contains("\"path\":\"/api/documents/1\"")
                .doesNotContain("\"path\":\"/app/api/documents/1\"")
                .doesNotContain(marker);
    }

    private static String tokenId(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"jti\"\\s*:\\s*\"([^\"]+)\"").matcher(payload);
        assertThat(m.find()).as("jti in %s", payload).isTrue();
        return m.group(1);
    }

    private static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
