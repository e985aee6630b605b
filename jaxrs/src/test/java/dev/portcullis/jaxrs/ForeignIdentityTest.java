package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.portcullis.jaxrs.JaxrsContract.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code PortcullisFeature} built with its own engine never trusts an identity that the servlet
 * filter's engine verified under other settings. The filter trusts issuers X and Y, and for Y
 * also a second audience; the feature's engine trusts only Y with the application's audience. A
 * token the filter accepts but the feature's engine would not must be refused by the feature.
 */
class ForeignIdentityTest {
    private static final String OTHER_AUDIENCE = "other-api";

    private TokenMint x;
    private TokenMint y;
    private Portcullis featureEngine;
    private Map<String, String> filterParams;

    @BeforeEach
    void setUp(@TempDir Path dir) {
        x = new TokenMint(dir.resolve("x"), "https://idp-x.test/realms/other");
        y = new TokenMint(dir.resolve("y"), TokenMint.ISSUER);
        featureEngine = Portcullis.fromSettings(Settings.of(y.settings()));
        filterParams = new HashMap<>();
        filterParams.put("portcullis.issuers", "x,y");
        filterParams.put("portcullis.issuers.x.issuer", x.issuer());
        filterParams.put("portcullis.issuers.x.audience", TokenMint.AUDIENCE);
        filterParams.put("portcullis.issuers.x.jwks-file", x.jwksFile().toString());
        filterParams.put("portcullis.issuers.y.issuer", y.issuer());
        filterParams.put("portcullis.issuers.y.audience", TokenMint.AUDIENCE + "," + OTHER_AUDIENCE);
        filterParams.put("portcullis.issuers.y.jwks-file", y.jwksFile().toString());
    }

    @AfterEach
    void tearDown() {
        featureEngine.close();
    }

    private Runtimes.Deployed jersey() throws Exception {
        return Runtimes.jerseyServlet(new ResourceConfig(TestResources.ThingResource.class, TestResources.OpenResource.class)
                .register(new PortcullisFeature(featureEngine)), filterParams);
    }

    private Runtimes.Deployed resteasy() throws Exception {
        return Runtimes.resteasyServlet(Runtimes.application(List.of(TestResources.ThingResource.class, TestResources.OpenResource.class),
                List.of(new PortcullisFeature(featureEngine))), filterParams);
    }

    private void assertForeignIdentitiesRefused(Runtimes.Deployed server) throws Exception {
        String fromX = x.token("bob");
        String forOtherAudience = y.tokenFor("bob", OTHER_AUDIENCE);
        // The filter's engine accepts both (so the filter lets them through to JAX-RS) ...
        assertThat(server.filterEngine().authenticate(List.of("Bearer " + fromX), List.of()).issuer())
                .isEqualTo(x.issuer());
        assertThat(server.filterEngine().authenticate(List.of("Bearer " + forOtherAudience), List.of()))
                .isNotNull();

        HttpResponse<String> trusted = Http.get(server.base, "things/plain", y.token("bob"));
        assertThat(trusted.statusCode()).as("positive control: %s", trusted.body()).isEqualTo(200);
        assertThat(trusted.body()).isEqualTo("plain bob scheme=Bearer admin=false");

        // ... but the feature's engine would not, so the feature refuses them.
        HttpResponse<String> otherIssuer = Http.get(server.base, "things/plain", fromX);
        assertRefused(otherIssuer, 401, "untrusted_issuer");
        assertThat(otherIssuer.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\"");

        HttpResponse<String> otherAudience = Http.get(server.base, "things/plain", forOtherAudience);
        assertRefused(otherAudience, 401, "wrong_audience");

        // On a @PermitAll method the filter's principal (it wrapped the servlet request) is not shown either.
        assertThat(Http.get(server.base, "open", y.token("bob")).body())
                .isEqualTo("hello bob scheme=Bearer admin=false user=false");
        assertThat(Http.get(server.base, "open", fromX).body()).isEqualTo("hello anonymous user=false");
        assertThat(Http.get(server.base, "open", forOtherAudience).body()).isEqualTo("hello anonymous user=false");
    }

    @Test
    void jerseyWhenFilterEngineTrustsOtherIssuerOrAudienceThenFeatureEngineRefusesItsIdentity() throws Exception {
        try (Runtimes.Deployed server = jersey()) {
            assertForeignIdentitiesRefused(server);
        }
    }

    @Test
    void resteasyWhenFilterEngineTrustsOtherIssuerOrAudienceThenFeatureEngineRefusesItsIdentity() throws Exception {
        try (Runtimes.Deployed server = resteasy()) {
            assertForeignIdentitiesRefused(server);
        }
    }
}
