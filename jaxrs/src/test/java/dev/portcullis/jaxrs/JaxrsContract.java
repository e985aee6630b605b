package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every runtime must do with the same resource classes. Subclasses start one runtime; the
 * tests speak real HTTP to it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JaxrsContract {
    /** The resource classes every runtime serves. */
    static final List<Class<?>> RESOURCES = List.of(TestResources.OpenResource.class,
            TestResources.ThingResource.class, TestResources.LockedResource.class,
            TestResources.DocumentResource.class, TestResources.TenantResource.class,
            TestResources.ApplicationHeaders.class);

    static final String LOGOUT_CLIENT = "docs-client";

    TokenMint mint;
    TestStore store;
    Runtimes.Deployed server;
    private Portcullis engine;

    /**
     * Starts the runtime with {@link #RESOURCES} guarded by Portcullis.
     *
     * @param engineSettings settings for the engine: the issuer, attribute store and policies
     * @param engine an engine built from them, for runtimes that take one (the servlet filter
     *        builds its own)
     */
    abstract Runtimes.Deployed deploy(Map<String, String> engineSettings, Portcullis engine) throws Exception;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        mint = new TokenMint(dir);
        store = new TestStore(dir);
        Map<String, String> settings = new java.util.HashMap<>(store.settings(mint));
        // the identity provider's back-channel logout, so that revocations it causes can be checked here
        settings.put("portcullis.backchannel-logout.path", "/oidc/logout");
        settings.put("portcullis.backchannel-logout.audience", LOGOUT_CLIENT);
        engine = Portcullis.fromSettings(Settings.of(settings));
        server = deploy(settings, engine);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        engine.close();
    }

    /** The engine serving requests: the servlet filter's when there is one. */
    Portcullis engine() {
        Portcullis filterEngine = server.filterEngine();
        return filterEngine != null ? filterEngine : engine;
    }

    HttpResponse<String> get(String path, String token) {
        return Http.get(server.base, path, token);
    }

    static void assertRefused(HttpResponse<String> response, int status, String reason) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).get().asString()
                .startsWith("application/problem+json");
        assertThat(response.body()).contains("\"reason\":\"" + reason + "\"")
                .contains("\"type\":\"https://portcullis.dev/problems/" + reason + "\"");
    }

    /**
     * A revocation by the identity provider (a back-channel logout handled by the engine that serves
     * this runtime, whichever adapter receives it) is honoured by this runtime's adapter: the
     * principal's token issued before it is refused with {@code token_revoked}, others are not.
     */
    @Test
    void identityProviderLogoutWhenHandledThenOldTokenRefusedHere() throws Exception {
        String old = mint.token("leaver");
        assertThat(get("things/plain", old).statusCode()).isEqualTo(200);
        String form = "logout_token=" + mint.logoutToken("leaver", LOGOUT_CLIENT);
        dev.portcullis.Outcome handled = engine().decide(dev.portcullis.AccessRequest.builder("POST", "/oidc/logout")
                .requirement(dev.portcullis.Requirement.backchannelLogout())
                .body("application/x-www-form-urlencoded",
                        () -> new java.io.ByteArrayInputStream(form.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .build());
        assertThat(handled.kind()).isEqualTo(dev.portcullis.Outcome.Kind.HANDLED);
        assertThat(handled.handledStatus()).isEqualTo(200);

        assertRefused(get("things/plain", old), 401, "token_revoked");
        assertThat(get("things/plain", mint.token("bob")).statusCode()).isEqualTo(200);
    }

    @Test
    void scopedPermissionWhenTenantPolicyAllowsThenOutputsReachTheApplication() {
        HttpResponse<String> r = get("tenants/t2/docs/b2", mint.token("alice"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Policy-Outputs"))
                .hasValue("[resource.tenant_doc.vdefault#users-read=alice reads in acme.t2]");
    }

    @Test
    void scopedPermissionWhenTheTenantDeniesThen403() {
        assertRefused(get("tenants/t1/docs/a1", mint.token("alice")), 403, "access_denied");
        // a document the resolver knows no tenant of: the path's scope decides
        assertRefused(get("tenants/t1/docs/zz", mint.token("alice")), 403, "access_denied");
        assertThat(get("tenants/t2/docs/zz", mint.token("alice")).statusCode()).isEqualTo(200);
    }

    @Test
    void permissionWhenAnnotationNamesAPolicyVersionThenThosePoliciesDecide() {
        assertThat(get("tenants/t1/docs/zz/v2", mint.token("alice")).statusCode()).isEqualTo(200);
        assertRefused(get("tenants/t1/docs/zz/v2", mint.token("bob")), 403, "access_denied");
    }

    @Test
    void scopedPermissionWhenPathNamesAnotherTenantThanTheResolverThen403() {
        // a1 is in t1 (users denied); naming t2 in the path must not move it into t2's policies
        assertRefused(get("tenants/t2/docs/a1", mint.token("alice")), 403, "access_denied");
    }

    @Test
    void unannotatedWhenNoTokenThen401WithBearerChallenge() {
        HttpResponse<String> response = get("things/plain", null);

        assertRefused(response, 401, "missing_token");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"portcullis\"");
    }

    @Test
    void unannotatedWhenValidTokenThen200WithSubjectAsPrincipal() {
        HttpResponse<String> response = get("things/plain", mint.token("bob"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("plain bob scheme=Bearer admin=false");
    }

    @Test
    void identityPropertyWhenAdmittedThenTheVerifiedTokenAndOtherwiseAbsent() {
        HttpResponse<String> unannotated = get("things/plain", mint.token("bob"));
        HttpResponse<String> checked = get("documents/1", mint.token("alice"));
        HttpResponse<String> anonymous = get("open", null);
        HttpResponse<String> forged = get("open", mint.forged("bob"));

        assertThat(unannotated.statusCode()).isEqualTo(200);
        assertThat(unannotated.headers().firstValue("X-Identity")).hasValue("bob");
        assertThat(checked.statusCode()).as(checked.body()).isEqualTo(200);
        assertThat(checked.headers().firstValue("X-Identity")).hasValue("alice");
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.headers().firstValue("X-Identity")).isEmpty();
        assertThat(forged.statusCode()).isEqualTo(200);
        assertThat(forged.headers().firstValue("X-Identity")).as("a token that was not admitted is no identity")
                .isEmpty();
    }

    /**
     * Whether the runtime's own {@code OPTIONS} answer (for a resource without an {@code @OPTIONS}
     * method) passes the feature's filters: Jersey makes it a resource method like any other;
     * RESTEasy alone answers it while matching, before any filter bound to a method runs.
     */
    boolean runtimeOptionsGuarded() {
        return true;
    }

    @Test
    void runtimeOptionsWhenNoTokenThenAsTheRuntimeGuardsItAndWithATokenAnswered() {
        HttpResponse<String> anonymous = Http.send(server.base, "OPTIONS", "things/plain", null);
        HttpResponse<String> bob = Http.send(server.base, "OPTIONS", "things/plain", mint.token("bob"));

        if (runtimeOptionsGuarded()) {
            assertRefused(anonymous, 401, "missing_token"); // an unannotated endpoint like any other
        } else {
            assertThat(anonymous.statusCode()).isEqualTo(200);
            assertThat(anonymous.headers().firstValue("Allow")).get().asString().contains("GET");
            assertThat(anonymous.body()).as("the allowed methods, nothing of the resource")
                    .isEqualTo(anonymous.headers().firstValue("Allow").orElseThrow());
            assertThat(anonymous.headers().firstValue("X-Identity")).isEmpty();
        }
        assertThat(bob.statusCode()).as("positive control: %s", bob.body()).isEqualTo(200);
        assertThat(bob.headers().firstValue("Allow")).get().asString().contains("GET");
    }

    @Test
    void unannotatedWhenForgedTokenThen401InvalidToken() {
        HttpResponse<String> response = get("things/plain", mint.forged("bob"));

        assertRefused(response, 401, "bad_signature");
        assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\"");
    }

    @Test
    void unannotatedWhenExpiredTokenThen401Expired() {
        HttpResponse<String> response = get("things/plain", mint.expired("bob"));

        assertRefused(response, 401, "expired");
    }

    @Test
    void unannotatedWhenGarbageTokenThen401Malformed() {
        HttpResponse<String> response = get("things/plain", "not-a-jwt");

        assertRefused(response, 401, "malformed_token");
    }

    @Test
    void permitAllWhenNoTokenThen200Anonymous() {
        HttpResponse<String> response = get("open", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello anonymous user=false");
    }

    @Test
    void permitAllWhenValidTokenThen200WithPrincipal() {
        HttpResponse<String> response = get("open", mint.token("bob"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello bob scheme=Bearer admin=false user=true");
    }

    @Test
    void permitAllWhenInvalidTokenThenIgnoredAnd200() {
        HttpResponse<String> response = get("open", mint.forged("bob"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello anonymous user=false");
    }

    @Test
    void denyAllWhenValidTokenThen403() {
        assertRefused(get("things/denied", mint.token("alice")), 403, "access_denied");
    }

    @Test
    void denyAllWhenNoTokenThen403NotChallenge() {
        HttpResponse<String> response = get("things/denied", null);

        // Behind the servlet filter the request never reaches JAX-RS without a token: 401 there.
        assertThat(response.statusCode()).isIn(401, 403);
    }

    @Test
    void classDenyAllWhenMethodPermitAllThenMethodWins200() {
        HttpResponse<String> response = get("locked/public", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("unlocked");
    }

    @Test
    void classDenyAllWhenMethodUnannotatedThenClassApplies403() {
        assertRefused(get("locked/still-locked", mint.token("alice")), 403, "access_denied");
    }

    @Test
    void rolesAllowedWhenNoTokenThen401NotForbidden() {
        assertRefused(get("things/admin", null), 401, "missing_token");
    }

    @Test
    void rolesAllowedWhenTokenCarriesRolesClaimThen401ForbiddenClaims() {
        HttpResponse<String> response = get("things/admin", mint.tokenClaimingRoles("root", List.of("admin")));

        assertRefused(response, 401, "forbidden_claims");
    }

    @Test
    void rolesAllowedWhenRoleInStoreThen200() {
        HttpResponse<String> response = get("things/admin", mint.token("root"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("admin root scheme=Bearer admin=true");
    }

    @Test
    void requiresPermissionWhenPathIdOwnedByCallerThen200() {
        HttpResponse<String> response = get("documents/1", mint.token("alice"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("document 1 for alice scheme=Bearer admin=false");
    }

    @Test
    void requiresPermissionWhenPathIdOwnedBySomeoneElseThen403WithDecisionId() {
        HttpResponse<String> response = get("documents/2", mint.token("alice"));

        assertRefused(response, 403, "access_denied");
        assertThat(response.body()).containsPattern("\"decision_id\":\"[^\"]+\"");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void requiresPermissionWhenQueryIdOwnedByCallerThen200() {
        HttpResponse<String> response = get("documents/by-query?doc=1", mint.token("alice"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("document 1");
    }

    @Test
    void requiresPermissionWhenQueryIdOwnedBySomeoneElseThen403() {
        assertRefused(get("documents/by-query?doc=2", mint.token("alice")), 403, "access_denied");
    }

    @Test
    void requiresPermissionWhenQueryIdMissingThen403() {
        assertRefused(get("documents/by-query", mint.token("alice")), 403, "access_denied");
    }

    @Test
    void requiresPermissionWhenAdminRoleThenReadsAnyDocument() {
        assertThat(get("documents/2", mint.token("root")).statusCode()).isEqualTo(200);
    }

    @Test
    void requiresPermissionWhenNoTokenThen401() {
        assertRefused(get("documents/1", null), 401, "missing_token");
    }

    @Test
    void classPermissionWhenRoleAllowsThen200() {
        HttpResponse<String> response = get("documents", mint.token("bob"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("list bob scheme=Bearer admin=false");
    }

    @Test
    void classPermissionWhenRoleMissingThen403() {
        assertRefused(get("documents", mint.token("dave")), 403, "access_denied");
    }

    @Test
    void classPermissionWhenMethodPermitAllThen200WithoutToken() {
        HttpResponse<String> response = get("documents/help", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("help");
    }

    @Test
    void requiresPermissionWhenPrincipalDisabledThen403Disabled() {
        assertRefused(get("documents/1", mint.token("carol")), 403, "principal_disabled");
    }

    @Test
    void requiresPermissionWhenPrincipalUnknownToStoreThen403Unknown() {
        assertRefused(get("documents", mint.token("mallory")), 403, "principal_unknown");
    }

    @Test
    void unannotatedWhenPrincipalDisabledThen403Disabled() {
        assertRefused(get("things/plain", mint.token("carol")), 403, "principal_disabled");
    }

    @Test
    void unannotatedWhenPrincipalUnknownToStoreThen403Unknown() {
        assertRefused(get("things/plain", mint.token("mallory")), 403, "principal_unknown");
    }

    @Test
    void permitAllWhenPrincipalDisabledThen200WithoutPrincipalOrRoles() {
        // carol holds "user" in the store, but is disabled: no principal, isUserInRole false.
        HttpResponse<String> response = get("open", mint.token("carol"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello anonymous user=false");
    }

    @Test
    void permitAllWhenPrincipalUnknownToStoreThen200WithoutPrincipal() {
        HttpResponse<String> response = get("open", mint.token("mallory"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello anonymous user=false");
    }

    @Test
    void permitAllWhenPrincipalActiveThen200WithPrincipalAndStoreRoles() {
        HttpResponse<String> response = get("open", mint.token("root"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello root scheme=Bearer admin=true user=true");
    }

    @Test
    void requiresPermissionWhenResourceStoreDownThen503WithRetryAfter() {
        HttpResponse<String> response = get("documents/broken", mint.token("alice"));

        assertRefused(response, 503, "attributes_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    }

    @Test
    void isUserInRoleWhenRoleRemovedFromStoreAndRevokedThenFalseOnNextRequest() {
        try {
            HttpResponse<String> before = get("things/plain", mint.token("erin"));
            assertThat(before.body()).isEqualTo("plain erin scheme=Bearer admin=true");
            assertThat(get("things/admin", mint.token("erin")).statusCode()).isEqualTo(200);

            store.write(List.of("user"));
            engine().revoke(TokenMint.ISSUER, "erin");

            HttpResponse<String> after = get("things/plain", mint.token("erin"));
            assertThat(after.body()).isEqualTo("plain erin scheme=Bearer admin=false");
            assertRefused(get("things/admin", mint.token("erin")), 403, "access_denied");
        } finally {
            store.write(List.of("admin", "user"));
            engine().revoke(TokenMint.ISSUER, "erin");
        }
    }
}
