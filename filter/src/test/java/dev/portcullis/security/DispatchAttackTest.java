package dev.portcullis.security;

import dev.portcullis.servlet.PortcullisFilter;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.portcullis.security.AttackSupport.prompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * FORWARD and INCLUDE dispatches, guarded with the filter mapped for them, are decided on the
 * target's path (for INCLUDE the {@code jakarta.servlet.include.*} attributes, for FORWARD the
 * request's own getters), under a non-root context {@code /app} on embedded Jetty 12: a servlet
 * that any principal may call (unmatched) forwards to or includes the admin-only report; a viewer
 * never gets the report through it, an admin does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DispatchAttackTest {
    private static final String ROUTES = String.join("\n",
            "routes:",
            "  - {route: 'GET /api/admin/report', resource: report, action: read}",
            "");
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: report",
            "  version: default",
            "  rules:",
            "    - actions: ['read']",
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

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("dispatch");
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/report.yaml"), POLICY);
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        Files.writeString(dir.resolve("principals.yaml"), PRINCIPALS);
        idp = JwksServer.serving(TestKeys.rsa());
        app = PathAttackTest.reportApp(idp, dir, adminRuns)
                .contextPath("/app")
                .dispatcherTypes(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE,
                        DispatcherType.ERROR)
                .errorPage(418, "/api/admin/report")
                .servlet("/forward", new Dispatching(false))
                .servlet("/include", new Dispatching(true))
                .servlet("/teapot", new HttpServlet() {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.sendError(418);
                    }
                })
                .start();
        for (int i = 0; i < 3; i++) { // key fetch and JIT warm-up do not count against the prompt limit
            String token = Tokens.signedWith(TestKeys.rsa()).subject("alice").expiresIn(Duration.ofMinutes(30)).sign();
            assertThat(app.get("/app/x", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        }
    }

    @AfterAll
    void stop() throws IOException {
        app.close();
        idp.close();
        for (String f : new String[] {"policies/report.yaml", "policies", "routes.yaml", "principals.yaml", ""}) {
            Files.deleteIfExists(dir.resolve(f));
        }
    }

    /** Forwards to, or includes, {@code /api/admin/report}; an include is framed by before/after lines. */
    /** The last include refusal the including servlet saw. */
    private static final AtomicReference<Object> refusedIncludes = new AtomicReference<>();

    static final class Dispatching extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final boolean include;

        Dispatching(boolean include) {
            this.include = include;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            if (include) {
                resp.setContentType("text/plain");
                resp.getWriter().write("before\n");
                req.getRequestDispatcher("/api/admin/report").include(req, resp);
                refusedIncludes.set(req.getAttribute(PortcullisFilter.INCLUDE_REFUSAL_ATTRIBUTE));
                resp.getWriter().write("\nafter");
            } else {
                req.getRequestDispatcher("/api/admin/report").forward(req, resp);
            }
        }
    }

    private String get(String target, String subject) {
        String token = Tokens.signedWith(TestKeys.rsa()).subject(subject).expiresIn(Duration.ofMinutes(30)).sign();
        return prompt(() -> app.raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token + "\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void forwardWhenTargetRouteDeniesThen403ProblemJson() {
        int before = adminRuns.get();
        String response = get("/app/forward", "carol");
        assertThat(response).startsWith("HTTP/1.1 403 ").contains("application/problem+json")
                .contains("\"access_denied\"").doesNotContain("admin report");
        assertThat(adminRuns.get()).isEqualTo(before);
    }

    @Test
    void forwardWhenTargetRouteAllowsThenTargetServed() {
        int before = adminRuns.get();
        assertThat(get("/app/forward", "alice")).startsWith("HTTP/1.1 200 ").contains("admin report");
        assertThat(adminRuns.get()).isEqualTo(before + 1);
    }

    @Test
    void includeWhenTargetRouteDeniesThenTargetNotRunAndIncludingPageToldTheReason() {
        int before = adminRuns.get();
        String response = get("/app/include", "carol");
        // an include cannot change the including response's status or headers: the target is not run
        assertThat(response).startsWith("HTTP/1.1 200 ").contains("before\n\nafter").doesNotContain("admin report");
        assertThat(refusedIncludes.get()).isEqualTo("access_denied");
        assertThat(adminRuns.get()).isEqualTo(before);
    }

    @Test
    void includeWhenTargetRouteAllowsThenTargetContentIncluded() {
        int before = adminRuns.get();
        assertThat(get("/app/include", "alice")).startsWith("HTTP/1.1 200 ")
                .contains("before\nadmin report\nafter");
        assertThat(adminRuns.get()).isEqualTo(before + 1);
    }

    @Test
    void includeOrForwardWhenDisguisedEntryThenStillDecidedOnTarget() {
        int before = adminRuns.get();
        assertThat(get("/%61pp/forward", "carol")).startsWith("HTTP/1.1 403 ");
        assertThat(get("//app/include;jsessionid=1", "carol")).doesNotContain("admin report");
        assertThat(adminRuns.get()).isEqualTo(before);
    }

    @Test
    void errorDispatchWhenErrorPageRouteDeniesThen403AndAdminGetsTheErrorPage() {
        int before = adminRuns.get();
        String viewer = get("/app/teapot", "carol");
        assertThat(viewer).startsWith("HTTP/1.1 403 ").contains("\"access_denied\"").doesNotContain("admin report");
        assertThat(adminRuns.get()).isEqualTo(before);
        String admin = get("/app/teapot", "alice");
        assertThat(admin).startsWith("HTTP/1.1 418 ").contains("admin report");
        assertThat(adminRuns.get()).isEqualTo(before + 1);
    }
}
