package dev.portcullis.servlet;

import dev.portcullis.internal.EngineParts;
import dev.portcullis.policy.ResourceResolver;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two issuers behind the real servlet chain over HTTP: the primary (no principal prefix) and
 * {@code partner} (prefix {@code partner:}), each with its own keys served by its own JWKS
 * server, and both issuing a subject {@code alice}. Owner conditions and the revocation endpoint
 * see the issuer; an admin of one issuer cannot revoke the other issuer's principals.
 */
class SeveralIssuersHttpTest {
    private static final String A = Tokens.ISSUER;
    private static final String B = "https://partner.test";
    private static final String ROUTES = String.join("\n",
            "routes:",
            "  - {route: 'PUT /api/documents/{id}', resource: document, action: update, id: '{id}'}",
            "  - {route: 'GET /api/documents/{id}', resource: document, action: read, id: '{id}'}",
            "");
    private static final String POLICIES = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: document",
            "  version: default",
            "  rules:",
            "    - name: read",
            "      actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['*']",
            "    - name: update-owner",
            "      actions: ['update']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['*']",
            "      condition:",
            "        match:",
            "          expr: R.attr.owner == P.id",
            "---",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: portcullis",
            "  version: default",
            "  rules:",
            "    - name: revoke-own-issuer",
            "      actions: ['revoke']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['admin']",
            "      condition:",
            "        match:",
            "          expr: R.attr.issuer == P.attr.iss",
            "");

    @TempDir
    Path dir;
    private JwksServer idpA;
    private JwksServer idpB;
    private Path principals;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** Document owners as the application stores them: principal ids. */
    public static final class Documents implements ResourceResolver {
        @Override
        public Map<String, Object> resolve(String kind, String id) {
            return Map.of("owner", id.equals("1") ? "alice" : "partner:alice");
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        idpA = JwksServer.serving(TestKeys.rsa());
        toClose.add(idpA);
        idpB = JwksServer.serving(TestKeys.otherRsa());
        toClose.add(idpB);
        principals = dir.resolve("principals.yaml");
        writePrincipals("ACTIVE");
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/policies.yaml"), POLICIES);
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
    }

    private void writePrincipals(String carolAtB) throws Exception {
        Files.writeString(principals, String.join("\n",
                "principals:",
                "  - {issuer: '" + A + "', subject: alice, roles: [admin]}",
                "  - {issuer: '" + A + "', subject: bob, roles: [viewer]}",
                "  - {issuer: '" + B + "', subject: alice, roles: [admin]}",
                "  - {issuer: '" + B + "', subject: carol, roles: [viewer], status: " + carolAtB + "}",
                ""));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private FilterServer start() throws Exception {
        FilterServer s = FilterServer.builder().trusting(idpA)
                .param("portcullis.issuers", "partner")
                .param("portcullis.issuers.partner.issuer", B)
                .param("portcullis.issuers.partner.audience", Tokens.AUDIENCE)
                .param("portcullis.issuers.partner.jwks-uri", idpB.jwksUri().toString())
                .param("portcullis.public-paths", "/health")
                .param("portcullis.attributes.source", "file")
                .param("portcullis.attributes.file", principals.toString())
                .param("portcullis.attributes.file-check-interval", "0s")
                .param("portcullis.attributes.cache.ttl", "60s")
                .param("portcullis.policy.dir", dir.resolve("policies").toString())
                .param("portcullis.routes", dir.resolve("routes.yaml").toString())
                .param("portcullis.resource-resolver", Documents.class.getName())
                .param("portcullis.admin.revoke-path", "/portcullis/revoke")
                .start();
        toClose.add(0, s);
        return s;
    }

    private static String token(String issuer, String subject) {
        return (issuer.equals(A) ? Tokens.signedWith(TestKeys.rsa()) : Tokens.signedWith(TestKeys.otherRsa()))
                .issuer(issuer).subject(subject).expiresIn(Duration.ofHours(1)).sign();
    }

    private static HttpResponse<String> call(FilterServer app, String method, String path, String token) {
        return app.send(app.request(path, "Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static HttpResponse<String> revoke(FilterServer app, String form, String callerToken) {
        return app.postForm("/portcullis/revoke", form, "Authorization", "Bearer " + callerToken);
    }

    private static Map<String, Object> problem(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        return JsonUtil.parseJson(r.body());
    }

    private static String form(String subject, String issuer) {
        return "subject=" + URLEncoder.encode(subject, StandardCharsets.UTF_8)
                + (issuer == null ? "" : "&issuer=" + URLEncoder.encode(issuer, StandardCharsets.UTF_8));
    }

    @Test
    void ownerConditionWhenAliceOfPartnerThenNotTheOwnerOfPrimaryAlicesDocument() throws Exception {
        FilterServer app = start();
        String aliceA = token(A, "alice");
        String aliceB = token(B, "alice");

        HttpResponse<String> crossed = call(app, "PUT", "/api/documents/1", aliceB);

        assertThat(crossed.statusCode()).isEqualTo(403);
        assertThat(problem(crossed)).containsEntry("reason", "access_denied");
        assertThat(call(app, "PUT", "/api/documents/1", aliceA).statusCode()).as("positive control").isEqualTo(200);
        assertThat(call(app, "PUT", "/api/documents/2", aliceB).statusCode()).as("partner:alice owns 2")
                .isEqualTo(200);
        assertThat(call(app, "PUT", "/api/documents/2", aliceA).statusCode()).isEqualTo(403);
    }

    @Test
    void revokeWhenAdminRevokesSubjectOfOwnIssuerThen204AndTheSubjectIsRefusedNextRequest() throws Exception {
        FilterServer app = start();
        String carolB = token(B, "carol");
        assertThat(call(app, "GET", "/api/documents/1", carolB).statusCode()).isEqualTo(200);
        writePrincipals("DISABLED");
        assertThat(call(app, "GET", "/api/documents/1", carolB).statusCode()).as("cached for 60 s").isEqualTo(200);

        HttpResponse<String> r = revoke(app, form("carol", B), token(B, "alice"));

        assertThat(r.statusCode()).isEqualTo(204);
        HttpResponse<String> next = call(app, "GET", "/api/documents/1", carolB);
        assertThat(next.statusCode()).isEqualTo(403);
        assertThat(problem(next)).containsEntry("reason", "principal_disabled");
    }

    @Test
    void revokeWhenAdminOfOneIssuerTargetsTheOtherIssuersSubjectThen403ByTheCondition() throws Exception {
        FilterServer app = start();
        String aliceB = token(B, "alice");

        HttpResponse<String> crossed = revoke(app, form("bob", A), aliceB);
        HttpResponse<String> crossedSameName = revoke(app, form("alice", A), aliceB);

        assertThat(crossed.statusCode()).isEqualTo(403);
        assertThat(problem(crossed)).containsEntry("reason", "access_denied").containsKey("decision_id");
        assertThat(crossedSameName.statusCode()).isEqualTo(403);
        assertThat(revoke(app, form("bob", A), token(A, "alice")).statusCode())
                .as("positive control: the admin of A revokes A's bob").isEqualTo(204);
        assertThat(revoke(app, form("bob", null), token(A, "alice")).statusCode())
                .as("no issuer parameter: the caller's issuer").isEqualTo(204);
        assertThat(revoke(app, form("bob", null), token(A, "bob")).statusCode())
                .as("a viewer may not revoke").isEqualTo(403);
    }

    @Test
    void revokeWhenIssuerIsNotConfiguredOrParametersRepeatThen400() throws Exception {
        FilterServer app = start();
        String aliceA = token(A, "alice");

        HttpResponse<String> unknown = revoke(app, form("bob", "https://stranger.test"), aliceA);
        HttpResponse<String> twice = revoke(app, "subject=bob&subject=alice", aliceA);
        HttpResponse<String> none = revoke(app, "issuer=" + URLEncoder.encode(A, StandardCharsets.UTF_8), aliceA);
        HttpResponse<String> looksQualified = revoke(app, form("partner:carol", A), aliceA);

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(problem(unknown)).containsEntry("reason", "invalid_request");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(looksQualified.statusCode()).as("no principal of A can have that subject").isEqualTo(400);
        assertThat(revoke(app, form("bob", A), aliceA).statusCode()).as("positive control").isEqualTo(204);
    }

    @Test
    void revokeWhenSubjectOrIssuerCarryCrLfThenNoLogLineIsForged() throws Exception {
        FilterServer app = start();
        String aliceA = token(A, "alice");
        String forgedSubject = "mallory\r\n[main] INFO dev.portcullis.Portcullis - FORGED revoked admin";
        String forgedIssuer = A + "\r\n[main] WARN FORGED issuer line";
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int revoked;
        int unknownIssuer;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            revoked = revoke(app, form(forgedSubject, A), aliceA).statusCode();
            unknownIssuer = revoke(app, form("bob", forgedIssuer), aliceA).statusCode();
            EngineParts.of(app.engine()).decisionLog().close(); // flush the decision log's writer thread too
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(revoked).as("positive control: a revocation with an odd subject is still one").isEqualTo(204);
        assertThat(unknownIssuer).isEqualTo(400);
        assertThat(log).as("the revocation was logged").contains("revoked mallory??[main] INFO");
        for (String line : log.split("\n")) {
            assertThat(line).as("no line starts with forged text").doesNotStartWith("[main] INFO dev.portcullis.Portcullis - FORGED")
                    .doesNotStartWith("[main] WARN FORGED");
        }
        assertThat(log).contains("FORGED"); // the values were logged, escaped on their own line
    }
}
