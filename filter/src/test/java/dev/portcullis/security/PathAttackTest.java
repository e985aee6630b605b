package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.prompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Path tricks against URL rules: the route table protects {@code GET /api/admin/report} (admins
 * only) in front of a servlet mapped to {@code /api/admin/*}; path parameters, doubled slashes,
 * dot segments (plain and encoded), encoded slashes, case and other methods must never reach the
 * report (served by the container where its own mapping puts it) without an allowing decision, even with unmatched paths left open to any
 * authenticated principal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathAttackTest {
    private static final String ROUTES = String.join("\n",
            "routes:",
            "  - {route: 'GET /api/admin/report', resource: report, action: read}",
            "  - {route: 'DELETE /api/admin/report', resource: report, action: delete}",
            "");
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: report",
            "  version: default",
            "  rules:",
            "    - actions: ['read', 'delete']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['admin']",
            "");
    private static final String REVOKE_POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: portcullis",
            "  version: default",
            "  rules:",
            "    - actions: ['revoke']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['admin']",
            "");
    private static final String PRINCIPALS = String.join("\n",
            "principals:",
            "  - {issuer: '" + Tokens.ISSUER + "', subject: alice, roles: [admin]}",
            "  - {issuer: '" + Tokens.ISSUER + "', subject: carol, roles: [viewer]}",
            "");

    private final AtomicInteger adminRuns = new AtomicInteger();
    private Path dir;
    private JwksServer idp;
    private FilterServer app;
    /** The same application under the context path {@code /app}. */
    private FilterServer underApp;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("paths");
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/report.yaml"), POLICY);
        Files.writeString(dir.resolve("policies/portcullis.yaml"), REVOKE_POLICY);
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        Files.writeString(dir.resolve("principals.yaml"), PRINCIPALS);
        idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
        app = reportApp(idp, dir, adminRuns)
                .start();
        AttackSupport.warmUp(app);
        underApp = reportApp(idp, dir, adminRuns)
                .contextPath("/app")
                .param("portcullis.public-paths", "/health")
                .param("portcullis.admin.revoke-path", "/admin/revoke")
                .start();
    }

    /**
     * The report application: the file store, policies and route table written to {@code dir},
     * the admin servlet at {@code /api/admin/*} counting its runs. Shared with the dispatch tests.
     */
    static FilterServer.Builder reportApp(JwksServer idp, Path dir, AtomicInteger adminRuns) {
        return FilterServer.builder().trusting(idp)
                .param("portcullis.attributes.source", "file")
                .param("portcullis.attributes.file", dir.resolve("principals.yaml").toString())
                .param("portcullis.policy.dir", dir.resolve("policies").toString())
                .param("portcullis.routes", dir.resolve("routes.yaml").toString())
                .servlet("/api/admin/*", new AdminServlet(adminRuns));
    }

    @AfterAll
    void stop() throws IOException {
        app.close();
        underApp.close();
        idp.close();
        for (String f : new String[] {"policies/report.yaml", "policies/portcullis.yaml", "policies", "routes.yaml", "principals.yaml", ""}) {
            Files.deleteIfExists(dir.resolve(f));
        }
    }

    /** The protected content: counts the times it ran. */
    static final class AdminServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient AtomicInteger runs;

        AdminServlet(AtomicInteger runs) {
            this.runs = runs;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            // serves the report where the container's own path mapping puts it (case-sensitive)
            Object included = req.getAttribute("jakarta.servlet.include.path_info"); // when included, the target's
            if (!"/report".equals(included != null ? included : req.getPathInfo())) {
                resp.sendError(404);
                return;
            }
            runs.incrementAndGet();
            resp.setContentType("text/plain");
            resp.getWriter().write("admin report");
        }
    }

    private static String token(String subject) {
        return Tokens.signedWith(TestKeys.rsa()).subject(subject).expiresIn(Duration.ofMinutes(30)).sign();
    }

    private String raw(String method, String target, String subject) {
        return raw(app, method, target, subject);
    }

    private static String raw(FilterServer server, String method, String target, String subject) {
        return prompt(() -> server.raw(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token(subject) + "\r\nConnection: close\r\n\r\n"));
    }

    private static int status(String rawResponse) {
        return Integer.parseInt(rawResponse.substring(9, 12));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/api/admin/report",
            "/api/admin/report;jsessionid=1",
            "/api/admin;x=1/report",
            "/api/admin/report;",
            "//api/admin/report",
            "/api//admin///report",
            "/api/admin/./report",
            "/api/x/../admin/report",
            "/api/x/%2e%2e/admin/report",
            "/api/x/%2E%2E/admin/report",
            "/api/admin/%2e/report",
            "/api%2fadmin/report",
            "/api/admin%2freport",
            "/api/admin%5creport",
            "/api/admin/%72eport",
            "/api/admin/report%3b",
            "/api/admin/report%00",
            "/api/admin/report/",
            "/api/admin/report//",
            "/api/admin/report/.",
            "/API/admin/report",
            "/api/admin/REPORT",
            "/api/admin/report?x=/../",
            "/api/admin/report#frag",
            "/./api/admin/report",
            "/../api/admin/report",
            "http://localhost/api/admin/report"})
    void requestWhenPathIsDisguisedThenAdminContentNeverReachedByNonAdmin(String target) {
        int before = adminRuns.get();
        String response = raw("GET", target, "carol");
        assertThat(adminRuns.get()).as("admin servlet ran for %s: %s", target, response).isEqualTo(before);
        if (status(response) == 200) {
            assertThat(response).as("an unrouted path reached the open application, not the report")
                    .doesNotContain("admin report");
        } else {
            assertThat(status(response)).as(response).isIn(400, 403, 404);
        }
        AttackSupport.assertNoInternals(response.substring(response.indexOf("\r\n\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HEAD", "OPTIONS", "PATCH", "PUT", "POST", "TRACE", "DELETE", "PROPFIND", "get"})
    void requestWhenOtherMethodOnProtectedRouteThenNeverReachedWithoutAllowingDecision(String method) {
        int before = adminRuns.get();
        String response = raw(method, "/api/admin/report", "carol");
        assertThat(adminRuns.get()).as("%s reached the admin servlet: %s", method, response).isEqualTo(before);
        assertThat(status(response)).as(response).isIn(400, 403, 405);
    }

    @Test
    void requestWhenHeadOrOptionsByViewerThen403FromTheFilter() {
        int before = adminRuns.get();
        for (String method : new String[] {"HEAD", "OPTIONS"}) {
            HttpResponse<String> r = prompt(() -> app.send(app.request("/api/admin/report", "Authorization",
                    "Bearer " + token("carol")).method(method, HttpRequest.BodyPublishers.noBody()).build()));
            assertThat(r.statusCode()).as(method).isEqualTo(403);
        }
        HttpResponse<String> get = prompt(() -> app.get("/api/admin/report", "Authorization", "Bearer " + token("carol")));
        assertRefused(app, app.invocations(), get, Reason.ACCESS_DENIED, null);
        assertThat(adminRuns.get()).isEqualTo(before);
    }

    @Test
    void requestWhenAdminThenReportServedWithAndWithoutPathDecorations() {
        int before = adminRuns.get();
        assertThat(raw("GET", "/api/admin/report", "alice")).startsWith("HTTP/1.1 200 ").contains("admin report");
        assertThat(status(raw("GET", "/api/admin/report;jsessionid=1", "alice"))).isEqualTo(200);
        assertThat(status(raw("HEAD", "/api/admin/report", "alice"))).isEqualTo(200);
        assertThat(status(raw("DELETE", "/api/admin/report", "alice"))).isEqualTo(200);
        assertThat(adminRuns.get()).isEqualTo(before + 4);
    }

    /**
     * Spellings of the context {@code /app} and of the path below it. Before the filter decided
     * on the dispatched path, every spelling whose raw URI did not start with {@code /app} (the
     * context path Jetty reports) matched no route and reached the report as "unmatched".
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/app/api/admin/report",
            "/%61pp/api/admin/report",
            "/%61%70%70/api/admin/report",
            "/app/api/%61dmin/report",
            "//app/api/admin/report",
            "///app/api/admin/report",
            "/app//api/admin/report",
            "/./app/api/admin/report",
            "/app/./api/admin/report",
            "/x/../app/api/admin/report",
            "/app/x/../api/admin/report",
            "/app/api/admin/report/../report",
            "/%2e/app/api/admin/report",
            "/app;x=1/api/admin/report",
            "/app;jsessionid=1/api/admin/report",
            "/app/api/admin/report;jsessionid=1",
            "/app/api;x=1/admin/report",
            "/APP/api/admin/report",
            "/App/api/admin/report",
            "/app/API/admin/report",
            "/app/api/admin/REPORT",
            "/app/api/admin/report/",
            "/app%2fapi/admin/report",
            "/app/../app/api/admin/report",
            "/../app/api/admin/report",
            "http://localhost/app/api/admin/report",
            "http://localhost//%61pp/api/admin/report"})
    void requestUnderContextWhenPathIsDisguisedThenAdminContentNeverReachedByNonAdmin(String target) {
        for (String method : new String[] {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
            int before = adminRuns.get();
            String response = raw(underApp, method, target, "carol");
            assertThat(adminRuns.get()).as("admin servlet ran for %s %s: %s", method, target, response)
                    .isEqualTo(before);
            if (status(response) == 200) {
                assertThat(response).as("an unrouted path reached the open application, not the report")
                        .doesNotContain("admin report");
            } else {
                assertThat(status(response)).as("%s %s: %s", method, target, response).isIn(400, 403, 404);
            }
            AttackSupport.assertNoInternals(response.substring(response.indexOf("\r\n\r\n")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/app/api/admin/report",
            "/%61pp/api/admin/report",
            "//app/api/admin/report",
            "/app/./api/admin/report",
            "/x/../app/api/admin/report",
            "/app;x=1/api/admin/report",
            "/app/api/admin/report;jsessionid=1",
            "/APP/api/admin/report",
            "/app/api/admin/report/"})
    void requestUnderContextWhenAdminThenSameDecisionAsCanonicalPathOrRefused(String target) {
        int before = adminRuns.get();
        String response = raw(underApp, "GET", target, "alice");
        if (status(response) == 200) {
            assertThat(response).contains("admin report");
            assertThat(adminRuns.get()).isEqualTo(before + 1);
        } else {
            assertThat(status(response)).as("%s: %s", target, response).isIn(400, 404);
            assertThat(adminRuns.get()).isEqualTo(before);
        }
    }

    @Test
    void requestUnderContextWhenCanonicalPathThenAdminServedAndViewerDenied() {
        int before = adminRuns.get();
        assertThat(raw(underApp, "GET", "/app/api/admin/report", "alice")).startsWith("HTTP/1.1 200 ")
                .contains("admin report");
        assertThat(status(raw(underApp, "HEAD", "/app/api/admin/report", "alice"))).isEqualTo(200);
        assertThat(status(raw(underApp, "DELETE", "/app/api/admin/report", "alice"))).isEqualTo(200);
        assertThat(adminRuns.get()).isEqualTo(before + 3);
        String denied = raw(underApp, "GET", "/app/api/admin/report", "carol");
        assertThat(denied).startsWith("HTTP/1.1 403 ").contains("\"access_denied\"");
        String unrouted = raw(underApp, "GET", "/app/elsewhere", "carol");
        assertThat(unrouted).as("positive control: unmatched paths stay open to any principal")
                .startsWith("HTTP/1.1 200 ").contains("principal=carol");
    }

    @Test
    void requestUnderContextWhenUriCannotBeRelatedToDispatchThen400ProblemJson() {
        int before = underApp.invocations();
        String response = raw(underApp, "GET", "/%61pp/api/%2e%2e%2fadmin/report", "alice");
        assertThat(response).startsWith("HTTP/1.1 400 ");
        assertThat(underApp.invocations()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/app/health", "/%61pp/health", "//app/health", "/app/./health", "/app;x=1/health",
            "/app/health;jsessionid=1"})
    void publicPathUnderContextWhenSpelledOtherwiseThenDecidedOnDispatchedPath(String target) {
        String response = prompt(() -> underApp.raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n"));
        if (status(response) == 200) {
            assertThat(response).as(target).endsWith("ok");
        } else {
            assertThat(status(response)).as("%s: %s", target, response).isIn(400, 404);
        }
        String protectedPath = prompt(() -> underApp.raw("GET " + target.replace("health", "api/admin/report")
                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        assertThat(status(protectedPath)).as("negative twin without a token: %s", protectedPath).isIn(400, 401);
    }

    @Test
    void publicPathUnderContextWhenCanonicalOrPercentEncodedThenNoTokenNeeded() {
        for (String target : new String[] {"/app/health", "/%61pp/health"}) {
            String response = prompt(() -> underApp.raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n"));
            assertThat(response).as(target).startsWith("HTTP/1.1 200 ").endsWith("ok");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/app/admin/revoke", "/%61pp/admin/revoke", "/app/./admin/revoke",
            "/x/../app/admin/revoke", "/app;x=1/admin/revoke;jsessionid=1"})
    void revocationUnderContextWhenSpelledOtherwiseThenSameEndpointAndAuthorization(String target) {
        String query = "?subject=nobody";
        String viewer = raw(underApp, "POST", target + query, "carol");
        assertThat(status(viewer)).as(viewer).isEqualTo(403);
        assertThat(viewer).contains("\"access_denied\"");
        String admin = raw(underApp, "POST", target + query, "alice");
        assertThat(status(admin)).as(admin).isEqualTo(204);
    }
}
