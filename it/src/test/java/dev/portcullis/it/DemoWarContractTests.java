package dev.portcullis.it;

import dev.portcullis.Reason;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The black-box contract of the demo WAR, run unchanged against every server it is deployed on
 * (one subclass per server). Each class starts its server once: the WAR with its development
 * issuer, a second issuer ({@link MockOAuth2}) configured through {@code PORTCULLIS_ISSUERS_*},
 * and a file-based H2 attribute store that the test reaches too.
 *
 * <p>Tests never share principals, so their order does not matter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DemoWarContractTests {
    static final String DEV_ISSUER = "urn:portcullis:demo:dev-issuer";
    static final String AUDIENCE = "portcullis-demo";
    static final Duration CACHE_TTL = Duration.ofSeconds(2);

    MockOAuth2 idp;
    DemoDatabase database;
    WebServer server;
    Http http;

    /** A short name for directories and logs, e.g. {@code jetty-12.0}. */
    abstract String serverName();

    /** Deploys the WAR on this class's server at {@code 127.0.0.1:port} with these settings. */
    abstract WebServer deploy(String name, Path war, int port, DemoWarSettings settings);

    /** The WAR under test: the Jakarta demo WAR; the javax servers' classes give the javax one. */
    Path war() {
        return ItPaths.demoWar();
    }

    @BeforeAll
    void startServers() {
        idp = MockOAuth2.start("mock");
        try {
            int port = FreePorts.next();
            database = DemoDatabase.fresh(serverName());
            DemoWarSettings settings = DemoWarSettings.forPort(port)
                    .attributesJdbcUrl(database.url())
                    .set("portcullis.attributes.cache.ttl", CACHE_TTL.toSeconds() + "s")
                    .extraIssuer("mock", idp.issuer(), AUDIENCE, idp.discoveryUri().toString());
            writeEnvironment(settings);
            server = deploy(serverName(), war(), port, settings);
            http = new Http(server.baseUri());
        } catch (RuntimeException e) {
            idp.close();
            throw e;
        }
    }

    /** Keeps the exact environment of the deployment beside its logs. */
    private void writeEnvironment(DemoWarSettings settings) {
        String lines = settings.environment().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        try {
            Files.writeString(ItPaths.logs().resolve(serverName() + ".env"), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void stopServers() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            idp.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    String devToken(String subject) {
        return devToken(subject, 300);
    }

    String devToken(String subject, int ttlSeconds) {
        Http.Response r = http.send("POST", "/dev/token?sub=" + subject + "&ttl=" + ttlSeconds, null);
        assertThat(r.status()).as("%s\n%s", r, server.logTail(30)).isEqualTo(200);
        return (String) r.json().get("access_token");
    }

    /** Whether the WAR reads the file-based attribute store (it creates and seeds it at startup). */
    boolean storeInUse() {
        return database.exists();
    }

    void assumeStore() {
        assumeTrue(storeInUse(), "this demo WAR does not use the attribute store yet");
    }

    /** Whether the WAR serves the JAX-RS document API. */
    void assumeApi() {
        assumeStore();
        Http.Response r = http.send("GET", "/api/documents/1", devToken("alice"));
        assumeTrue(r.status() != 404, "this demo WAR has no /api yet: " + r);
    }

    static void assertProblem(Http.Response r, Reason reason) {
        assertThat(r.status()).as("%s", r).isEqualTo(reason.status());
        assertThat(r.contentType()).as("%s", r).startsWith("application/problem+json");
        assertThat(r.reason()).as("%s", r).isEqualTo(reason.code());
        assertThat(r.json().get("type")).as("%s", r).isEqualTo(reason.problemType());
    }

    // ---- public paths and the dev issuer ---------------------------------------------------

    @Test
    void healthWhenNoTokenThenPublic() {
        Http.Response r = http.send("GET", "/health", null);

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json()).containsEntry("status", "UP");
    }

    @Test
    void consoleFeedsWhenAskedThenPublishedOnThisContainer() {
        String carol = devToken("carol");
        assertThat(http.send("GET", "/api/documents/1", carol).status()).isEqualTo(200);

        Http.Response page = http.send("GET", "/console/", null);
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.body()).contains("<title>Portcullis demo console</title>");
        Http.Response metrics = http.send("GET", "/metrics", null);
        assertThat(metrics.status()).as("%s", metrics).isEqualTo(200);
        assertThat(metrics.body()).contains("portcullis_decisions_seconds_count{action=\"read\",effect=\"allow\","
                + "kind=\"document\",reason=\"none\"}").doesNotContain("carol");
        Http.Response health = http.send("GET", "/portcullis/health", null);
        assertThat(health.status()).as("%s", health).isEqualTo(200);
        assertThat(health.json()).isEqualTo(java.util.Map.of("status", "UP"));
        assertThat(http.send("GET", "/portcullis/health", devToken("alice")).json())
                .as("the details for an admin").containsEntry("attribute_store", "UP").containsKey("policy");
    }

    @Test
    void devTokenWhenTtlOutOfRangeThenBadRequest() {
        Http.Response r = http.send("POST", "/dev/token?sub=alice&ttl=3601", null);

        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.json()).containsEntry("error", "invalid_request");
    }

    @Test
    void devTokenWhenOneHourThenIssued() {
        Http.Response r = http.send("POST", "/dev/token?sub=alice&ttl=3600", null);

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json()).containsEntry("token_type", "Bearer").containsEntry("expires_in", 3600L);
    }

    // ---- authentication ----------------------------------------------------------------------

    @Test
    void whoamiWhenNoTokenThenChallengeAndProblem() {
        Http.Response r = http.send("GET", "/app/whoami", null);

        assertProblem(r, Reason.MISSING_TOKEN);
        assertThat(r.header("WWW-Authenticate")).hasValueSatisfying(
                h -> assertThat(h).startsWith("Bearer realm=\"portcullis-demo\""));
    }

    @Test
    void whoamiWhenDevTokenThenSubjectFromToken() {
        Http.Response r = http.send("GET", "/app/whoami", devToken("alice"));

        assertThat(r.status()).as("%s\n%s", r, server.logTail(30)).isEqualTo(200);
        assertThat(r.json()).containsEntry("subject", "alice").containsEntry("issuer", DEV_ISSUER)
                .containsEntry("authType", "Bearer");
    }

    @Test
    void whoamiWhenSignatureAlteredThenInvalidToken() {
        String token = devToken("alice");
        // change one character in the middle of the signature: still canonical base64url, wrong bytes
        int middle = token.lastIndexOf('.') + (token.length() - token.lastIndexOf('.')) / 2;
        char swapped = token.charAt(middle) == 'A' ? 'B' : 'A';
        String forged = token.substring(0, middle) + swapped + token.substring(middle + 1);

        Http.Response r = http.send("GET", "/app/whoami", forged);

        assertProblem(r, Reason.BAD_SIGNATURE);
        assertThat(r.header("WWW-Authenticate")).hasValueSatisfying(
                h -> assertThat(h).contains("error=\"invalid_token\""));
        assertThat(r.body()).doesNotContain(forged);
    }

    @Test
    void whoamiWhenTwoAuthorizationHeadersThenInvalidRequest() {
        String token = devToken("alice");
        HttpRequest request = HttpRequest.newBuilder(http.base().resolve("app/whoami"))
                .header("Authorization", "Bearer " + token)
                .header("Authorization", "Bearer " + token)
                .GET().build();

        Http.Response r = http.send(request);

        assertProblem(r, Reason.INVALID_REQUEST);
    }

    // ---- an external issuer (mock-oauth2-server, found by discovery) -------------------------

    @Test
    void mockIssuerWhenIdentityOnlyTokenThenAccepted() {
        if (storeInUse()) {
            database.addPrincipal(idp.issuer(), "mock-user-1", "viewer");
        }
        String token = idp.token("mock-user-1", AUDIENCE, Map.of());

        Http.Response r = http.send("GET", "/app/whoami", token);

        assertThat(r.status()).as("%s\n%s", r, server.logTail(30)).isEqualTo(200);
        assertThat(r.json()).containsEntry("subject", "mock-user-1").containsEntry("issuer", idp.issuer())
                .containsEntry("admin", false);
    }

    @Test
    void mockIssuerWhenStoreSaysViewerThenReadsButCannotDelete() {
        assumeApi();
        database.addPrincipal(idp.issuer(), "mock-viewer", "viewer");
        String token = idp.token("mock-viewer", AUDIENCE, Map.of());

        Http.Response read = http.send("GET", "/api/documents/1", token);
        Http.Response delete = http.send("DELETE", "/api/documents/1", token);

        assertThat(read.status()).as("%s", read).isEqualTo(200);
        assertThat(read.json()).containsEntry("reader", "mock-viewer");
        assertProblem(delete, Reason.ACCESS_DENIED);
    }

    /**
     * Two issuers, one subject name: the mock issuer's {@code it-frank} is principal
     * {@code mock:it-frank} in policies, so the owner condition ({@code R.attr.owner == P.id}) of
     * the dev issuer's {@code it-frank}'s document does not match him.
     */
    @Test
    void mockIssuerWhenSameSubjectAsDevIssuersOwnerThenNotTheOwner() {
        assumeApi();
        database.addPrincipal(DEV_ISSUER, "it-frank", "viewer");
        database.addPrincipal(idp.issuer(), "it-frank", "viewer");
        database.addDocument("it-owned-by-frank", "it-frank", "Frank's notes");

        Http.Response byNamesake = http.sendJson("PUT", "/api/documents/it-owned-by-frank",
                idp.token("it-frank", AUDIENCE, Map.of()), "\"not mine\"");
        Http.Response byOwner = http.sendJson("PUT", "/api/documents/it-owned-by-frank", devToken("it-frank"),
                "\"mine\"");

        assertProblem(byNamesake, Reason.ACCESS_DENIED);
        assertThat(byOwner.status()).as("positive control: the owner\n%s", byOwner).isEqualTo(200);
    }

    @Test
    void mockIssuerWhenTokenCarriesRolesAndEmailThenForbiddenClaims() {
        if (storeInUse()) {
            database.addPrincipal(idp.issuer(), "mock-user-2", "viewer");
        }
        String token = idp.token("mock-user-2", AUDIENCE,
                Map.of("roles", List.of("admin"), "email", "mock-user-2@example.com"));

        Http.Response r = http.send("GET", "/app/whoami", token);

        assertProblem(r, Reason.FORBIDDEN_CLAIMS);
        assertThat((String) r.json().get("detail")).contains("authorization").contains("personal-data");
        assertThat(r.body()).doesNotContain("mock-user-2@example.com");
    }

    @Test
    void mockIssuerWhenAudienceIsAnotherServiceThenWrongAudience() {
        String token = idp.token("mock-user-3", "another-service", Map.of());

        Http.Response r = http.send("GET", "/app/whoami", token);

        assertProblem(r, Reason.WRONG_AUDIENCE);
    }

    // ---- fresh attributes from the store -------------------------------------------------------

    @Test
    void whoamiWhenStoreSaysAdminThenInRole() {
        assumeStore();

        assertThat(http.send("GET", "/app/whoami", devToken("alice")).json()).containsEntry("admin", true);
        assertThat(http.send("GET", "/app/whoami", devToken("carol")).json()).containsEntry("admin", false);
    }

    @Test
    void whoamiWhenSubjectNotInStoreThenPrincipalUnknown() {
        assumeStore();

        Http.Response r = http.send("GET", "/app/whoami", devToken("mallory"));

        assertProblem(r, Reason.PRINCIPAL_UNKNOWN);
    }

    // ---- the JAX-RS document API: decisions from fresh attributes and policies ---------------

    @Test
    void documentsWhenViewerThenReadAllowedAndDeleteDenied() {
        assumeApi();
        String carol = devToken("carol");

        Http.Response read = http.send("GET", "/api/documents/1", carol);
        Http.Response delete = http.send("DELETE", "/api/documents/1", carol);

        assertThat(read.status()).as("%s", read).isEqualTo(200);
        assertThat(read.json()).containsEntry("id", "1").containsEntry("reader", "carol");
        assertProblem(delete, Reason.ACCESS_DENIED);
        assertThat(delete.json()).containsKey("decision_id");
    }

    @Test
    void documentsWhenEditorOrOwnerThenUpdateAllowed() {
        assumeApi();
        database.addDocument("it-owned-by-carol", "carol", "Carol's notes");

        Http.Response byEditor = http.sendJson("PUT", "/api/documents/it-owned-by-carol", devToken("dave"), "\"edited\"");
        Http.Response byOwner = http.sendJson("PUT", "/api/documents/it-owned-by-carol", devToken("carol"), "\"mine\"");

        assertThat(byEditor.status()).as("%s", byEditor).isEqualTo(200);
        assertThat(byOwner.status()).as("%s", byOwner).isEqualTo(200);
    }

    @Test
    void documentsWhenNeitherEditorNorOwnerThenUpdateDenied() {
        assumeApi();
        database.addDocument("it-owned-by-dave", "dave", "Dave's notes");

        Http.Response r = http.sendJson("PUT", "/api/documents/it-owned-by-dave", devToken("carol"), "\"not mine\"");

        assertProblem(r, Reason.ACCESS_DENIED);
    }

    /**
     * The Bob scenario: an admin with a one-hour token is disabled by another admin; his very
     * next request with the same token is refused, with no waiting for the token or the cache
     * to expire.
     */
    @Test
    void bobWhenDisabledByAdminThenVeryNextRequestWithSameTokenRefused() {
        assumeApi();
        database.addDocument("it-bob-1", "alice", "To be deleted by Bob");
        database.addDocument("it-bob-2", "alice", "Bob must not delete this");
        String bob = devToken("bob", 3600);

        Http.Response before = http.send("DELETE", "/api/documents/it-bob-1", bob);
        assertThat(before.status()).as("%s\n%s", before, server.logTail(30)).isEqualTo(200);
        Http.Response listBefore = http.send("GET", "/api/documents", bob);
        assertThat(documentIds(listBefore)).as("%s", listBefore).contains("1", "4", "it-bob-2");

        Http.Response disable = http.send("POST", "/api/admin/users/bob/disable", devToken("alice"));
        assertThat(disable.status()).as("%s", disable).isEqualTo(200);

        Http.Response after = http.send("DELETE", "/api/documents/it-bob-2", bob);
        assertProblem(after, Reason.PRINCIPAL_DISABLED);
        // a disabled user lists nothing: refused at admission, like any other request
        assertProblem(http.send("GET", "/api/documents", bob), Reason.PRINCIPAL_DISABLED);
        assertThat(database.status(DEV_ISSUER, "bob")).isEqualTo("DISABLED");
        assertThat(http.send("GET", "/api/documents/it-bob-2", devToken("alice")).status()).isEqualTo(200);
    }

    /**
     * GET /api/documents lists what the caller may read through a query plan pushed into the
     * H2 query: alice, carol and dave read every document by role (the plan is unconditional);
     * a principal with no role reads only what it owns (a conditional plan, owner = its id), and
     * one that owns nothing lists nothing. The list agrees with the per-document decision.
     */
    @Test
    void listWhenCallersDifferThenEachSeesWhatPoliciesLetThemRead() {
        assumeApi();
        database.addPrincipal(DEV_ISSUER, "it-lister");
        database.addPrincipal(DEV_ISSUER, "it-owns-nothing");
        database.addDocument("it-list-1", "it-lister", "Lister's first");
        database.addDocument("it-list-2", "it-lister", "Lister's second");

        Http.Response alice = http.send("GET", "/api/documents", devToken("alice"));
        Http.Response carol = http.send("GET", "/api/documents", devToken("carol"));
        Http.Response dave = http.send("GET", "/api/documents", devToken("dave"));
        Http.Response lister = http.send("GET", "/api/documents", devToken("it-lister"));
        Http.Response nobody = http.send("GET", "/api/documents", devToken("it-owns-nothing"));

        for (Http.Response byRole : List.of(alice, carol, dave)) {
            assertThat(byRole.status()).as("%s\n%s", byRole, server.logTail(30)).isEqualTo(200);
            assertThat(byRole.json()).containsEntry("plan", "ALWAYS_ALLOWED");
            assertThat(documentIds(byRole)).contains("1", "2", "3", "4", "it-list-1", "it-list-2");
        }
        assertThat(lister.json()).as("%s", lister).containsEntry("plan", "CONDITIONAL");
        assertThat(documentIds(lister)).containsExactly("it-list-1", "it-list-2");
        assertThat(nobody.json()).as("%s", nobody).containsEntry("plan", "CONDITIONAL");
        assertThat(documentIds(nobody)).isEmpty();
        // the list agrees with the per-document decision
        assertThat(http.send("GET", "/api/documents/it-list-1", devToken("it-lister")).status()).isEqualTo(200);
        assertProblem(http.send("GET", "/api/documents/1", devToken("it-lister")), Reason.ACCESS_DENIED);
        assertThat(http.send("GET", "/api/documents", null).status()).isEqualTo(401);
    }

    @SuppressWarnings("unchecked")
    private static List<String> documentIds(Http.Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        List<String> ids = new java.util.ArrayList<>();
        for (Object d : (List<Object>) r.json().get("documents")) {
            ids.add((String) ((Map<String, Object>) d).get("id"));
        }
        return ids;
    }

    /**
     * Re-enabling undoes a disable at once, for the same token (the soak run of it/bench flips a
     * user every second this way); and only an admin may re-enable.
     */
    @Test
    void enableWhenDisabledUserReEnabledByAdminThenSameTokenAdmittedAgain() {
        assumeApi();
        database.addPrincipal(DEV_ISSUER, "frank", "admin");
        String frank = devToken("frank", 3600);
        assertThat(http.send("GET", "/api/documents/1", frank).status()).isEqualTo(200);

        assertThat(http.send("POST", "/api/admin/users/frank/disable", devToken("alice")).status()).isEqualTo(200);
        assertProblem(http.send("GET", "/api/documents/1", frank), Reason.PRINCIPAL_DISABLED);

        assertProblem(http.send("POST", "/api/admin/users/frank/enable", devToken("dave")), Reason.ACCESS_DENIED);
        assertThat(database.status(DEV_ISSUER, "frank")).isEqualTo("DISABLED");

        Http.Response enable = http.send("POST", "/api/admin/users/frank/enable", devToken("alice"));
        assertThat(enable.status()).as("%s", enable).isEqualTo(200);
        assertThat(database.status(DEV_ISSUER, "frank")).isEqualTo("ACTIVE");
        assertThat(http.send("GET", "/api/documents/1", frank).status()).isEqualTo(200);
    }

    @Test
    void disableWhenCallerIsNotAdminThenDenied() {
        assumeApi();

        Http.Response r = http.send("POST", "/api/admin/users/alice/disable", devToken("dave"));

        assertProblem(r, Reason.ACCESS_DENIED);
        assertThat(database.status(DEV_ISSUER, "alice")).isEqualTo("ACTIVE");
    }

    /**
     * The store changed behind the application's back (no API call, no revocation): the
     * principal is refused once the cached attributes expire, within the cache TTL (plus the
     * time a request takes on a loaded machine).
     */
    @Test
    void principalWhenDisabledInDatabaseBehindTheAppsBackThenRefusedWithinCacheTtl() throws InterruptedException {
        assumeApi();
        database.addPrincipal(DEV_ISSUER, "erin", "admin");
        String erin = devToken("erin", 3600);
        Http.Response before = http.send("GET", "/api/documents/1", erin);
        assertThat(before.status()).as("%s", before).isEqualTo(200);

        database.setStatus(DEV_ISSUER, "erin", "DISABLED");
        long changed = System.nanoTime();
        Duration limit = CACHE_TTL.plusSeconds(3);
        Http.Response r;
        do {
            r = http.send("GET", "/api/documents/1", erin);
            if (r.status() != 200) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() - changed < limit.toNanos() * 2);
        Duration took = Duration.ofNanos(System.nanoTime() - changed);

        assertProblem(r, Reason.PRINCIPAL_DISABLED);
        assertThat(took).as("refused after %s", took).isLessThanOrEqualTo(limit);
    }
}
