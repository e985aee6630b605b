package dev.portcullis.servlet;

import dev.portcullis.Authorization;
import dev.portcullis.Portcullis;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scoped (multi-tenant) policies through the servlet filter over real HTTP: the route's
 * {@code scope: "acme.{tenant}"} from the path, the resolver's scope from the database winning and
 * a contradicting path denied, {@code P.scope} from the attribute store
 * ({@code portcullis.policy.principal-scope-attribute}), and the allowing decision's rule outputs
 * in the request attribute {@code dev.portcullis.authorization}.
 */
class ScopedTenantHttpTest {
    private static final String HEADER = "apiVersion: api.cerbos.dev/v1\n";

    @TempDir
    Path dir;
    private JwksServer idp;
    private String dbUrl;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    private static String policy(String kind, String scope, String rules) {
        return HEADER + "resourcePolicy:\n  resource: " + kind + "\n  version: default\n"
                + (scope.isEmpty() ? "" : "  scope: " + scope + "\n") + "  rules:\n" + rules;
    }

    private static final String VIEWER_READS = "    - name: viewer-reads\n      actions: [read]\n"
            + "      effect: EFFECT_ALLOW\n      roles: [viewer]\n"
            + "      output:\n        when:\n          ruleActivated: '\"read by \" + P.id + \" in \" + R.scope'\n";
    private static final String VIEWER_DENIED = "    - name: viewers-locked-out\n      actions: [read]\n"
            + "      effect: EFFECT_DENY\n      roles: [viewer]\n";
    private static final String AUDITOR_READS = "    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [auditor]\n";
    private static final String OWN_TENANT_READS = "    - name: own-tenant\n      actions: [read]\n"
            + "      effect: EFFECT_ALLOW\n      roles: [viewer]\n"
            + "      condition:\n        match:\n          expr: P.scope == R.scope\n";

    @BeforeEach
    void setUp() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa());
        toClose.add(idp);
        dbUrl = "jdbc:h2:mem:tenants-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        sql(new String(getClass().getResourceAsStream("/dev/portcullis/attributes/schema.sql").readAllBytes(),
                StandardCharsets.UTF_8));
        sql(String.join(";\n",
                "INSERT INTO portcullis_principal (issuer, subject, status, version) VALUES"
                        + " ('" + Tokens.ISSUER + "', 'carol', 'ACTIVE', 1)",
                "INSERT INTO portcullis_principal_role (issuer, subject, role_name) VALUES"
                        + " ('" + Tokens.ISSUER + "', 'carol', 'viewer')",
                "INSERT INTO portcullis_principal_attribute (issuer, subject, attr_name, attr_value) VALUES"
                        + " ('" + Tokens.ISSUER + "', 'carol', 'tenant', 'acme.t2')",
                "CREATE TABLE tdoc (id VARCHAR(16) PRIMARY KEY, owner VARCHAR(64), tenant VARCHAR(16))",
                "INSERT INTO tdoc VALUES ('1', 'zoe', 't1'), ('2', 'zoe', 't2')", ""));
        Path p = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(p.resolve("tdoc.yaml"), policy("tdoc", "", VIEWER_READS));
        Files.writeString(p.resolve("tdoc_acme.yaml"), policy("tdoc", "acme", AUDITOR_READS));
        Files.writeString(p.resolve("tdoc_t1.yaml"), policy("tdoc", "acme.t1", VIEWER_DENIED));
        Files.writeString(p.resolve("tdoc_t2.yaml"), policy("tdoc", "acme.t2", AUDITOR_READS));
        Files.writeString(p.resolve("note.yaml"), policy("note", "", OWN_TENANT_READS));
        Files.writeString(p.resolve("note_acme.yaml"), policy("note", "acme", AUDITOR_READS));
        Files.writeString(p.resolve("note_t1.yaml"), policy("note", "acme.t1", AUDITOR_READS));
        Files.writeString(p.resolve("note_t2.yaml"), policy("note", "acme.t2", AUDITOR_READS));
        Files.writeString(p.resolve("note_v2.yaml"), policy("note", "", "    - actions: [read]\n"
                + "      effect: EFFECT_ALLOW\n      roles: [viewer]\n      condition:\n        match:\n"
                + "          expr: P.policyVersion == 'v2' && R.policyVersion == 'v2'\n").replace("version: default", "version: v2"));
        Files.writeString(dir.resolve("routes.yaml"), String.join("\n", "routes:",
                "  - {route: 'GET /notes/{id}', resource: note, action: read, id: '{id}'}",
                "  - {route: 'GET /v2/notes/{id}', resource: note, action: read, id: '{id}', policyVersion: v2}",
                "  - {route: 'GET /t/{tenant}/docs/{id}', resource: tdoc, action: read, id: '{id}', scope: 'acme.{tenant}'}",
                "  - {route: 'GET /t/{tenant}/notes/{id}', resource: note, action: read, id: '{id}', scope: 'acme.{tenant}'}",
                ""));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        sql("SHUTDOWN");
    }

    private void sql(String script) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement()) {
            for (String statement : script.split(";\\s*\\n")) {
                String trimmed = statement.replaceAll("(?m)^--.*$", "").trim();
                if (!trimmed.isEmpty()) {
                    s.execute(trimmed);
                }
            }
        }
    }

    /** The application: writes what the allowing decision said. */
    private static final class TenantServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Authorization a = (Authorization) req.getAttribute(Portcullis.AUTHORIZATION_ATTRIBUTE);
            resp.setContentType("text/plain");
            resp.getWriter().write(a == null ? "none" : a.policy() + "#" + a.rule() + " " + a.outputs());
        }
    }

    private FilterServer start() throws Exception {
        FilterServer s = FilterServer.builder().trusting(idp)
                .param("portcullis.attributes.source", "jdbc")
                .param("portcullis.attributes.jdbc.url", dbUrl)
                .param("portcullis.policy.dir", dir.resolve("policies").toString())
                .param("portcullis.policy.principal-scope-attribute", "tenant")
                .param("portcullis.routes", dir.resolve("routes.yaml").toString())
                .param("portcullis.resource-resolver", H2TenantDocumentResolver.class.getName())
                .servlet("/t/*", new TenantServlet())
                .start();
        toClose.add(0, s);
        return s;
    }

    private static HttpResponse<String> get(FilterServer app, String path) {
        String token = Tokens.signedWith(TestKeys.rsa()).subject("carol").expiresIn(Duration.ofHours(1)).sign();
        return app.getWithToken(path, token);
    }

    @Test
    void readWhenTenantPolicyAllowsThenOutputsReachTheApplication() throws Exception {
        FilterServer app = start();
        HttpResponse<String> r = get(app, "/t/t2/docs/2");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("resource.tdoc.vdefault#viewer-reads "
                + "[resource.tdoc.vdefault#viewer-reads=read by carol in acme.t2]");
    }

    @Test
    void readWhenTheDocumentsTenantDeniesThen403() throws Exception {
        FilterServer app = start();
        assertThat(get(app, "/t/t1/docs/1").statusCode()).isEqualTo(403);
        assertThat(get(app, "/t/t2/docs/2").statusCode()).as("positive control").isEqualTo(200);
    }

    @Test
    void readWhenPathNamesAnotherTenantThanTheResolverThen403() throws Exception {
        FilterServer app = start();
        // document 1 is in t1, where viewers are locked out; naming t2 in the path must not help
        HttpResponse<String> r = get(app, "/t/t2/docs/1");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("access_denied");
        assertThat(app.invocations()).isZero();
    }

    @Test
    void readWhenScopeComesFromThePathThenPrincipalScopeFromTheStoreIsCompared() throws Exception {
        FilterServer app = start();
        assertThat(get(app, "/t/t2/notes/n1").statusCode()).isEqualTo(200);
        assertThat(get(app, "/t/t1/notes/n1").statusCode()).isEqualTo(403);
    }

    @Test
    void readWhenRouteNamesAPolicyVersionThenThosePoliciesDecide() throws Exception {
        FilterServer app = start();
        assertThat(get(app, "/v2/notes/n1").statusCode()).isEqualTo(200);
        assertThat(get(app, "/notes/n1").statusCode()).as("the default version's own-tenant rule").isEqualTo(403);
    }

    @Test
    void readWhenPathScopeIsNotAValidScopeThen403() throws Exception {
        FilterServer app = start();
        assertThat(get(app, "/t/a..b/notes/n1").statusCode()).isEqualTo(403);
        assertThat(get(app, "/t/t2/notes/n1").statusCode()).as("positive control").isEqualTo(200);
    }
}
