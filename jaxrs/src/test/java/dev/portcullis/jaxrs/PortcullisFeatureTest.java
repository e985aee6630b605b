package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static dev.portcullis.jaxrs.JaxrsContract.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deployment-time behaviour of the feature, on Jersey with Grizzly (no servlet). */
class PortcullisFeatureTest {
    TokenMint mint;
    Portcullis engine;

    @BeforeEach
    void setUp(@TempDir Path dir) {
        mint = new TokenMint(dir);
        engine = Portcullis.fromSettings(Settings.of(mint.settings()));
    }

    private static ResourceConfig app() {
        return new ResourceConfig(TestResources.OpenResource.class, TestResources.ThingResource.class);
    }

    @Test
    void classWhenScannedThenCarriesProviderAnnotation() {
        assertThat(PortcullisFeature.class.isAnnotationPresent(jakarta.ws.rs.ext.Provider.class)).isTrue();
    }

    @Test
    void autoRegisterWhenFalseThenDiscoveredFeatureGuardsNothing() throws Exception {
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app()
                .property(Portcullis.ENGINE_ATTRIBUTE, engine)
                .property(PortcullisFeature.AUTO_REGISTER, "false")
                .register(PortcullisFeature.class))) {
            HttpResponse<String> response = Http.get(server.base, "things/plain", null);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("plain anonymous");
        }
    }

    @Test
    void autoRegisterWhenUnsetThenDiscoveredFeatureGuards() throws Exception {
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app()
                .property(Portcullis.ENGINE_ATTRIBUTE, engine)
                .register(PortcullisFeature.class))) {
            assertRefused(Http.get(server.base, "things/plain", null), 401, "missing_token");
            assertThat(Http.get(server.base, "things/plain", mint.token("bob")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void autoRegisterWhenFalseThenInstanceWithEngineStillGuards() throws Exception {
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app()
                .property(PortcullisFeature.AUTO_REGISTER, "false")
                .register(new PortcullisFeature(engine)))) {
            assertRefused(Http.get(server.base, "things/plain", null), 401, "missing_token");
        }
    }

    @Test
    void autoRegisterWhenNotABooleanThenDeploymentFailsNamingSetting() {
        assertThatThrownBy(() -> Runtimes.jerseyGrizzly(app()
                .property(PortcullisFeature.AUTO_REGISTER, "maybe")
                .register(PortcullisFeature.class)).close())
                .satisfies(e -> assertThat(causeMessages(e)).contains("portcullis.jaxrs.auto-register"));
    }

    @Test
    void unannotatedWhenModeDenyThen403EvenWithToken() throws Exception {
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app()
                .register(new PortcullisFeature(engine, Unannotated.DENY)))) {
            assertRefused(Http.get(server.base, "things/plain", mint.token("bob")), 403, "access_denied");
            assertThat(Http.get(server.base, "open", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unannotatedWhenModePermitThen200WithoutToken() throws Exception {
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app()
                .register(new PortcullisFeature(engine, Unannotated.PERMIT)))) {
            HttpResponse<String> response = Http.get(server.base, "things/plain", null);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("plain anonymous");
            assertRefused(Http.get(server.base, "things/admin", null), 401, "missing_token");
        }
    }

    @Test
    void unannotatedWhenModeFromSettingThenApplied() throws Exception {
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app()
                .property(PortcullisFeature.UNANNOTATED, "deny")
                .register(new PortcullisFeature(engine)))) {
            assertRefused(Http.get(server.base, "things/plain", mint.token("bob")), 403, "access_denied");
        }
    }

    @Test
    void unannotatedWhenModeSettingInvalidThenDeploymentFailsNamingSetting() {
        assertThatThrownBy(() -> Runtimes.jerseyGrizzly(app()
                .property(PortcullisFeature.UNANNOTATED, "sometimes")
                .register(new PortcullisFeature(engine))).close())
                .satisfies(e -> assertThat(causeMessages(e)).contains("Portcullis configuration error: "
                        + "portcullis.jaxrs.unannotated: must be one of [deny, authenticated, permit], was 'sometimes'"));
    }

    @Test
    void unannotatedMethodsWhenDeployedThenListsOnlyApplicationMethods() throws Exception {
        PortcullisFeature feature = new PortcullisFeature(engine);
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app().register(feature))) {
            assertThat(Http.get(server.base, "open", null).statusCode()).isEqualTo(200);
            assertThat(feature.unannotatedMethods())
                    .containsExactly(TestResources.ThingResource.class.getName() + "#plain");
        }
    }

    @Test
    void realmWhenSetThenUsedInChallenge() throws Exception {
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app()
                .property(PortcullisFeature.REALM, "docs")
                .register(new PortcullisFeature(engine)))) {
            HttpResponse<String> response = Http.get(server.base, "things/plain", null);

            assertRefused(response, 401, "missing_token");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"docs\"");
        }
    }

    @Test
    void noArgFeatureWhenEngineSettingsInPropertiesThenBuildsEngine() throws Exception {
        ResourceConfig config = app().register(PortcullisFeature.class);
        mint.settings().forEach(config::property);
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(config)) {
            assertThat(Http.get(server.base, "things/plain", mint.token("bob")).body())
                    .isEqualTo("plain bob scheme=Bearer admin=false");
            assertRefused(Http.get(server.base, "things/plain", mint.forged("bob")), 401, "bad_signature");
        }
    }

    @Test
    void noArgFeatureWhenEngineInPropertiesThenUsesIt() throws Exception {
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app()
                .property(Portcullis.ENGINE_ATTRIBUTE, engine)
                .register(PortcullisFeature.class))) {
            assertThat(Http.get(server.base, "things/plain", mint.token("bob")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void noArgFeatureWhenNoEngineAnywhereThen503ButPermitAllStillServed() throws Exception {
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app().register(PortcullisFeature.class))) {
            HttpResponse<String> response = Http.get(server.base, "things/plain", mint.token("bob"));

            assertRefused(response, 503, "keys_unavailable");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
            assertThat(Http.get(server.base, "open", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void authenticateWhenKeysUnreachableThen503WithRetryAfter() throws Exception {
        Map<String, String> settings = new HashMap<>(mint.settings());
        settings.remove("portcullis.jwks-file");
        settings.put("portcullis.jwks-uri", "http://127.0.0.1:1/jwks");
        settings.put("portcullis.jwks.timeout", "1s");
        Portcullis keysDown = Portcullis.fromSettings(Settings.of(settings));
        try (Runtimes.Deployed server = Runtimes.jerseyGrizzly(app().register(new PortcullisFeature(keysDown)))) {
            HttpResponse<String> response = Http.get(server.base, "things/plain", mint.token("bob"));

            assertRefused(response, 503, "keys_unavailable");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        }
    }

    @Test
    void configureWhenContradictoryAnnotationsThenDeploymentFailsNamingMethod() {
        assertThatThrownBy(() -> Runtimes.jerseyGrizzly(new ResourceConfig(BadResource.class)
                .register(new PortcullisFeature(engine))).close())
                .satisfies(e -> assertThat(causeMessages(e)).contains("Portcullis: " + BadResource.class.getName()
                        + "#get carries @PermitAll together with @RolesAllowed; remove one of them"));
    }

    @Test
    void configureWhenPermissionUncoveredByPoliciesThenDeploymentFailsNamingIt(@TempDir Path dir) {
        Portcullis withPolicies = Portcullis.fromSettings(Settings.of(new TestStore(dir).settings(mint)));

        assertThatThrownBy(() -> Runtimes.jerseyGrizzly(new ResourceConfig(ShredderResource.class)
                .register(new PortcullisFeature(withPolicies))).close())
                .satisfies(e -> assertThat(causeMessages(e)).contains("Portcullis: @RequiresPermission on "
                        + ShredderResource.class.getName() + "#shred names resource kind 'document' and action"
                        + " 'shred', which no loaded policy covers"));
        withPolicies.close();
    }

    @Test
    void configureWhenPermissionsCoveredByPoliciesThenDeploys(@TempDir Path dir) throws Exception {
        try (Portcullis withPolicies = Portcullis.fromSettings(Settings.of(new TestStore(dir).settings(mint)));
             Runtimes.Deployed server = Runtimes.jerseyGrizzly(new ResourceConfig(
                     TestResources.DocumentResource.class).register(new PortcullisFeature(withPolicies)))) {
            assertThat(Http.get(server.base, "documents/1", mint.token("alice")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void rolesWhenHygieneLetsRolesClaimThroughThenClaimStillNotBelieved(@TempDir Path dir) throws Exception {
        Map<String, String> settings = new HashMap<>(new TestStore(dir).settings(mint));
        settings.put("portcullis.hygiene.authorization", "off");
        try (Portcullis lenient = Portcullis.fromSettings(Settings.of(settings));
             Runtimes.Deployed server = Runtimes.jerseyGrizzly(new ResourceConfig(TestResources.ThingResource.class,
                     TestResources.DocumentResource.class).register(new PortcullisFeature(lenient)))) {
            String claimsAdmin = mint.tokenClaimingRoles("alice", java.util.List.of("admin"));

            assertThat(Http.get(server.base, "things/plain", claimsAdmin).body())
                    .isEqualTo("plain alice scheme=Bearer admin=false");
            assertRefused(Http.get(server.base, "things/admin", claimsAdmin), 403, "access_denied");
            assertRefused(Http.get(server.base, "documents/2", claimsAdmin), 403, "access_denied");
            assertThat(Http.get(server.base, "things/admin", mint.token("root")).statusCode()).isEqualTo(200);
        }
    }

    @jakarta.ws.rs.Path("/shredder")
    public static class ShredderResource {
        @jakarta.ws.rs.DELETE
        @jakarta.ws.rs.Path("{docId}")
        @RequiresPermission(value = "document:shred", id = "{docId}")
        public void shred(@jakarta.ws.rs.PathParam("docId") String docId) {
        }
    }

    @jakarta.ws.rs.Path("/bad")
    public static class BadResource {
        @jakarta.ws.rs.GET
        @jakarta.annotation.security.PermitAll
        @jakarta.annotation.security.RolesAllowed("admin")
        public String get() {
            return "bad";
        }
    }

    /** Every message in a cause chain, joined: runtimes wrap deployment failures differently. */
    static String causeMessages(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.append(t.getMessage()).append('\n');
            if (t.getCause() == t) {
                break;
            }
        }
        return out.toString();
    }
}
